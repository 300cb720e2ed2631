from django.urls import path

from .views import bank, contests, quizzes, results, taking

app_name = "quizzes"

urlpatterns = [
    # Members
    path("", taking.my, name="my"),
    path("<int:pk>/", taking.quiz, name="quiz"),
    path("<int:pk>/start/", taking.start, name="start"),
    path("<int:pk>/results/", results.results, name="results"),
    path("<int:pk>/results/export/", results.results_export, name="results_export"),
    path("attempts/<int:pk>/", taking.attempt, name="attempt"),
    path("attempts/<int:pk>/answer/<int:position>/", taking.answer, name="attempt_answer"),
    path("attempts/<int:pk>/submit/", taking.submit, name="attempt_submit"),
    path("attempts/<int:pk>/review/", taking.review, name="attempt_review"),
    path("contests/join/", contests.contest_join, name="contest_join"),
    path("contests/<int:pk>/play/", contests.contest_play, name="contest_play"),
    path("contests/<int:pk>/play/room/", contests.contest_room, name="contest_room"),
    path("contests/<int:pk>/play/answer/", contests.contest_answer, name="contest_answer"),
    path("contests/<int:pk>/board/", contests.contest_board, name="contest_board"),
    # Officers: quizzes
    path("manage/", quizzes.manage, name="manage"),
    path("manage/new/", quizzes.quiz_create, name="quiz_create"),
    path("manage/<int:pk>/", quizzes.quiz_detail, name="quiz_detail"),
    path("manage/<int:pk>/edit/", quizzes.quiz_edit, name="quiz_edit"),
    path("manage/<int:pk>/questions/", quizzes.quiz_questions, name="quiz_questions"),
    path("manage/<int:pk>/people/", quizzes.quiz_people, name="quiz_people"),
    path("manage/<int:pk>/publish/", quizzes.quiz_publish, name="quiz_publish"),
    path("manage/<int:pk>/cancel/", quizzes.quiz_cancel, name="quiz_cancel"),
    path("manage/<int:pk>/delete/", quizzes.quiz_delete, name="quiz_delete"),
    # Officers: the question bank
    path("manage/bank/", bank.bank, name="bank"),
    path("manage/bank/new/", bank.question_create, name="question_create"),
    path("manage/bank/<int:pk>/edit/", bank.question_edit, name="question_edit"),
    path("manage/bank/<int:pk>/active/", bank.question_toggle, name="question_toggle"),
    path("manage/bank/<int:pk>/delete/", bank.question_delete, name="question_delete"),
    path("manage/bank/import/", bank.import_upload, name="import"),
    path("manage/bank/import/template/", bank.import_template, name="import_template"),
    path("manage/bank/import/<int:pk>/", bank.import_preview, name="import_preview"),
    path("manage/bank/import/<int:pk>/confirm/", bank.import_confirm, name="import_confirm"),
    path("manage/bank/import/<int:pk>/cancel/", bank.import_cancel, name="import_cancel"),
    path("manage/bank/import/<int:pk>/result/", bank.import_result, name="import_result"),
    # Officers: live contests
    path("manage/contests/", contests.contests, name="contests"),
    path("manage/contests/new/", contests.contest_create, name="contest_create"),
    path("manage/contests/<int:pk>/", contests.contest_detail, name="contest_detail"),
    path(
        "manage/contests/<int:pk>/questions/", contests.contest_questions, name="contest_questions"
    ),
    path("manage/contests/<int:pk>/draw/", contests.contest_draw, name="contest_draw"),
    path("manage/contests/<int:pk>/open/", contests.contest_open, name="contest_open"),
    path("manage/contests/<int:pk>/next/", contests.contest_next, name="contest_next"),
    path("manage/contests/<int:pk>/end/", contests.contest_end, name="contest_end"),
    path("manage/contests/<int:pk>/host/", contests.contest_host, name="contest_host"),
    path("manage/contests/<int:pk>/host/stage/", contests.contest_stage, name="contest_stage"),
]

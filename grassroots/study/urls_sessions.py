"""Plans, sessions, attendance, self-study and the hours ledger.

Everything about sessions lives under sessions/ and everything about hours under hours/, so
that the navigation marks the right entry on every page of the part."""

from django.urls import path

from .views import hours, sessions

urlpatterns: list = [
    # Sessions and attendance
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/close/", sessions.session_close, name="session_close"),
    path(
        "sessions/<int:pk>/all-present/",
        sessions.session_mark_all_present,
        name="session_mark_all_present",
    ),
    path("sessions/<int:pk>/qr/", sessions.session_qr, name="session_qr"),
    path("sessions/<int:pk>/qr/code/", sessions.session_qr_code, name="session_qr_code"),
    path("sessions/<int:pk>/checkin/", sessions.checkin_view, name="checkin"),
    path(
        "sessions/<int:pk>/attendance/<int:attendance_pk>/mark/",
        sessions.attendance_mark,
        name="attendance_mark",
    ),
    path("sessions/<int:pk>/leave/", sessions.leave_request, name="leave_request"),
    path("sessions/<int:pk>/leave/withdraw/", sessions.leave_withdraw, name="leave_withdraw"),
    # Plans
    path("sessions/plans/", sessions.plan_list, name="plans"),
    path("sessions/plans/new/", sessions.plan_create, name="plan_create"),
    path("sessions/plans/<int:pk>/", sessions.plan_detail, name="plan_detail"),
    path("sessions/plans/<int:pk>/edit/", sessions.plan_edit, name="plan_edit"),
    # Make-up study and the review queue
    path(
        "sessions/attendance/<int:attendance_pk>/makeup/",
        sessions.makeup_submit,
        name="makeup_submit",
    ),
    path("sessions/makeups/<int:pk>/", sessions.makeup_detail, name="makeup_detail"),
    path("sessions/makeups/<int:pk>/file/", sessions.makeup_file, name="makeup_file"),
    path("sessions/reviews/", sessions.review_queue, name="review_queue"),
    # The hours ledger
    path("hours/", hours.ledger, name="ledger"),
    path("hours/mine/", hours.my_hours, name="my_hours"),
    path("hours/export/", hours.ledger_export, name="ledger_export"),
    path("hours/compare/", hours.compare, name="compare"),
    path("hours/targets/", hours.targets, name="targets"),
    # Self-study
    path("hours/self-study/new/", hours.self_study_create, name="self_study_create"),
    path("hours/self-study/<int:pk>/", hours.self_study_detail, name="self_study_detail"),
    path("hours/self-study/<int:pk>/edit/", hours.self_study_edit, name="self_study_edit"),
    path(
        "hours/self-study/<int:pk>/withdraw/",
        hours.self_study_withdraw,
        name="self_study_withdraw",
    ),
    path("hours/self-study/<int:pk>/file/", hours.self_study_file, name="self_study_file"),
]

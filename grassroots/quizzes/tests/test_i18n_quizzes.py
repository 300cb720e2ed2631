"""The quizzes pages in English: a member's and an officer's main pages leave no Chinese but the
data (names of people and organizations, quizzes, contests, questions and their answers)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from openpyxl import Workbook

from grassroots.core.tests.test_i18n import CJK, chinese_left_on, page_data
from grassroots.quizzes import models as quiz_models
from grassroots.quizzes import workbooks
from grassroots.quizzes.enums import QuizStatus, ReviewPolicy, Selection
from grassroots.quizzes.services import attempts as attempt_services
from grassroots.quizzes.services import contests as contest_services
from grassroots.quizzes.services import imports as import_services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


IMPORT_ROWS = [
    [
        "单选题",
        "党的最高领导机关是什么？",
        "党的全国代表大会和它所产生的中央委员会",
        "中央纪委",
        "A",
    ],
    ["问答题", "无法识别的题型", "", "", "A"],
]


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def quiz_data(user) -> list[str]:
    """page_data and every text of the quizzes records: titles, questions, options, answers."""
    data = page_data(user)
    for model, fields in (
        (quiz_models.Question, ("stem", "options", "answer", "explanation")),
        (quiz_models.Tag, ("name",)),
        (quiz_models.Quiz, ("title", "description")),
        (quiz_models.AttemptItem, ("stem", "options", "answer", "explanation")),
        (quiz_models.Contest, ("title",)),
        (quiz_models.ContestQuestion, ("stem", "options", "answer", "explanation")),
        (quiz_models.ContestPlayer, ("name",)),
        (quiz_models.QuestionImport, ("original_name",)),
    ):
        for row in model.objects.values_list(*fields):
            data += [text for value in row for text in _texts(value)]
    data += [text for row in IMPORT_ROWS for text in row]
    # The question file's sheets, columns and cell values are Chinese whatever the language:
    # the import page names them as they appear in the file.
    data += [workbooks.SHEET_NAME, workbooks.HELP_SHEET, *workbooks.TYPE_LABELS]
    data += [header for _key, header, _width, _required in workbooks.COLUMNS]
    data += workbooks.DIFFICULTY_LABELS
    for value in list(data):
        for width in (60, 80, 100, 120):
            data += Truncator(value).chars(width).splitlines()
        data += value.splitlines()
    return [value.strip() for value in data if CJK.search(value)]


def left_in_english(client, user, url) -> list[str]:
    client.force_login(user)
    return chinese_left_on(client, url, quiz_data(user))


def assert_english(client, user, urls) -> None:
    leftovers = {url: left for url in urls if (left := left_in_english(client, user, url))}
    assert leftovers == {}


@pytest.fixture
def quizzes(county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    member = make_member(county.branch1)
    questions = [
        QuestionFactory(organization=county.branch1, qtype=qtype, tags=["党章"])
        for qtype in ("single", "multiple", "true_false", "fill_blank")
    ]
    done = make_quiz(
        county.branch1,
        questions=questions,
        title="党章知识测试",
        description="请认真作答。",
        time_limit_minutes=30,
        review_policy=ReviewPolicy.AFTER_SUBMIT,
        max_attempts=2,
    )
    attempt = attempt_services.attempt_start(quiz=done, actor=member)
    attempt_services.attempt_answer(attempt=attempt, position=1, response=["1"], actor=member)
    attempt_services.attempt_submit(attempt=attempt, actor=member)
    running = make_quiz(county.branch1, questions=questions, title="三会一课测试")
    open_attempt = attempt_services.attempt_start(quiz=running, actor=member)
    upcoming = make_quiz(
        county.branch1,
        questions=questions,
        title="年终测试",
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=5),
    )
    drawn = make_quiz(
        county.branch1,
        title="随机抽题测试",
        status=QuizStatus.DRAFT,
        selection=Selection.RANDOM,
        draw_medium=2,
        audience="list",
    )
    drawn.draw_tags.set(quiz_models.Tag.objects.all())
    contest = contest_services.contest_create(
        organization=county.branch1, actor=secretary, title="七一知识竞赛"
    )
    contest_services.contest_add_questions(contest=contest, questions=questions, actor=secretary)
    draft_contest = contest_services.contest_create(
        organization=county.branch1, actor=secretary, title="国庆知识竞赛"
    )
    contest = contest_services.contest_open(contest=contest, actor=secretary)
    contest_services.contest_join(code=contest.join_code, actor=member)
    return {
        "secretary": secretary,
        "member": member,
        "questions": questions,
        "done": done,
        "attempt": attempt,
        "running": running,
        "open_attempt": open_attempt,
        "upcoming": upcoming,
        "drawn": drawn,
        "contest": contest,
        "draft_contest": draft_contest,
    }


def test_member_pages_in_english(english_client, quizzes):
    client = english_client
    contest = quizzes["contest"]
    urls = [
        reverse("quizzes:my"),
        reverse("quizzes:quiz", args=[quizzes["done"].pk]),
        reverse("quizzes:quiz", args=[quizzes["running"].pk]),
        reverse("quizzes:quiz", args=[quizzes["upcoming"].pk]),
        reverse("quizzes:attempt", args=[quizzes["open_attempt"].pk]),
        reverse("quizzes:attempt_review", args=[quizzes["attempt"].pk]),
        reverse("quizzes:results", args=[quizzes["done"].pk]),
        reverse("quizzes:contest_join"),
        reverse("quizzes:contest_play", args=[contest.pk]),
        reverse("core:home"),
    ]
    assert_english(client, quizzes["member"], urls)
    # The contest's question on the phone, then its answer revealed.
    contest_services.contest_next(contest=contest, actor=quizzes["secretary"])
    play = reverse("quizzes:contest_play", args=[contest.pk])
    assert left_in_english(client, quizzes["member"], play) == []
    quiz_models.ContestQuestion.objects.filter(contest=contest).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    assert left_in_english(client, quizzes["member"], play) == []


def test_officer_pages_in_english(english_client, quizzes):
    client = english_client
    secretary = quizzes["secretary"]
    done, drawn = quizzes["done"], quizzes["drawn"]
    contest = quizzes["contest"]
    question = quizzes["questions"][0]
    workbook = Workbook()
    workbook.active.append(["题型", "题干", "选项A", "选项B", "正确答案"])
    for row in IMPORT_ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    imported = import_services.question_import_upload(
        organization=question.organization,
        uploaded_file=SimpleUploadedFile("questions.xlsx", buffer.getvalue()),
        actor=secretary,
    )
    contest_services.contest_next(contest=contest, actor=secretary)
    urls = [
        reverse("quizzes:manage"),
        reverse("quizzes:quiz_create"),
        reverse("quizzes:quiz_detail", args=[done.pk]),
        reverse("quizzes:quiz_detail", args=[drawn.pk]),
        reverse("quizzes:quiz_edit", args=[drawn.pk]),
        reverse("quizzes:quiz_questions", args=[done.pk]),
        reverse("quizzes:quiz_people", args=[drawn.pk]) + "?q=a",
        reverse("quizzes:results", args=[done.pk]),
        reverse("quizzes:results", args=[done.pk]) + "?tab=branches",
        reverse("quizzes:results", args=[done.pk]) + "?tab=branches&level=unit",
        reverse("quizzes:bank"),
        reverse("quizzes:question_create"),
        reverse("quizzes:question_edit", args=[question.pk]),
        reverse("quizzes:import"),
        reverse("quizzes:import_preview", args=[imported.pk]),
        reverse("quizzes:contests"),
        reverse("quizzes:contest_create"),
        reverse("quizzes:contest_detail", args=[contest.pk]),
        reverse("quizzes:contest_detail", args=[quizzes["draft_contest"].pk]),
        reverse("quizzes:contest_questions", args=[quizzes["draft_contest"].pk]),
        reverse("quizzes:contest_host", args=[contest.pk]),
    ]
    assert_english(client, secretary, urls)

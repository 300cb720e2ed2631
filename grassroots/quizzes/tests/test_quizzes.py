"""Running a quiz: create a draft, choose questions and people, publish, cancel; who may."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.notifications.models import Notification
from grassroots.quizzes.enums import QuizStatus
from grassroots.quizzes.models import Quiz
from grassroots.quizzes.selectors.quizzes import expected_people, is_expected, my_quizzes
from grassroots.quizzes.services import quizzes as services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


def fields(**extra):
    now = timezone.now()
    values = {
        "title": "学习党章知识测试",
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=3),
        "points_per_question": 10,
        "pass_score": 10,
    }
    values.update(extra)
    return values


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


def test_draft_to_published_notifies_the_expected_people(
    county, secretary, django_capture_on_commit_callbacks
):
    member = make_member(county.branch1)
    outsider = make_member(county.branch2)
    non_party = make_member(county.branch1, party=False)
    quiz = services.quiz_create(organization=county.branch1, actor=secretary, **fields())
    assert quiz.status == QuizStatus.DRAFT and quiz.audience_org == county.branch1
    question = QuestionFactory(organization=county.root)  # a county question serves a branch
    services.quiz_add_questions(quiz=quiz, questions=[question], actor=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        services.quiz_publish(quiz=quiz, actor=secretary)
    quiz.refresh_from_db()
    assert quiz.status == QuizStatus.PUBLISHED and quiz.published_at
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert member.pk in notified
    assert outsider.pk not in notified and non_party.pk not in notified
    assert is_expected(quiz, member.person) and not is_expected(quiz, non_party.person)
    assert [q.pk for q in my_quizzes(member)["open"]] == [quiz.pk]
    assert my_quizzes(outsider)["open"] == []


def test_an_illegal_move_is_refused(county, secretary):
    quiz = make_quiz(county.branch1, questions=[QuestionFactory(organization=county.branch1)])
    with pytest.raises(ValidationError, match="不能执行此操作"):
        services.quiz_publish(quiz=quiz, actor=secretary)  # already published
    services.quiz_cancel(quiz=quiz, actor=secretary)
    with pytest.raises(ValidationError):
        services.quiz_cancel(quiz=quiz, actor=secretary)
    with pytest.raises(ValidationError, match="已撤销"):
        services.quiz_update(quiz=quiz, actor=secretary, title="新标题")


@pytest.mark.parametrize(
    "setup,message",
    [
        ("no_questions", "请先选择测试题目"),
        ("closed", "截止时间已过"),
        ("pass_too_high", "及格分不能高于满分"),
        ("random_short", "不足抽取"),
        ("list_empty", "请先指定参加人员"),
        ("inactive", "已停用"),
    ],
)
def test_publish_checks(county, secretary, setup, message):
    question = QuestionFactory(organization=county.branch1)
    extra = {}
    if setup == "closed":
        extra = {
            "opens_at": timezone.now() - timedelta(days=2),
            "closes_at": timezone.now() - timedelta(days=1),
        }
    if setup == "pass_too_high":
        extra = {"pass_score": 11}
    if setup == "random_short":
        extra = {"selection": "random", "draw_hard": 3}
    if setup == "list_empty":
        extra = {"audience": "list"}
    quiz = make_quiz(county.branch1, status=QuizStatus.DRAFT, **extra)
    if setup not in ("no_questions", "random_short"):
        quiz.quiz_questions.create(question=question, position=1)
    if setup == "inactive":
        question.is_active = False
        question.save()
    with pytest.raises(ValidationError, match=message):
        services.quiz_publish(quiz=quiz, actor=secretary)
    quiz.refresh_from_db()
    assert quiz.status == QuizStatus.DRAFT


def test_permissions(county, make_user, secretary):
    with pytest.raises(PermissionDenied):
        services.quiz_create(organization=county.branch2, actor=secretary, **fields())
    with pytest.raises(PermissionDenied):
        services.quiz_create(
            organization=county.branch1, actor=make_member(county.branch1), **fields()
        )
    quiz = services.quiz_create(organization=county.branch1, actor=secretary, **fields())
    other = make_user("branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.quiz_update(quiz=quiz, actor=other, title="改标题")
    above = make_user("committee_admin", county.justice)
    services.quiz_update(quiz=quiz, actor=above, title="总支改的标题")
    with pytest.raises(ValidationError, match="只能面向您有权管理的组织"):
        services.quiz_create(
            organization=county.branch1,
            actor=secretary,
            **fields(audience_org=county.justice),
        )


def test_a_published_quiz_keeps_its_rules(county, secretary):
    quiz = make_quiz(county.branch1, questions=[QuestionFactory(organization=county.branch1)])
    services.quiz_update(
        quiz=quiz, actor=secretary, title="新标题", closes_at=quiz.closes_at + timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="只能修改标题"):
        services.quiz_update(quiz=quiz, actor=secretary, max_attempts=3)
    with pytest.raises(ValidationError, match="不能早于现在"):
        services.quiz_update(
            quiz=quiz, actor=secretary, closes_at=timezone.now() - timedelta(minutes=1)
        )


def test_fixed_questions_come_from_the_pool(county, secretary):
    quiz = services.quiz_create(organization=county.branch1, actor=secretary, **fields())
    own = QuestionFactory(organization=county.branch1)
    above = QuestionFactory(organization=county.justice)
    sibling = QuestionFactory(organization=county.branch2)
    assert services.quiz_add_questions(quiz=quiz, questions=[own, above], actor=secretary) == 2
    assert services.quiz_add_questions(quiz=quiz, questions=[own], actor=secretary) == 0
    with pytest.raises(ValidationError, match="不属于本组织可用的题库"):
        services.quiz_add_questions(quiz=quiz, questions=[sibling], actor=secretary)
    services.quiz_remove_question(quiz=quiz, question=own, actor=secretary)
    assert list(quiz.quiz_questions.values_list("question_id", flat=True)) == [above.pk]


def test_hand_picked_people(county, secretary):
    inside = make_member(county.branch1)
    outside = make_member(county.branch2)
    quiz = services.quiz_create(
        organization=county.branch1, actor=secretary, **fields(audience="list")
    )
    assert services.quiz_add_invitees(quiz=quiz, people=[inside.person], actor=secretary) == 1
    with pytest.raises(ValidationError, match="只能指定您有权管理的组织中的人员"):
        services.quiz_add_invitees(quiz=quiz, people=[outside.person], actor=secretary)
    quiz.refresh_from_db()
    assert list(expected_people(quiz)) == [inside.person]
    assert is_expected(quiz, inside.person) and not is_expected(quiz, outside.person)


def test_manager_pages(client, county, secretary, django_assert_max_num_queries):
    client.force_login(secretary)
    response = client.post(
        reverse("quizzes:quiz_create"),
        {
            "organization": county.branch1.pk,
            "title": "七一知识测试",
            "audience": "subtree",
            "audience_org": county.branch1.pk,
            "party_members_only": "on",
            "opens_at": "2030-07-01T08:00",
            "closes_at": "2030-07-07T18:00",
            "max_attempts": 2,
            "grading_rule": "highest",
            "selection": "fixed",
            "draw_easy": 0,
            "draw_medium": 0,
            "draw_hard": 0,
            "points_per_question": 5,
            "pass_score": 5,
            "review_policy": "after_close",
        },
    )
    assert response.status_code == 302, response.content.decode()
    quiz = Quiz.objects.get()
    assert timezone.localtime(quiz.opens_at).hour == 8
    QuestionFactory.create_batch(3, organization=county.branch1)
    picker = client.get(reverse("quizzes:quiz_questions", args=[quiz.pk]))
    assert picker.content.decode().count('data-testid="pick-row"') == 3
    ids = [str(q.pk) for q in quiz.organization.quiz_questions.all()]
    client.post(reverse("quizzes:quiz_questions", args=[quiz.pk]), {"question": ids})
    assert quiz.quiz_questions.count() == 3
    client.post(reverse("quizzes:quiz_publish", args=[quiz.pk]))
    quiz.refresh_from_db()
    assert quiz.status == QuizStatus.PUBLISHED
    detail = client.get(reverse("quizzes:quiz_detail", args=[quiz.pk]))
    assert detail.status_code == 200
    for _ in range(30):
        make_quiz(county.branch1)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("quizzes:manage"))
    assert page.content.decode().count('data-testid="quiz-row"') == 30


def test_manager_page_is_refused_to_members(client, county):
    client.force_login(make_member(county.branch1))
    assert client.get(reverse("quizzes:manage")).status_code == 403
    quiz = make_quiz(county.branch1)
    assert client.get(reverse("quizzes:quiz_detail", args=[quiz.pk])).status_code == 404


def test_edit_pages_and_hand_picked_people_pages(client, county, secretary):
    client.force_login(secretary)
    quiz = make_quiz(county.branch1, status=QuizStatus.DRAFT, audience="list")
    form = client.get(reverse("quizzes:quiz_edit", args=[quiz.pk]))
    assert form.status_code == 200 and 'name="draw_easy"' in form.content.decode()
    person = make_member(county.branch1).person
    page = client.get(reverse("quizzes:quiz_people", args=[quiz.pk]), {"q": person.name})
    assert person.name in page.content.decode()
    client.post(
        reverse("quizzes:quiz_people", args=[quiz.pk]) + f"?q={person.name}",
        {"person": [person.pk]},
    )
    assert list(quiz.invitees.values_list("person_id", flat=True)) == [person.pk]
    client.post(reverse("quizzes:quiz_people", args=[quiz.pk]), {"remove": person.pk})
    assert not quiz.invitees.exists()
    published = make_quiz(county.branch1, questions=[QuestionFactory(organization=county.branch1)])
    form = client.get(reverse("quizzes:quiz_edit", args=[published.pk])).content.decode()
    assert 'name="title"' in form and 'name="max_attempts"' not in form
    response = client.post(
        reverse("quizzes:quiz_edit", args=[published.pk]),
        {
            "title": "改后的标题",
            "description": "",
            "closes_at": timezone.localtime(published.closes_at).strftime("%Y-%m-%dT%H:%M"),
            "leaderboard_visible": "on",
        },
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "改后的标题"

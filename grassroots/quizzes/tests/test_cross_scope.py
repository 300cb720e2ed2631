"""Crafted addresses: every page of the quizzes app that names a record, asked for by the officer
of another branch and by a member who is not the record's, answers 403 or 404 and changes
nothing."""

import pytest
from django.urls import reverse

from grassroots.quizzes.enums import QuizStatus
from grassroots.quizzes.models import (
    Attempt,
    AttemptItem,
    Contest,
    ContestAnswer,
    ContestPlayer,
    Question,
    QuestionImport,
    Quiz,
    QuizInvitee,
    QuizQuestion,
    QuizResult,
)
from grassroots.quizzes.services import attempts as attempt_services
from grassroots.quizzes.services import contests as contest_services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Question,
            Quiz,
            QuizQuestion,
            QuizInvitee,
            Attempt,
            AttemptItem,
            QuizResult,
            Contest,
            ContestPlayer,
            ContestAnswer,
            QuestionImport,
        )
    ]


@pytest.fixture
def branch1(county, make_user):
    """The first branch's bank, a published quiz with a member's attempt, a draft quiz, and an
    open contest the member plays."""
    secretary = make_user("branch_secretary", county.branch1)
    question = QuestionFactory(organization=county.branch1, qtype="single", answer=[1])
    quiz = make_quiz(county.branch1, questions=[question], leaderboard_visible=False)
    draft = make_quiz(county.branch1, questions=[question], status=QuizStatus.DRAFT)
    member = make_member(county.branch1)
    attempt = attempt_services.attempt_start(quiz=quiz, actor=member)
    contest = contest_services.contest_create(
        organization=county.branch1, actor=secretary, title="支部知识竞赛"
    )
    contest_services.contest_add_questions(contest=contest, questions=[question], actor=secretary)
    contest = contest_services.contest_open(contest=contest, actor=secretary)
    contest_services.contest_join(code=contest.join_code, actor=member)
    return {
        "question": question,
        "quiz": quiz,
        "draft": draft,
        "member": member,
        "attempt": attempt,
        "contest": contest,
    }


def probes(r):
    quiz, draft, attempt, contest = r["quiz"].pk, r["draft"].pk, r["attempt"].pk, r["contest"].pk
    question = r["question"].pk
    return [
        ("get", reverse("quizzes:results_export", args=[quiz]), None),
        ("get", reverse("quizzes:attempt", args=[attempt]), None),
        ("post", reverse("quizzes:attempt_answer", args=[attempt, 1]), {"response": "1"}),
        ("post", reverse("quizzes:attempt_submit", args=[attempt]), {}),
        ("get", reverse("quizzes:attempt_review", args=[attempt]), None),
        ("get", reverse("quizzes:quiz_detail", args=[quiz]), None),
        ("post", reverse("quizzes:quiz_edit", args=[draft]), {"title": "改了"}),
        ("post", reverse("quizzes:quiz_questions", args=[draft]), {"remove": str(question)}),
        ("post", reverse("quizzes:quiz_people", args=[draft]), {"person": "1"}),
        ("post", reverse("quizzes:quiz_publish", args=[draft]), {}),
        ("post", reverse("quizzes:quiz_cancel", args=[quiz]), {}),
        ("post", reverse("quizzes:quiz_delete", args=[draft]), {}),
        ("post", reverse("quizzes:question_edit", args=[question]), {"stem": "改了"}),
        ("post", reverse("quizzes:question_toggle", args=[question]), {"active": "0"}),
        ("post", reverse("quizzes:question_delete", args=[question]), {}),
        ("get", reverse("quizzes:contest_detail", args=[contest]), None),
        ("post", reverse("quizzes:contest_draw", args=[contest]), {"count": "1"}),
        ("post", reverse("quizzes:contest_next", args=[contest]), {}),
        ("post", reverse("quizzes:contest_end", args=[contest]), {}),
        ("get", reverse("quizzes:contest_host", args=[contest]), None),
        ("get", reverse("quizzes:contest_stage", args=[contest]), None),
        ("get", reverse("quizzes:contest_room", args=[contest]), None),
        ("post", reverse("quizzes:contest_answer", args=[contest]), {"position": "1"}),
        ("get", reverse("quizzes:contest_board", args=[contest]), None),
    ]


@pytest.mark.parametrize("who", ["other_branch_officer", "member_elsewhere"])
def test_crafted_addresses_answer_nothing(client, county, make_user, branch1, who):
    if who == "other_branch_officer":
        user = make_user("branch_secretary", county.branch2)
    else:
        user = make_member(county.branch2)
    client.force_login(user)
    before = snapshot()
    for method, url, data in probes(branch1):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code in (403, 404), (who, method, url, response.status_code)
    # A quiz the user is not expected at, and its results.
    for name in ("quizzes:quiz", "quizzes:results"):
        assert client.get(reverse(name, args=[branch1["quiz"].pk])).status_code == 404, name
    assert client.post(reverse("quizzes:start", args=[branch1["quiz"].pk])).status_code == 404
    assert snapshot() == before


def test_the_probed_pages_answer_their_owners(client, county, make_user, branch1):
    client.force_login(make_user("branch_secretary", county.branch1))
    for name, pk in (
        ("quizzes:quiz_detail", branch1["quiz"].pk),
        ("quizzes:contest_host", branch1["contest"].pk),
        ("quizzes:results", branch1["quiz"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
    client.force_login(branch1["member"])
    for name, pk in (
        ("quizzes:attempt", branch1["attempt"].pk),
        ("quizzes:contest_play", branch1["contest"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name

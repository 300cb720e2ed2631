"""List pages of the quizzes app answer in as many queries for many rows as for a few."""

import pytest
from django.urls import reverse

from grassroots.core.testing import queries_of
from grassroots.quizzes.enums import Audience, QuizStatus, ReviewPolicy
from grassroots.quizzes.models import QuizInvitee
from grassroots.quizzes.services import attempts as attempt_services
from grassroots.quizzes.services import contests as contest_services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


def test_contest_pages(client, county, make_user):
    host = make_user("branch_secretary", county.branch1)
    client.force_login(host)
    contest = contest_services.contest_create(
        organization=county.branch1, actor=host, title="知识竞赛"
    )

    def add(n):
        contest_services.contest_add_questions(
            contest=contest,
            questions=[QuestionFactory(organization=county.branch1) for _i in range(n)],
            actor=host,
        )
        for _i in range(n):
            contest_services.contest_create(organization=county.branch1, actor=host, title="另一场")

    urls = [
        reverse("quizzes:contests"),
        reverse("quizzes:contest_detail", args=[contest.pk]),
        reverse("quizzes:contest_questions", args=[contest.pk]),
    ]
    add(1)
    few = [queries_of(client, url) for url in urls]
    add(10)
    assert [queries_of(client, url) for url in urls] == few


def test_a_running_contest_with_many_players(client, county, make_user):
    host = make_user("branch_secretary", county.branch1)
    contest = contest_services.contest_create(
        organization=county.branch1, actor=host, title="知识竞赛"
    )
    contest_services.contest_add_questions(
        contest=contest, questions=[QuestionFactory(organization=county.branch1)], actor=host
    )
    contest = contest_services.contest_open(contest=contest, actor=host)

    def add(n):
        for i in range(n):
            org = (county.branch1, county.branch2, county.community)[i % 3]
            contest_services.contest_join(code=contest.join_code, actor=make_member(org))

    client.force_login(host)
    urls = [
        reverse("quizzes:contest_detail", args=[contest.pk]),
        reverse("quizzes:contest_host", args=[contest.pk]),
        reverse("quizzes:contest_board", args=[contest.pk]),
    ]
    add(2)
    few = [queries_of(client, url) for url in urls]
    add(12)
    assert [queries_of(client, url) for url in urls] == few


def test_a_quiz_s_questions_and_people(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)
    quiz = make_quiz(county.branch1, status=QuizStatus.DRAFT, audience=Audience.LIST)

    def add(n):
        for _i in range(n):
            question = QuestionFactory(organization=county.branch1, tags=["党章", "党史"])
            quiz.quiz_questions.create(question=question, position=question.pk)
            QuizInvitee.objects.create(quiz=quiz, person=make_member(county.branch1).person)

    urls = [
        reverse("quizzes:quiz_detail", args=[quiz.pk]),
        reverse("quizzes:quiz_questions", args=[quiz.pk]),
        reverse("quizzes:quiz_people", args=[quiz.pk]),
    ]
    add(1)
    few = [queries_of(client, url) for url in urls]
    add(10)
    assert [queries_of(client, url) for url in urls] == few


def test_a_member_s_quizzes_and_a_review(client, county):
    member = make_member(county.branch1)
    client.force_login(member)
    first = make_quiz(
        county.branch1,
        questions=[QuestionFactory(organization=county.branch1)],
        review_policy=ReviewPolicy.AFTER_SUBMIT,
        max_attempts=20,
    )

    def add(n):
        for _i in range(n):
            make_quiz(county.branch1, questions=[QuestionFactory(organization=county.branch1)])
            attempt = attempt_services.attempt_start(quiz=first, actor=member)
            attempt_services.attempt_submit(attempt=attempt, actor=member)

    add(1)
    review = reverse("quizzes:attempt_review", args=[first.attempts.order_by("pk").first().pk])
    urls = [reverse("quizzes:my"), reverse("quizzes:quiz", args=[first.pk]), review]
    few = [queries_of(client, url) for url in urls]
    add(10)
    assert [queries_of(client, url) for url in urls] == few


def test_manage_and_bank_lists(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)

    def add(n):
        for _i in range(n):
            questions = [QuestionFactory(organization=county.branch1, tags=["党章"])]
            make_quiz(county.branch1, questions=questions)

    urls = [reverse("quizzes:manage"), reverse("quizzes:bank")]
    add(1)
    assert "党章党规知识测试" in client.get(urls[0]).content.decode()
    assert "党支部党员大会" in client.get(urls[1]).content.decode()
    few = [queries_of(client, url) for url in urls]
    add(10)
    assert [queries_of(client, url) for url in urls] == few

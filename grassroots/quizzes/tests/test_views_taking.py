"""A member's pages: my quizzes, starting, answering one question at a time (htmx), the
countdown's deadline from the server, submitting, the review after the quiz closes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from grassroots.quizzes.enums import AttemptStatus
from grassroots.quizzes.models import Attempt

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(county, client):
    questions = [
        QuestionFactory(organization=county.root, qtype="single", answer=[1]),
        QuestionFactory(organization=county.root, qtype="fill_blank", answer=[["季度"]]),
    ]
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=20)
    member = make_member(county.branch1)
    client.force_login(member)
    return quiz, member


def test_my_page_lists_open_quizzes_and_the_home_counter(client, county, setup):
    quiz, _member = setup
    page = client.get(reverse("quizzes:my")).content.decode()
    assert quiz.title in page and 'data-testid="open-quiz"' in page
    home = client.get(reverse("core:home")).content.decode()
    assert "待完成的测试" in home


def test_take_a_quiz_end_to_end(client, setup):
    quiz, _member = setup
    page = client.get(reverse("quizzes:quiz", args=[quiz.pk])).content.decode()
    assert 'data-testid="start"' in page
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="question"') == 2
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in page
    single = attempt.items.get(qtype="single")
    fill = attempt.items.get(qtype="fill_blank")
    saved = client.post(
        reverse("quizzes:attempt_answer", args=[attempt.pk, single.position]),
        {"response": "1"},
        **HTMX,
    )
    assert "已保存" in saved.content.decode()
    client.post(
        reverse("quizzes:attempt_answer", args=[attempt.pk, fill.position]),
        {"response": "季度"},
        **HTMX,
    )
    response = client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), follow=True)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == 20
    assert "已交卷：得分 20 分" in response.content.decode()
    # The review waits until the quiz closes (the default policy).
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]), follow=True)
    assert "测试结束后才能查看答案与解析" in review.content.decode()
    # A second submit grades nothing.
    again = client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), follow=True)
    assert "没有重复计分" in again.content.decode()


def test_review_after_submit_when_the_quiz_says_so(client, county, setup):
    quiz, _member = setup
    quiz.review_policy = "after_submit"
    quiz.save()
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    response = client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:attempt_review", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="review-item"') == 2
    assert "《中国共产党支部工作条例（试行）》规定。" in page


def test_a_late_answer_redirects_with_the_message(client, setup, clock):
    quiz, _member = setup
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    clock.advance(minutes=21)
    response = client.post(
        reverse("quizzes:attempt_answer", args=[attempt.pk, 1]), {"response": "1"}, **HTMX
    )
    assert response["HX-Redirect"] == reverse("quizzes:quiz", args=[quiz.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "已超过作答截止时间" in page
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    # Opening the attempt after its deadline goes back to the quiz.
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 302


def test_nobody_opens_anothers_attempt(client, county, setup):
    quiz, _member = setup
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    client.force_login(make_member(county.branch1))
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:attempt_submit", args=[attempt.pk])).status_code == 404


def test_a_quiz_for_others_is_not_found(client, county):
    quiz = make_quiz(county.branch2, questions=[QuestionFactory(organization=county.root)])
    client.force_login(make_member(county.branch1))
    assert client.get(reverse("quizzes:quiz", args=[quiz.pk])).status_code == 404
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 404


def test_a_closed_window_is_explained(client, setup):
    quiz, _member = setup
    from django.utils import timezone

    quiz.opens_at = timezone.now() - timedelta(days=3)
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    response = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "测试已于" in response.content.decode()
    assert not Attempt.objects.exists()


def test_attempt_page_query_budget(client, county, django_assert_max_num_queries):
    questions = [QuestionFactory(organization=county.root) for _ in range(3)]
    quiz = make_quiz(county.branch1, questions=questions)
    many = make_quiz(
        county.branch1, questions=[QuestionFactory(organization=county.root) for _ in range(40)]
    )
    member = make_member(county.branch1)
    client.force_login(member)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    client.post(reverse("quizzes:start", args=[many.pk]))
    small, large = Attempt.objects.order_by("pk")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("quizzes:attempt", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("quizzes:attempt", args=[large.pk]))
    assert page.content.decode().count('data-testid="question"') == 40
    with django_assert_max_num_queries(20):
        client.get(reverse("quizzes:my"))

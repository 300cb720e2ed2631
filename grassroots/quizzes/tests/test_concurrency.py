"""Two submissions of one attempt at the same moment (two taps, two tabs, the member and the
minute sweep) grade it once: the row lock plus the conditional update, on a real database
with real threads."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from grassroots.quizzes.enums import AttemptStatus
from grassroots.quizzes.models import Attempt, QuizResult
from grassroots.quizzes.services import attempts as services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serializes writers itself; the row lock is PostgreSQL's to prove",
)


def run_together(*calls):
    """Run the calls in threads released at the same moment; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_grade_once(county):
    questions = [QuestionFactory(organization=county.root) for _ in range(3)]
    quiz = make_quiz(county.branch1, questions=questions, max_attempts=3)
    member = make_member(county.branch1)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    for item in attempt.items.all():
        services.attempt_answer(
            attempt=attempt, position=item.position, response=["1"], actor=member
        )

    def submit():
        return services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), actor=member)[1]

    results = run_together(submit, submit, submit)
    assert sorted(results) == [False, False, True], results
    result = QuizResult.objects.get(quiz=quiz, person=member.person)
    assert result.attempts_submitted == 1 and result.score == 30
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_sweep_and_the_member_race_at_the_deadline(county):
    quiz = make_quiz(county.branch1, questions=[QuestionFactory(organization=county.root)])
    member = make_member(county.branch1)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=10),
        deadline=timezone.now() - timedelta(seconds=1),
    )

    def submit():
        return int(
            services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), actor=member)[1]
        )

    results = run_together(
        submit, services.close_expired_attempts, submit, services.close_expired_attempts
    )
    assert sum(results) == 1, results
    assert QuizResult.objects.get().attempts_submitted == 1

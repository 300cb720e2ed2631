"""Taking a quiz: every transition of an attempt and every refusal; grading; random draws;
the server's deadline (answers after it refused, the attempt submitted for the member)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.quizzes import tasks
from grassroots.quizzes.enums import AttemptStatus, QuizStatus
from grassroots.quizzes.models import Attempt, QuizResult
from grassroots.quizzes.services import attempts as services

from .factories import QuestionFactory, make_member, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(county):
    return [
        QuestionFactory(organization=county.root, qtype="single", answer=[1]),
        QuestionFactory(organization=county.root, qtype="multiple", answer=[0, 2]),
        QuestionFactory(organization=county.root, qtype="true_false", answer=[False]),
        QuestionFactory(organization=county.root, qtype="fill_blank", answer=[["季度", "个季度"]]),
    ]


@pytest.fixture
def member(county):
    return make_member(county.branch1)


def answer_all(attempt, member, responses):
    for item in attempt.items.all():
        services.attempt_answer(
            attempt=attempt,
            position=item.position,
            response=responses[item.qtype],
            actor=member,
        )


RIGHT = {"single": [1], "multiple": [0, 2], "true_false": ["false"], "fill_blank": ["　季度 "]}


def test_start_answer_submit_grades_each_type(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.number == 1
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    assert attempt.items.count() == 4 and attempt.max_score == 40
    answer_all(attempt, member, {**RIGHT, "multiple": [0]})  # multiple: only one of two
    attempt, graded = services.attempt_submit(attempt=attempt, actor=member)
    assert graded and attempt.status == AttemptStatus.SUBMITTED
    assert (attempt.score, attempt.correct_count) == (30, 3)
    result = QuizResult.objects.get(quiz=quiz, person=member.person)
    assert (result.score, result.best_score, result.last_score) == (30, 30, 30)
    assert result.passed and result.attempts_submitted == 1
    scores = {i.qtype: (i.is_correct, i.score) for i in attempt.items.all()}
    assert scores["multiple"] == (False, 0)
    assert scores["fill_blank"] == (True, 10)


def test_partial_credit_when_the_quiz_allows_it(county, questions, member):
    quiz = make_quiz(county.branch1, questions=[questions[1]], partial_credit=True)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    services.attempt_answer(attempt=attempt, position=1, response=["2"], actor=member)
    attempt, _graded = services.attempt_submit(attempt=attempt, actor=member)
    assert attempt.score == 5


def test_starting_again_resumes_the_open_attempt(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions)
    first = services.attempt_start(quiz=quiz, actor=member)
    assert services.attempt_start(quiz=quiz, actor=member).pk == first.pk
    assert Attempt.objects.count() == 1


def test_attempts_limit(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions, max_attempts=2)
    for _ in range(2):
        attempt = services.attempt_start(quiz=quiz, actor=member)
        services.attempt_submit(attempt=attempt, actor=member)
    with pytest.raises(ValidationError, match="作答次数已用完（共 2 次）"):
        services.attempt_start(quiz=quiz, actor=member)
    assert Attempt.objects.count() == 2


def test_window_closed_or_not_open_or_cancelled(county, questions, member, clock):
    quiz = make_quiz(county.branch1, questions=questions)
    clock.set(quiz.opens_at - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="测试尚未开始"):
        services.attempt_start(quiz=quiz, actor=member)
    clock.set(quiz.closes_at)
    with pytest.raises(ValidationError, match="测试已于 .* 结束"):
        services.attempt_start(quiz=quiz, actor=member)
    clock.set(quiz.opens_at + timedelta(minutes=1))
    quiz.status = QuizStatus.CANCELLED
    quiz.save()
    with pytest.raises(ValidationError, match="已撤销"):
        services.attempt_start(quiz=quiz, actor=member)
    assert not Attempt.objects.exists()


def test_only_expected_people_may_start(county, questions):
    quiz = make_quiz(county.branch1, questions=questions)
    with pytest.raises(PermissionDenied, match="不在本次测试的参加范围内"):
        services.attempt_start(quiz=quiz, actor=make_member(county.branch2))
    with pytest.raises(PermissionDenied, match="不在本次测试的参加范围内"):
        services.attempt_start(quiz=quiz, actor=make_member(county.branch1, party=False))


def test_nobody_answers_anothers_attempt(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    other = make_member(county.branch1)
    with pytest.raises(PermissionDenied):
        services.attempt_answer(attempt=attempt, position=1, response=["1"], actor=other)
    with pytest.raises(PermissionDenied):
        services.attempt_submit(attempt=attempt, actor=other)


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_submitted(
    county, questions, member, clock
):
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=10)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    single = attempt.items.get(qtype="single")
    services.attempt_answer(attempt=attempt, position=single.position, response=["1"], actor=member)
    clock.advance(minutes=10, seconds=1)
    tf = attempt.items.get(qtype="true_false")
    with pytest.raises(ValidationError, match="已超过作答截止时间") as exc:
        services.attempt_answer(
            attempt=attempt, position=tf.position, response=["false"], actor=member
        )
    assert exc.value.code == "late"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 10 and attempt.time_used_seconds == 600
    tf.refresh_from_db()
    assert tf.response is None
    with pytest.raises(ValidationError, match="答卷已提交"):
        services.attempt_answer(
            attempt=attempt, position=tf.position, response=["false"], actor=member
        )


def test_the_deadline_is_the_closing_time_when_that_comes_first(county, questions, member, clock):
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=60)
    clock.set(quiz.closes_at - timedelta(minutes=5))
    attempt = services.attempt_start(quiz=quiz, actor=member)
    assert attempt.deadline == quiz.closes_at


def test_submitting_twice_grades_once(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    answer_all(attempt, member, RIGHT)
    first, graded = services.attempt_submit(attempt=attempt, actor=member)
    second, graded_again = services.attempt_submit(attempt=attempt, actor=member)
    assert graded and not graded_again
    assert second.score == first.score == 40
    assert QuizResult.objects.get().attempts_submitted == 1


def test_a_late_submission_counts_the_answers_saved_before_the_deadline(
    county, questions, member, clock
):
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=5)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    answer_all(attempt, member, RIGHT)
    clock.advance(minutes=7)
    attempt, graded = services.attempt_submit(attempt=attempt, actor=member)
    assert graded and attempt.auto_submitted and attempt.score == 40
    assert attempt.submitted_at == attempt.deadline


def test_the_periodic_task_and_readers_submit_expired_attempts(county, questions, clock):
    quiz = make_quiz(county.branch1, questions=questions, time_limit_minutes=5)
    members = [make_member(county.branch1) for _ in range(3)]
    attempts = [services.attempt_start(quiz=quiz, actor=m) for m in members]
    clock.advance(minutes=6)
    assert tasks.submit_expired_attempts.call_local() == 3
    assert tasks.submit_expired_attempts.call_local() == 0
    assert set(Attempt.objects.values_list("status", flat=True)) == {AttemptStatus.SUBMITTED}
    assert QuizResult.objects.filter(quiz=quiz).count() == 3
    # Lazily, when the attempt is read.
    again = make_member(county.branch1)
    clock.advance(minutes=1)
    late = services.attempt_start(quiz=quiz, actor=again)
    clock.advance(minutes=6)
    assert services.attempt_refresh(late).status == AttemptStatus.SUBMITTED
    assert attempts[0].pk != late.pk


def test_grading_by_highest_or_last_attempt(county, questions, member):
    highest = make_quiz(county.branch1, questions=questions, max_attempts=2, grading_rule="highest")
    last = make_quiz(county.branch1, questions=questions, max_attempts=2, grading_rule="last")
    for quiz in (highest, last):
        good = services.attempt_start(quiz=quiz, actor=member)
        answer_all(good, member, RIGHT)
        services.attempt_submit(attempt=good, actor=member)
        poor = services.attempt_start(quiz=quiz, actor=member)
        services.attempt_submit(attempt=poor, actor=member)
    best = QuizResult.objects.get(quiz=highest)
    assert (best.score, best.best_score, best.last_score, best.attempts_submitted) == (40, 40, 0, 2)
    latest = QuizResult.objects.get(quiz=last)
    assert (latest.score, latest.best_score, latest.last_score) == (0, 40, 0)
    assert not latest.passed


def test_random_draw_per_difficulty_and_tag(county, bank, member):
    quiz = make_quiz(
        county.branch1,
        selection="random",
        draw_easy=2,
        draw_medium=3,
        draw_hard=1,
        shuffle_questions=True,
        shuffle_options=True,
    )
    attempt = services.attempt_start(quiz=quiz, actor=member)
    levels = Counter(item.question.difficulty for item in attempt.items.select_related("question"))
    assert levels == {1: 2, 2: 3, 3: 1}
    assert attempt.items.values("question").distinct().count() == 6
    for item in attempt.items.all():
        if item.qtype in ("single", "multiple"):
            assert sorted(item.option_order) == list(range(len(item.options)))
        else:
            assert item.option_order == []
    tagged = make_quiz(county.branch1, selection="random", draw_easy=4)
    from grassroots.quizzes.models import Tag

    tagged.draw_tags.set([Tag.objects.get(name="党章")])
    other = make_member(county.branch1)
    drawn = services.attempt_start(quiz=tagged, actor=other)
    assert all(
        item.question.tags.filter(name="党章").exists()
        for item in drawn.items.select_related("question")
    )
    short = make_quiz(county.branch1, selection="random", draw_hard=50)
    with pytest.raises(ValidationError, match="题库中的题目不足"):
        services.attempt_start(quiz=short, actor=member)


def test_a_bad_response_is_refused(county, questions, member):
    quiz = make_quiz(county.branch1, questions=questions)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    single = attempt.items.get(qtype="single")
    for bad in (["9"], ["x"], ["0", "1"]):
        with pytest.raises(ValidationError):
            services.attempt_answer(
                attempt=attempt, position=single.position, response=bad, actor=member
            )
    with pytest.raises(ValidationError, match="没有这道题"):
        services.attempt_answer(attempt=attempt, position=99, response=["1"], actor=member)


def test_the_snapshot_keeps_a_graded_attempt_when_the_bank_changes(county, questions, member):
    quiz = make_quiz(county.branch1, questions=[questions[0]])
    attempt = services.attempt_start(quiz=quiz, actor=member)
    services.attempt_answer(attempt=attempt, position=1, response=["1"], actor=member)
    questions[0].answer = [2]
    questions[0].save()
    attempt, _ = services.attempt_submit(attempt=attempt, actor=member)
    assert attempt.score == 10


def test_closing_earlier_shortens_the_running_attempts(county, questions, member, make_user):
    from grassroots.quizzes.services import quizzes as quiz_services

    quiz = make_quiz(county.branch1, questions=questions)
    attempt = services.attempt_start(quiz=quiz, actor=member)
    earlier = attempt.started_at + timedelta(hours=1)
    quiz_services.quiz_update(
        quiz=quiz, actor=make_user("branch_secretary", county.branch1), closes_at=earlier
    )
    attempt.refresh_from_db()
    assert attempt.deadline == earlier

"""Taking a quiz: start an attempt (its questions drawn and shuffled for it), save answers as
the member goes, submit; and the sweep that submits attempts whose time ran out.

The server's clock decides. An attempt's deadline is fixed when it starts:
min(started_at + time limit, closes_at). An answer arriving after it is refused, and the
attempt is submitted as it stood at the deadline; an attempt left open past its deadline is
submitted by the periodic task (every minute) or as soon as anyone reads it or the results.

Grading happens once: the attempt row is locked (select_for_update) and moved from
in_progress to submitted with a conditional UPDATE, so two submissions at the same moment
(two taps, two tabs, the member and the sweep) grade it once. The score is computed here, from
the stored answers, and the person's QuizResult row is rewritten in the same transaction.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited

from ..caching import results_cache
from ..enums import CHOICE_TYPES, AttemptStatus, Difficulty, GradingRule, QuizStatus, Selection
from ..grading import judge
from ..models import Attempt, AttemptItem, Question, Quiz, QuizResult
from .common import clean_response

# Draws and shuffles a member cannot predict or replay.
_rng = random.SystemRandom()
LAZY_SWEEP_LIMIT = 500


def _person_of(actor):
    if not actor.is_authenticated or not actor.person_id:
        raise PermissionDenied(_("您的账号没有关联人员信息，无法参加测试。"))
    return actor.person


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def check_window(quiz: Quiz, now) -> None:
    """Refuse, with the reason, to start a quiz that is not open now."""
    if quiz.status == QuizStatus.CANCELLED:
        raise ValidationError(_("本次测试已撤销。"), code="cancelled")
    if quiz.status != QuizStatus.PUBLISHED:
        raise ValidationError(_("本次测试尚未发布。"), code="draft")
    if now < quiz.opens_at:
        raise ValidationError(
            _("测试尚未开始，开始时间：%(when)s。") % {"when": _when(quiz.opens_at)},
            code="not_open",
        )
    if now >= quiz.closes_at:
        raise ValidationError(
            _("测试已于 %(when)s 结束。") % {"when": _when(quiz.closes_at)}, code="closed"
        )


def _draw(quiz: Quiz) -> list[Question]:
    """The questions of a new attempt: the quiz's own, or a fresh random draw per difficulty."""
    from ..selectors.bank import question_pool

    if quiz.selection == Selection.FIXED:
        questions = [
            qq.question
            for qq in quiz.quiz_questions.select_related("question").order_by("position", "id")
        ]
        if quiz.shuffle_questions:
            _rng.shuffle(questions)
        return questions
    pool = question_pool(quiz.organization)
    tags = list(quiz.draw_tags.all())
    if tags:
        pool = pool.filter(tags__in=tags)
    by_level: dict[int, list[int]] = {}
    for pk, level in pool.order_by().values_list("pk", "difficulty").distinct():
        by_level.setdefault(level, []).append(pk)
    chosen: list[int] = []
    for level, want in (
        (Difficulty.EASY, quiz.draw_easy),
        (Difficulty.MEDIUM, quiz.draw_medium),
        (Difficulty.HARD, quiz.draw_hard),
    ):
        have = sorted(by_level.get(level, []))
        if len(have) < want:
            raise ValidationError(
                _("题库中的题目不足，暂时无法开始测试，请联系测试组织者。"), code="pool"
            )
        chosen.extend(_rng.sample(have, want))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=chosen)}
    ordered = [questions[pk] for pk in chosen]
    if quiz.shuffle_questions:
        _rng.shuffle(ordered)
    return ordered


def _option_order(question: Question, shuffle: bool) -> list[int]:
    if question.qtype not in CHOICE_TYPES:
        return []
    order = list(range(len(question.options)))
    if shuffle:
        _rng.shuffle(order)
    return order


@audited
def attempt_start(*, quiz: Quiz, actor) -> Attempt:
    """Start (or resume) the actor's attempt. Refused outside the window, beyond the number
    of attempts allowed, or for someone the quiz is not for."""
    from ..selectors.quizzes import is_expected

    person = _person_of(actor)
    close_expired_attempts(quiz=quiz, person=person)
    with transaction.atomic():
        quiz = Quiz.objects.select_related("organization", "audience_org").get(pk=quiz.pk)
        if not is_expected(quiz, person):
            raise PermissionDenied(_("您不在本次测试的参加范围内。"))
        current = Attempt.objects.filter(
            quiz=quiz, person=person, status=AttemptStatus.IN_PROGRESS
        ).first()
        if current is not None:
            return current
        now = timezone.now()
        check_window(quiz, now)
        used = Attempt.objects.filter(quiz=quiz, person=person).count()
        if used >= quiz.max_attempts:
            raise ValidationError(
                _("您的作答次数已用完（共 %(n)d 次）。") % {"n": quiz.max_attempts},
                code="no_attempts_left",
            )
        questions = _draw(quiz)
        deadline = quiz.closes_at
        if quiz.time_limit_minutes:
            deadline = min(now + timedelta(minutes=quiz.time_limit_minutes), quiz.closes_at)
        attempt = Attempt(
            quiz=quiz,
            person=person,
            number=used + 1,
            started_at=now,
            deadline=deadline,
            question_count=len(questions),
            max_score=len(questions) * quiz.points_per_question,
        )
        try:
            with transaction.atomic():
                attempt.save()
        except IntegrityError:
            # A second tap on "start" won the race: carry on with the attempt it created.
            current = Attempt.objects.filter(
                quiz=quiz, person=person, status=AttemptStatus.IN_PROGRESS
            ).first()
            if current is None:
                raise ValidationError(_("开始作答失败，请刷新页面后重试。")) from None
            return current
        AttemptItem.objects.bulk_create(
            [
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    question=question,
                    qtype=question.qtype,
                    stem=question.stem,
                    options=question.options,
                    answer=question.answer,
                    explanation=question.explanation,
                    points=quiz.points_per_question,
                    option_order=_option_order(question, quiz.shuffle_options),
                )
                for position, question in enumerate(questions, start=1)
            ]
        )
    return attempt


def _require_owner(actor, attempt: Attempt) -> None:
    if not actor.is_authenticated or attempt.person_id != actor.person_id:
        raise PermissionDenied(_("只能作答自己的答卷。"))


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)


def _late() -> ValidationError:
    return ValidationError(
        _("已超过作答截止时间，本次作答未保存；系统已按截止时刻自动交卷。"), code="late"
    )


@audited
def attempt_answer(*, attempt: Attempt, position: int, response, actor) -> AttemptItem:
    """Save the answer to one question of an open attempt (the last one given counts).

    Not one atomic block: an answer that comes too late submits the attempt, and that must
    commit even though the answer itself is refused."""
    _require_owner(actor, attempt)
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise ValidationError(_("答卷已提交，不能再修改答案。"), code="submitted")
        now = timezone.now()
        late = now > locked.deadline
        if late:
            grade(locked, submitted_at=locked.deadline, auto=True)
        elif locked.quiz.status == QuizStatus.CANCELLED:
            raise ValidationError(_("本次测试已撤销。"), code="cancelled")
        else:
            item = locked.items.filter(position=position).first()
            if item is None:
                raise ValidationError(_("没有这道题，请刷新页面。"), code="no_item")
            item.response = clean_response(item.qtype, item.options, item.answer, response)
            item.answered_at = now
            item.save(update_fields=["response", "answered_at"])
    if late:
        raise _late()
    return item


@audited
@transaction.atomic
def attempt_submit(*, attempt: Attempt, actor) -> tuple[Attempt, bool]:
    """Submit and grade. (attempt, True) when graded now; (attempt, False) when it had been
    submitted already, by another tap, another tab, or the deadline."""
    _require_owner(actor, attempt)
    locked = _lock(attempt)
    if locked.status != AttemptStatus.IN_PROGRESS:
        return locked, False
    now = timezone.now()
    if now > locked.deadline:
        graded = grade(locked, submitted_at=locked.deadline, auto=True)
    else:
        graded = grade(locked, submitted_at=now, auto=False)
    return locked, graded


def grade(attempt: Attempt, *, submitted_at, auto: bool) -> bool:
    """Grade a locked attempt from its stored answers; False when it was graded already."""
    quiz = attempt.quiz
    items = list(attempt.items.all())
    total = correct = 0
    for item in items:
        judgement = judge(
            item.qtype,
            item.answer,
            item.response or [],
            item.points,
            partial_credit=quiz.partial_credit,
        )
        item.is_correct = judgement.correct
        item.score = judgement.score
        total += judgement.score
        correct += int(judgement.correct)
    used = max(0, int((submitted_at - attempt.started_at).total_seconds()))
    fields = {
        "status": AttemptStatus.SUBMITTED,
        "submitted_at": submitted_at,
        "auto_submitted": auto,
        "score": total,
        "correct_count": correct,
        "time_used_seconds": used,
    }
    moved = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(**fields)
    if not moved:
        return False
    for key, value in fields.items():
        setattr(attempt, key, value)
    AttemptItem.objects.bulk_update(items, ["is_correct", "score"], batch_size=200)
    _refresh_result(quiz, attempt.person_id)
    return True


def _refresh_result(quiz: Quiz, person_id: int) -> None:
    """Rewrite the person's result from all their submitted attempts (a handful of rows)."""
    submitted = list(
        Attempt.objects.filter(quiz=quiz, person_id=person_id, status=AttemptStatus.SUBMITTED)
        .order_by("number")
        .values("id", "number", "score", "time_used_seconds", "submitted_at")
    )
    if not submitted:
        return
    last = submitted[-1]
    best = max(submitted, key=lambda a: (a["score"], -a["time_used_seconds"], -a["number"]))
    counted = best if quiz.grading_rule == GradingRule.HIGHEST else last
    values = {
        "score": counted["score"],
        "best_score": best["score"],
        "last_score": last["score"],
        "time_used_seconds": counted["time_used_seconds"],
        "counted_attempt_id": counted["id"],
        "attempts_submitted": len(submitted),
        "passed": counted["score"] >= quiz.pass_score,
        "submitted_at": counted["submitted_at"],
        "last_submitted_at": last["submitted_at"],
    }
    results_cache(quiz.pk).changed()
    if QuizResult.objects.filter(quiz=quiz, person_id=person_id).update(**values):
        return
    try:
        with transaction.atomic():
            QuizResult.objects.create(quiz=quiz, person_id=person_id, **values)
    except IntegrityError:
        QuizResult.objects.filter(quiz=quiz, person_id=person_id).update(**values)


def close_expired_attempts(
    *, quiz: Quiz | None = None, person=None, limit: int | None = None
) -> int:
    """Submit every open attempt whose deadline has passed, as it stood at the deadline.
    Run every minute by the task queue, and before an attempt or results are read."""
    now = timezone.now()
    due = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now)
    if quiz is not None:
        due = due.filter(quiz=quiz)
    if person is not None:
        due = due.filter(person=person)
    ids = list(due.order_by("deadline").values_list("pk", flat=True)[:limit])
    graded = 0
    for pk in ids:
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("quiz")
                .filter(pk=pk, status=AttemptStatus.IN_PROGRESS)
                .first()
            )
            if attempt is not None and grade(attempt, submitted_at=attempt.deadline, auto=True):
                graded += 1
    return graded


def attempt_refresh(attempt: Attempt) -> Attempt:
    """The attempt as it stands now: submitted for the member if its time ran out."""
    if attempt.status == AttemptStatus.IN_PROGRESS and timezone.now() > attempt.deadline:
        close_expired_attempts(quiz=attempt.quiz, person=attempt.person)
        attempt.refresh_from_db()
    return attempt

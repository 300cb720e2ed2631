"""Writes of quizzes: create and edit a draft, choose its questions and people, publish,
cancel. Taking a quiz is in `attempts`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import covers

from ..enums import QUIZ_TRANSITIONS, AttemptStatus, Audience, Difficulty, QuizStatus, Selection
from ..models import Attempt, Question, Quiz, QuizInvitee, QuizQuestion
from .common import require

MANAGE = "quizzes.manage_quiz"
MAX_ATTEMPTS = 20
MAX_MINUTES = 600
MAX_QUESTIONS = 200

QUIZ_FIELDS = (
    "title",
    "description",
    "audience",
    "audience_org",
    "party_members_only",
    "selection",
    "draw_easy",
    "draw_medium",
    "draw_hard",
    "points_per_question",
    "partial_credit",
    "shuffle_questions",
    "shuffle_options",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "max_attempts",
    "grading_rule",
    "pass_score",
    "review_policy",
    "leaderboard_visible",
)
# What may still change once people may be taking the quiz.
PUBLISHED_FIELDS = ("title", "description", "closes_at", "leaderboard_visible")


def _check(quiz: Quiz, actor) -> None:
    errors: dict[str, list[str]] = {}
    quiz.title = (quiz.title or "").strip()
    if not quiz.title:
        errors.setdefault("title", []).append(_("请填写标题。"))
    if quiz.opens_at and quiz.closes_at and quiz.closes_at <= quiz.opens_at:
        errors.setdefault("closes_at", []).append(_("截止时间应晚于开始时间。"))
    if quiz.audience == Audience.SUBTREE:
        if quiz.audience_org_id is None:
            quiz.audience_org = quiz.organization
        if not covers(actor, MANAGE, quiz.audience_org.path):
            errors.setdefault("audience_org", []).append(_("只能面向您有权管理的组织发布测试。"))
    if quiz.selection == Selection.RANDOM and quiz.draw_total == 0:
        errors.setdefault("draw_medium", []).append(_("随机抽题时，至少要抽取一道题。"))
    if quiz.draw_total > MAX_QUESTIONS:
        errors.setdefault("draw_medium", []).append(
            _("一次测试最多 %(n)d 道题。") % {"n": MAX_QUESTIONS}
        )
    if not 1 <= (quiz.points_per_question or 0) <= 100:
        errors.setdefault("points_per_question", []).append(_("每题分值应在 1 到 100 之间。"))
    if not 1 <= (quiz.max_attempts or 0) <= MAX_ATTEMPTS:
        errors.setdefault("max_attempts", []).append(
            _("可作答次数应在 1 到 %(n)d 之间。") % {"n": MAX_ATTEMPTS}
        )
    if quiz.time_limit_minutes is not None and not 1 <= quiz.time_limit_minutes <= MAX_MINUTES:
        errors.setdefault("time_limit_minutes", []).append(
            _("答题限时应在 1 到 %(n)d 分钟之间。") % {"n": MAX_MINUTES}
        )
    if errors:
        raise ValidationError(errors)


@audited
@transaction.atomic
def quiz_create(*, organization, actor, draw_tags=(), **fields) -> Quiz:
    require(actor, MANAGE, organization, _("您没有权限为该组织发布测试。"))
    if not organization.is_active:
        raise ValidationError(_("不能为已撤销的组织发布测试。"))
    quiz = Quiz(organization=organization, created_by=actor)
    for key in QUIZ_FIELDS:
        if key in fields:
            setattr(quiz, key, fields[key])
    _check(quiz, actor)
    quiz.save()
    quiz.draw_tags.set(draw_tags)
    return quiz


def _lock(quiz: Quiz) -> Quiz:
    return (
        Quiz.objects.select_for_update(of=("self",))
        .select_related("organization", "audience_org")
        .get(pk=quiz.pk)
    )


@audited
@transaction.atomic
def quiz_update(*, quiz: Quiz, actor, draw_tags=None, **fields) -> Quiz:
    """Edit a quiz. A draft changes freely; a published quiz keeps its rules (people may be
    taking it), only its title, description, closing time and leaderboard setting change."""
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    if locked.status == QuizStatus.CANCELLED:
        raise ValidationError(_("测试已撤销，不能再修改。"))
    allowed = QUIZ_FIELDS if locked.status == QuizStatus.DRAFT else PUBLISHED_FIELDS
    changed = [k for k in QUIZ_FIELDS if k in fields and fields[k] != getattr(locked, k)]
    refused = [k for k in changed if k not in allowed]
    if refused:
        raise ValidationError(_("测试已发布，只能修改标题、说明、截止时间和排行榜设置。"))
    old_closes = locked.closes_at
    for key in changed:
        setattr(locked, key, fields[key])
    _check(locked, actor)
    if locked.status == QuizStatus.PUBLISHED and locked.closes_at != old_closes:
        if locked.closes_at <= timezone.now():
            raise ValidationError({"closes_at": _("已发布的测试，截止时间不能早于现在。")})
        # An earlier closing time also ends the attempts running now at that time.
        Attempt.objects.filter(
            quiz=locked, status=AttemptStatus.IN_PROGRESS, deadline__gt=locked.closes_at
        ).update(deadline=locked.closes_at)
    locked.save()
    if draw_tags is not None and locked.status == QuizStatus.DRAFT:
        locked.draw_tags.set(draw_tags)
    return locked


def _require_draft(quiz: Quiz) -> None:
    if quiz.status != QuizStatus.DRAFT:
        raise ValidationError(_("测试已发布，题目不能再调整。"))


@audited
@transaction.atomic
def quiz_add_questions(*, quiz: Quiz, questions, actor) -> int:
    """Add questions (from the quiz's pool, active) at the end of a fixed-question draft."""
    from ..selectors.bank import question_pool

    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    _require_draft(locked)
    ids = [q.pk for q in questions]
    usable = set(question_pool(locked.organization).filter(pk__in=ids).values_list("pk", flat=True))
    if len(usable) != len(set(ids)):
        raise ValidationError(_("所选题目中有停用的题目，或不属于本组织可用的题库。"))
    present = set(locked.quiz_questions.values_list("question_id", flat=True))
    new_ids = [pk for pk in dict.fromkeys(ids) if pk not in present]
    if len(present) + len(new_ids) > MAX_QUESTIONS:
        raise ValidationError(_("一次测试最多 %(n)d 道题。") % {"n": MAX_QUESTIONS})
    start = (locked.quiz_questions.aggregate(m=Max("position"))["m"] or 0) + 1
    QuizQuestion.objects.bulk_create(
        [
            QuizQuestion(quiz=locked, question_id=pk, position=start + offset)
            for offset, pk in enumerate(new_ids)
        ]
    )
    return len(new_ids)


@audited
@transaction.atomic
def quiz_remove_question(*, quiz: Quiz, question: Question, actor) -> None:
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    _require_draft(locked)
    locked.quiz_questions.filter(question=question).delete()


@audited
@transaction.atomic
def quiz_add_invitees(*, quiz: Quiz, people, actor) -> int:
    """Add people to a hand-picked quiz: only people in the actor's scope. People may be added
    after publishing (a latecomer); nobody already invited is added twice."""
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    if locked.status == QuizStatus.CANCELLED:
        raise ValidationError(_("测试已撤销。"))
    if locked.audience != Audience.LIST:
        raise ValidationError(_("本测试面向组织全体人员，无需指定人员。"))
    people = list(people)
    if any(not covers(actor, MANAGE, p.primary_org.path) for p in people):
        raise ValidationError(_("只能指定您有权管理的组织中的人员。"))
    present = set(locked.invitees.values_list("person_id", flat=True))
    new = [p for p in {p.pk: p for p in people}.values() if p.pk not in present]
    QuizInvitee.objects.bulk_create(
        [QuizInvitee(quiz=locked, person=p) for p in new], ignore_conflicts=True
    )
    return len(new)


@audited
@transaction.atomic
def quiz_remove_invitee(*, quiz: Quiz, person, actor) -> None:
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    if locked.attempts.filter(person=person).exists():
        raise ValidationError(_("该人员已经作答，不能移出。"))
    locked.invitees.filter(person=person).delete()


def _move(locked: Quiz, to: str, actor) -> None:
    codename = QUIZ_TRANSITIONS.get((locked.status, to))
    if codename is None:
        raise ValidationError(
            _("测试当前为“%(status)s”，不能执行此操作。") % {"status": locked.get_status_display()}
        )
    require(actor, codename, locked)


def _check_pool(quiz: Quiz) -> None:
    from ..selectors.bank import question_pool

    pool = question_pool(quiz.organization)
    tags = list(quiz.draw_tags.all())
    if tags:
        pool = pool.filter(tags__in=tags)
    wanted = {
        Difficulty.EASY: quiz.draw_easy,
        Difficulty.MEDIUM: quiz.draw_medium,
        Difficulty.HARD: quiz.draw_hard,
    }
    have = dict(
        pool.order_by()
        .values_list("difficulty")
        .annotate(n=Count("id", distinct=True))
        .values_list("difficulty", "n")
    )
    short = [
        _("“%(level)s”题只有 %(have)d 道，不足抽取的 %(want)d 道")
        % {"level": Difficulty(level).label, "have": have.get(level, 0), "want": want}
        for level, want in wanted.items()
        if want and have.get(level, 0) < want
    ]
    if short:
        raise ValidationError(
            _("题库中可抽取的题目不足：%(detail)s。") % {"detail": _("；").join(short)}
        )


@audited
@transaction.atomic
def quiz_publish(*, quiz: Quiz, actor) -> Quiz:
    """Publish a draft: its questions suffice, its people are named, it has not closed yet.
    The expected people with accounts get a message once it commits."""
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    _move(locked, QuizStatus.PUBLISHED, actor)
    if locked.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("截止时间已过，请先修改截止时间。")})
    if locked.selection == Selection.FIXED:
        count = locked.quiz_questions.count()
        if count == 0:
            raise ValidationError(_("请先选择测试题目。"))
        inactive = locked.quiz_questions.filter(question__is_active=False).count()
        if inactive:
            raise ValidationError(_("有 %(n)d 道题已停用，请移除后再发布。") % {"n": inactive})
    else:
        count = locked.draw_total
        _check_pool(locked)
    if locked.audience == Audience.LIST and not locked.invitees.exists():
        raise ValidationError(_("请先指定参加人员。"))
    full = count * locked.points_per_question
    if locked.pass_score > full:
        raise ValidationError(
            {"pass_score": _("及格分不能高于满分（%(full)d 分）。") % {"full": full}}
        )
    locked.status = QuizStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    transaction.on_commit(lambda: _announce(locked.pk))
    return locked


def _announce(quiz_id: int) -> None:
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    from ..selectors.quizzes import expected_people

    quiz = Quiz.objects.select_related("audience_org").get(pk=quiz_id)
    users = User.objects.filter(is_active=True, person__in=expected_people(quiz))
    when = timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d %H:%M")
    notify(
        recipients=users,
        kind="quizzes.published",
        title=_("新的知识测试：%(title)s") % {"title": quiz.title},
        body=_("请在 %(when)s 前完成作答。") % {"when": when},
        url=reverse("quizzes:quiz", args=[quiz.pk]),
    )


@audited
@transaction.atomic
def quiz_cancel(*, quiz: Quiz, actor) -> Quiz:
    """Withdraw a quiz: nobody may start or continue it; results already kept stay."""
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    _move(locked, QuizStatus.CANCELLED, actor)
    locked.status = QuizStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@audited
@transaction.atomic
def quiz_delete(*, quiz: Quiz, actor) -> None:
    require(actor, MANAGE, quiz)
    locked = _lock(quiz)
    if locked.status != QuizStatus.DRAFT:
        raise ValidationError(_("只能删除草稿；已发布的测试可以撤销。"))
    locked.delete()

"""Writes of live contests (知识竞赛): prepare, open with a join code, advance question by
question, take the players' answers against the server's countdown, end.

A correct answer earns points by speed: max_points × (0.5 + 0.5 × remaining / total), rounded
half up, where remaining is what was left of the question's countdown when the server received
the answer. A wrong answer earns nothing; an answer after the countdown is refused; each
player answers each question once (a unique constraint, not a Python check).
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited

from ..enums import CONTEST_TRANSITIONS, ContestStatus
from ..grading import judge
from ..models import Contest, ContestAnswer, ContestPlayer, ContestQuestion, Question
from .common import clean_response, require

HOST = "quizzes.host_contest"
MAX_QUESTIONS = 100
CODE_ATTEMPTS = 30
_rng = random.SystemRandom()


def speed_points(max_points: int, remaining_seconds: float, total_seconds: float) -> int:
    remaining = min(max(remaining_seconds, 0.0), total_seconds)
    share = Decimal(str(remaining)) / Decimal(str(total_seconds))
    value = Decimal(max_points) * (Decimal("0.5") + Decimal("0.5") * share)
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _check(contest: Contest) -> None:
    errors: dict[str, list[str]] = {}
    contest.title = (contest.title or "").strip()
    if not contest.title:
        errors.setdefault("title", []).append(_("请填写标题。"))
    if not 5 <= (contest.seconds_per_question or 0) <= 600:
        errors.setdefault("seconds_per_question", []).append(_("每题限时应在 5 到 600 秒之间。"))
    if not 10 <= (contest.max_points or 0) <= 10000:
        errors.setdefault("max_points", []).append(_("每题最高分应在 10 到 10000 之间。"))
    if errors:
        raise ValidationError(errors)


@audited
@transaction.atomic
def contest_create(
    *, organization, actor, title: str, seconds_per_question: int = 20, max_points: int = 1000
) -> Contest:
    require(actor, HOST, organization, _("您没有权限为该组织举办知识竞赛。"))
    if not organization.is_active:
        raise ValidationError(_("不能为已撤销的组织举办竞赛。"))
    contest = Contest(
        organization=organization,
        host=actor,
        title=title,
        seconds_per_question=seconds_per_question,
        max_points=max_points,
    )
    _check(contest)
    contest.save()
    return contest


def _lock(contest: Contest) -> Contest:
    return (
        Contest.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=contest.pk)
    )


def _require_draft(contest: Contest) -> None:
    if contest.status != ContestStatus.DRAFT:
        raise ValidationError(_("竞赛已开始，不能再修改设置和题目。"))


@audited
@transaction.atomic
def contest_update(*, contest: Contest, actor, **fields) -> Contest:
    require(actor, HOST, contest)
    locked = _lock(contest)
    _require_draft(locked)
    for key in ("title", "seconds_per_question", "max_points"):
        if key in fields:
            setattr(locked, key, fields[key])
    _check(locked)
    locked.save()
    return locked


@audited
@transaction.atomic
def contest_add_questions(*, contest: Contest, questions, actor) -> int:
    """Copy questions of the organization's pool into the contest, after the ones it has."""
    from ..selectors.bank import question_pool

    require(actor, HOST, contest)
    locked = _lock(contest)
    _require_draft(locked)
    ids = list(dict.fromkeys(q.pk for q in questions))
    found = {q.pk: q for q in question_pool(locked.organization).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError(_("所选题目中有停用的题目，或不属于本组织可用的题库。"))
    present = set(locked.questions.values_list("question_id", flat=True))
    new = [found[pk] for pk in ids if pk not in present]
    if len(present) + len(new) > MAX_QUESTIONS:
        raise ValidationError(_("一场竞赛最多 %(n)d 道题。") % {"n": MAX_QUESTIONS})
    start = (locked.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    ContestQuestion.objects.bulk_create(
        [
            ContestQuestion(
                contest=locked,
                position=start + offset,
                question=q,
                qtype=q.qtype,
                stem=q.stem,
                options=q.options,
                answer=q.answer,
                explanation=q.explanation,
            )
            for offset, q in enumerate(new)
        ]
    )
    return len(new)


@audited
@transaction.atomic
def contest_remove_question(*, contest: Contest, question: Question, actor) -> None:
    """Take a question out of a contest being prepared; the others close ranks."""
    require(actor, HOST, contest)
    locked = _lock(contest)
    _require_draft(locked)
    locked.questions.filter(question=question).delete()
    for position, item in enumerate(locked.questions.order_by("position"), start=1):
        if item.position != position:
            ContestQuestion.objects.filter(pk=item.pk).update(position=position)


def _move(locked: Contest, to: str, actor) -> None:
    codename = CONTEST_TRANSITIONS.get((locked.status, to))
    if codename is None:
        raise ValidationError(
            _("竞赛当前为“%(status)s”，不能执行此操作。") % {"status": locked.get_status_display()}
        )
    require(actor, codename, locked)


@audited
@transaction.atomic
def contest_open(*, contest: Contest, actor) -> Contest:
    """Open the room: a 6-digit join code, unique among open contests (the database says)."""
    require(actor, HOST, contest)
    locked = _lock(contest)
    _move(locked, ContestStatus.OPEN, actor)
    if not locked.questions.exists():
        raise ValidationError(_("请先添加竞赛题目。"))
    locked.status = ContestStatus.OPEN
    locked.opened_at = timezone.now()
    for _attempt in range(CODE_ATTEMPTS):
        locked.join_code = f"{_rng.randrange(10**6):06d}"
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "opened_at", "join_code", "updated_at"])
        except IntegrityError:
            continue
        return locked
    raise ValidationError(_("暂时无法生成加入码，请稍后重试。"))


@audited
@transaction.atomic
def contest_next(*, contest: Contest, actor) -> ContestQuestion:
    """Show the next question and start its countdown. Refused while the current question's
    countdown runs, unless every player has answered it."""
    require(actor, HOST, contest)
    locked = _lock(contest)
    if locked.status != ContestStatus.OPEN:
        raise ValidationError(_("竞赛不在进行中。"))
    now = timezone.now()
    current = locked.questions.filter(position=locked.current_position).first()
    if current is not None and current.closes_at and now < current.closes_at:
        players = locked.players.count()
        answered = current.answers.count()
        if answered < players:
            raise ValidationError(_("本题倒计时尚未结束，还有选手未作答。"))
        # Everyone answered: end the countdown now, so nobody's score depends on waiting.
        current.closes_at = now
        current.save(update_fields=["closes_at"])
    following = locked.questions.filter(position__gt=locked.current_position).order_by("position")
    following = following.first()
    if following is None:
        raise ValidationError(_("已是最后一题，请结束竞赛。"))
    following.opened_at = now
    following.closes_at = now + timedelta(seconds=locked.seconds_per_question)
    following.save(update_fields=["opened_at", "closes_at"])
    locked.current_position = following.position
    locked.save(update_fields=["current_position", "updated_at"])
    return following


@audited
@transaction.atomic
def contest_end(*, contest: Contest, actor) -> Contest:
    require(actor, HOST, contest)
    locked = _lock(contest)
    _move(locked, ContestStatus.ENDED, actor)
    now = timezone.now()
    locked.questions.filter(closes_at__gt=now).update(closes_at=now)
    locked.status = ContestStatus.ENDED
    locked.ended_at = now
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    return locked


def normalize_code(code) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", str(code or "")))[:6]


@transaction.atomic
def contest_join(*, code: str, actor) -> ContestPlayer:
    """Join an open contest by its code (any logged-in user in the room); joining again is
    harmless and returns the same player."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    code = normalize_code(code)
    if len(code) != 6:
        raise ValidationError({"code": _("请输入屏幕上显示的 6 位数字加入码。")})
    contest = Contest.objects.filter(join_code=code, status=ContestStatus.OPEN).first()
    if contest is None:
        raise ValidationError({"code": _("加入码无效，或竞赛已经结束。")})
    player = ContestPlayer.objects.filter(contest=contest, user=actor).first()
    if player is not None:
        return player
    person = actor.person if actor.person_id else None
    try:
        with transaction.atomic():
            return ContestPlayer.objects.create(
                contest=contest,
                user=actor,
                name=actor.get_full_name()[:60],
                organization=person.primary_org if person else None,
            )
    except IntegrityError:
        return ContestPlayer.objects.get(contest=contest, user=actor)


def contest_answer(*, player: ContestPlayer, position: int, response, actor) -> ContestAnswer:
    """Take a player's answer to the question on the screen; points by speed when correct."""
    if player.user_id != actor.pk:
        raise PermissionDenied(_("只能以自己的身份作答。"))
    now = timezone.now()
    contest = Contest.objects.get(pk=player.contest_id)
    if contest.status != ContestStatus.OPEN:
        raise ValidationError(_("竞赛已经结束。"), code="ended")
    question = contest.questions.filter(position=position).first()
    if question is None or question.opened_at is None or position != contest.current_position:
        raise ValidationError(_("这道题当前不在作答中。"), code="not_current")
    if now >= question.closes_at:
        raise ValidationError(_("本题作答时间已到，答案未被接受。"), code="late")
    chosen = clean_response(question.qtype, question.options, question.answer, response)
    if not chosen:
        raise ValidationError(_("请先选择或填写答案。"), code="empty")
    judgement = judge(question.qtype, question.answer, chosen, contest.max_points)
    total = (question.closes_at - question.opened_at).total_seconds()
    remaining = (question.closes_at - now).total_seconds()
    points = speed_points(contest.max_points, remaining, total) if judgement.correct else 0
    elapsed_ms = max(0, int((now - question.opened_at).total_seconds() * 1000))
    try:
        with transaction.atomic():
            answer = ContestAnswer.objects.create(
                question=question,
                player=player,
                response=chosen,
                is_correct=judgement.correct,
                points=points,
                elapsed_ms=elapsed_ms,
                answered_at=now,
            )
            if judgement.correct:
                ContestPlayer.objects.filter(pk=player.pk).update(
                    score=F("score") + points,
                    correct_count=F("correct_count") + 1,
                    total_ms=F("total_ms") + elapsed_ms,
                )
    except IntegrityError:
        raise ValidationError(_("本题您已作答，每题只能作答一次。"), code="answered") from None
    return answer

"""Reads of live contests: the host's contests, the state of the room for the screen and for
a player (what to show now), and the live leaderboards."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from grassroots.core.permissions import access, objects_for

from ..enums import ContestStatus
from ..models import Contest, ContestAnswer, ContestPlayer, ContestQuestion

HOST = "quizzes.host_contest"
BOARD_SIZE = 10


def contests_for(user) -> QuerySet[Contest]:
    return objects_for(user, HOST, Contest.objects.select_related("organization", "host"))


def access_contest(user, pk) -> Contest:
    return access(user, HOST, Contest.objects.select_related("organization", "host"), pk)


def access_player(user, contest_pk) -> ContestPlayer:
    """The user's own player in a contest; 404 when they did not join it."""
    try:
        contest_pk = int(contest_pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not user.is_authenticated:
        raise Http404
    player = (
        ContestPlayer.objects.filter(contest_id=contest_pk, user=user)
        .select_related("contest", "organization")
        .first()
    )
    if player is None:
        raise Http404
    return player


def contest_questions(contest: Contest) -> list[ContestQuestion]:
    return list(contest.questions.order_by("position"))


@dataclass
class RoomState:
    """What the screen and the phones show now. `phase`: lobby (no question yet), question
    (countdown running), reveal (countdown over: the key and the points), ended."""

    contest: Contest
    phase: str
    question: ContestQuestion | None
    total: int
    remaining_ms: int = 0
    answered: int = 0
    players: int = 0
    my_answer: ContestAnswer | None = None

    @property
    def key(self) -> str:
        """Changes exactly when the phone must redraw its question area."""
        position = self.question.position if self.question else 0
        mine = "a" if self.my_answer else "-"
        return f"{self.contest.status}.{position}.{self.phase}.{mine}"


def room_state(contest: Contest, *, player: ContestPlayer | None = None, now=None) -> RoomState:
    now = now or timezone.now()
    total = contest.questions.count()
    if contest.status == ContestStatus.ENDED:
        return RoomState(contest, "ended", None, total)
    question = None
    if contest.current_position:
        question = contest.questions.filter(position=contest.current_position).first()
    if contest.status != ContestStatus.OPEN or question is None:
        return RoomState(contest, "lobby", None, total, players=contest.players.count())
    running = question.closes_at and now < question.closes_at
    state = RoomState(
        contest,
        "question" if running else "reveal",
        question,
        total,
        remaining_ms=int((question.closes_at - now).total_seconds() * 1000) if running else 0,
    )
    if player is not None:
        state.my_answer = ContestAnswer.objects.filter(question=question, player=player).first()
    return state


def room_counts(state: RoomState) -> RoomState:
    """Players in the room and answers to the current question (the host's screen)."""
    state.players = state.contest.players.count()
    if state.question is not None:
        state.answered = state.question.answers.count()
    return state


def answer_spread(question: ContestQuestion) -> dict:
    """How many chose each option (for the reveal on the screen)."""
    spread: dict = {}
    for response, n in question.answers.order_by().values_list("response").annotate(n=Count("id")):
        for value in response or []:
            key = value if not isinstance(value, str) else value.strip()
            spread[str(key)] = spread.get(str(key), 0) + n
    return spread


def board(contest: Contest, limit: int = BOARD_SIZE) -> list[ContestPlayer]:
    return list(
        contest.players.select_related("organization").order_by("-score", "total_ms", "id")[:limit]
    )


def branch_board(contest: Contest, limit: int = BOARD_SIZE) -> list[dict]:
    """Per organization: players, total and average score, best first by average."""
    rows = (
        contest.players.order_by()
        .values("organization__id", "organization__name", "organization__short_name")
        .annotate(players=Count("id"), total=Sum("score"), average=Avg("score"))
        .order_by("-average", "-total")[:limit]
    )
    return [
        {
            "name": r["organization__short_name"] or r["organization__name"] or "—",
            "players": r["players"],
            "total": r["total"] or 0,
            "average": r["average"] or 0,
        }
        for r in rows
    ]


def player_rank(player: ContestPlayer) -> int:
    fresh = ContestPlayer.objects.get(pk=player.pk)
    ahead = ContestPlayer.objects.filter(contest_id=fresh.contest_id).filter(
        Q(score__gt=fresh.score)
        | Q(score=fresh.score, total_ms__lt=fresh.total_ms)
        | Q(score=fresh.score, total_ms=fresh.total_ms, id__lt=fresh.id)
    )
    return ahead.count() + 1

"""The quizzes API (django-ninja): a member's open quizzes, and a quiz's leaderboard scoped as
on the results page (officers see their scope, participants the public board).

Mount with `api.add_router("", quizzes_router)` (from grassroots.quizzes.api import router).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from grassroots.api.schemas import OrgRef
from grassroots.api.types import MAX_OFFSET, Blankable, ObjectId

from .selectors import quizzes as quiz_selectors
from .selectors import results as result_selectors
from .services.attempts import LAZY_SWEEP_LIMIT, close_expired_attempts


class QuizOut(Schema):
    id: int
    title: str
    organization: OrgRef
    opens_at: datetime
    closes_at: datetime
    time_limit_minutes: int | None = Field(description="答题限时（分钟），空表示截止前不限时")
    max_attempts: int
    attempts_used: int
    attempt_in_progress: int | None = Field(description="进行中的答卷编号")
    score: int | None = Field(description="已计入的成绩，未交卷时为空")
    passed: bool | None

    @staticmethod
    def resolve_attempts_used(obj) -> int:
        return obj.my_attempts or 0

    @staticmethod
    def resolve_attempt_in_progress(obj):
        return obj.my_open_attempt

    @staticmethod
    def resolve_score(obj):
        return obj.my_score

    @staticmethod
    def resolve_passed(obj):
        return obj.my_passed


class BoardRow(Schema):
    rank: int
    person_id: int
    name: str
    organization: OrgRef
    score: int
    time_used_seconds: int
    attempts_submitted: int
    passed: bool
    submitted_at: datetime


class BoardOut(Schema):
    quiz_id: int
    count: int
    scoped: bool = Field(description="为真时只含您权限范围内人员的成绩")
    items: list[BoardRow]


class BoardFilters(Schema):
    org: Annotated[ObjectId | None, Blankable] = Field(
        None, description="只列出该组织及其下级组织的人员"
    )
    limit: int = Field(50, ge=1, le=200, description="每页条数，1–200")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


def make_router() -> Router:
    """A fresh router (a ninja router belongs to one API; tests mount their own)."""
    router = Router(tags=["quizzes"])

    @router.get(
        "/quizzes/mine", response=list[QuizOut], url_name="quizzes_mine", summary="我的进行中测试"
    )
    def my_open_quizzes(request):
        now = timezone.now()
        user = request.auth
        person = user.person if user.person_id else None
        return list(
            quiz_selectors.quizzes_of_person(person)
            .filter(opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at")
        )

    @router.get(
        "/quizzes/{id}/leaderboard",
        response=BoardOut,
        url_name="quiz_leaderboard",
        summary="测试排行榜",
    )
    def leaderboard(request, id: ObjectId, filters: Query[BoardFilters]):
        from grassroots.orgs.models import Organization

        quiz, scope, officer = quiz_selectors.access_quiz_results(request.auth, id)
        close_expired_attempts(quiz=quiz, limit=LAZY_SWEEP_LIMIT)
        organization = None
        if filters.org is not None and officer:
            organization = Organization.objects.filter(pk=filters.org).first()
            if organization is not None and scope is not None:
                if not any(organization.path.startswith(p) for p in scope):
                    organization = None
        board = result_selectors.leaderboard(quiz, scope, organization=organization)
        ids = board.values_list("id", flat=True)[filters.offset : filters.offset + filters.limit]
        rows = result_selectors.board_slice(list(ids))
        return BoardOut(
            quiz_id=quiz.pk,
            count=board.count(),
            scoped=scope is not None,
            items=[
                BoardRow(
                    rank=filters.offset + index + 1,
                    person_id=r.person.pk,
                    name=r.person.name,
                    organization=OrgRef(id=r.person.primary_org.pk, name=r.person.primary_org.name),
                    score=r.score,
                    time_used_seconds=r.time_used_seconds,
                    attempts_submitted=r.attempts_submitted,
                    passed=r.passed,
                    submitted_at=r.submitted_at,
                )
                for index, r in enumerate(rows)
            ],
        )

    return router


router = make_router()

"""/study: the user's own hours ledger, and study sessions scoped as on the pages (managers see
their subtrees, a member the sessions they are expected at)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from grassroots.api.pagination import Pagination
from grassroots.api.schemas import OrgRef
from grassroots.api.types import Blankable, ObjectId, search_text
from grassroots.core import permissions

from .enums import StudyKind
from .selectors import hours as hours_selectors
from .selectors import sessions as selectors

router = Router(tags=["study"])

StudyKindFilter = Literal[tuple(StudyKind.values)]  # type: ignore[misc]


class CreditOut(Schema):
    source: str = Field(description="attendance（出席）、makeup（补学）或 self_study（自学）")
    kind: str
    hours: Decimal
    label: str = Field(description="学习活动主题或自学内容")
    credited_at: datetime


class KindHours(Schema):
    kind: str
    label: str
    hours: Decimal


class MyHoursOut(Schema):
    year: int
    target: Decimal = Field(description="年度学时要求")
    total: Decimal
    percent: int = Field(description="完成率（%）")
    expected_by_now: Decimal = Field(description="按时间进度截至今天应完成的学时")
    behind: bool = Field(description="是否落后于时间进度")
    by_kind: list[KindHours]
    credits: list[CreditOut]


class SessionOut(Schema):
    id: int
    title: str
    kind: str
    mode: str
    status: str
    starts_at: datetime
    ends_at: datetime
    place: str
    link: str
    teacher: str
    hours: Decimal
    organization: OrgRef
    plan_id: int | None
    expected_count: int
    present_count: int
    my_status: str | None = Field(None, description="本人的出勤状态；不在参加人员名单中时为空")


class SessionDetailOut(SessionOut):
    description: str
    audience: str
    attendance: dict[str, int] | None = Field(
        None, description="按出勤状态的人数；仅对可查看签到名单的用户提供"
    )


class SessionFilters(Schema):
    when: Literal["upcoming", "past", "all"] = Field("upcoming", description="未结束、已结束或全部")
    org: Annotated[ObjectId | None, Blankable] = Field(
        None, description="只列出该组织及其下级的活动"
    )
    kind: Annotated[StudyKindFilter | None, Blankable] = None
    year: Annotated[int | None, Blankable] = Field(None, ge=2000, le=2100)
    mine: bool = Field(False, description="只列出本人参加的活动")
    q: search_text(60) = Field("", description="主题包含的文字")


@router.get("/study/me/hours", response=MyHoursOut, url_name="study_my_hours", summary="我的学时")
def my_hours(request, year: Annotated[int | None, Field(ge=2000, le=2100)] = None):
    user = request.auth
    if not user.person_id:
        raise HttpError(404, _("您的账号未关联人员信息，暂无学时记录。"))
    year = year or timezone.localdate().year
    summary = hours_selectors.year_view(user.person, year)
    return MyHoursOut(
        year=year,
        target=summary.target,
        total=summary.total,
        percent=summary.percent,
        expected_by_now=summary.expected_by_now,
        behind=summary.behind,
        by_kind=[
            KindHours(kind=kind, label=str(label), hours=hours)
            for kind, label, hours in summary.by_kind
        ],
        credits=[
            CreditOut(
                source=line.credit.source,
                kind=line.credit.kind,
                hours=line.credit.hours,
                label=line.label,
                credited_at=line.credit.credited_at,
            )
            for line in hours_selectors.credits_of(user.person, year)
        ],
    )


@router.get(
    "/study/sessions", response=list[SessionOut], url_name="study_sessions", summary="学习活动列表"
)
@paginate(Pagination)
def list_sessions(request, filters: Query[SessionFilters]):
    user = request.auth
    organization = None
    if filters.org is not None:
        organization = selectors.access_organization(user, filters.org)
    flt = selectors.SessionFilter(
        when=filters.when,
        organization=organization,
        kind=filters.kind or "",
        year=filters.year,
        query=filters.q,
        mine=filters.mine,
    )
    return selectors.session_list(user, flt)


@router.get(
    "/study/sessions/{id}",
    response=SessionDetailOut,
    url_name="study_session",
    summary="学习活动详情",
)
def get_session(request, id: ObjectId):
    user = request.auth
    session = selectors.access_session(user, id)
    mine = selectors.my_attendance(user, session)
    session.my_status = mine.status if mine else None
    may_see_all = permissions.user_can(user, selectors.VIEW, session) or permissions.user_can(
        user, selectors.MANAGE, session
    )
    session.attendance = selectors.attendance_counts(session) if may_see_all else None
    return session

"""Reads of leave (请销假): one secondment's requests with their levels, the approver's inbox,
and a program's approval rules; every read scoped through selectors.access."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Prefetch, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import permissions

from ..enums import Approver, LeaveStatus
from ..models import LeaveRequest, LeaveRule, LeaveStep, Program, Secondment
from .access import (
    APPROVE,
    CADRE,
    GROUP_LEADER,
    HOST_LEADER,
    Relation,
    relation,
    secondments_for,
)

MAX_LEVEL = 9  # as services.leave.MAX_LEVEL: rules have levels 1..9

_SECONDMENT_RELATED = (
    "secondment__program__organization",
    "secondment__post__host",
    "secondment__person",
    "secondment__host_leader",
    "secondment__group__leader",
)


def _steps() -> Prefetch:
    return Prefetch(
        "steps", queryset=LeaveStep.objects.select_related("decided_by__person").order_by("level")
    )


def requests_for(user) -> QuerySet[LeaveRequest]:
    """The leave requests the user may see: those of the secondments they may see."""
    return secondments_for(user, LeaveRequest.objects.all(), "secondment__")


def access_leave(user, pk) -> tuple[LeaveRequest, Relation]:
    """One request the user may see, with the user's relation to its secondment; 404 else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    leave = requests_for(user).select_related(*_SECONDMENT_RELATED).filter(pk=pk).first()
    if leave is None:
        raise Http404
    return leave, relation(user, leave.secondment)


# --- Display -----------------------------------------------------------------------------------


@dataclass
class LevelView:
    number: int  # 1-based
    approver: str
    label: str
    who: str  # the approver's name, when it is one person
    state: str  # "approved", "refused", "current", "waiting", "skipped"
    step: LeaveStep | None = None


@dataclass
class LeaveView:
    """A request as its pages show it, with what the user may do with it."""

    leave: LeaveRequest
    levels: list[LevelView] = field(default_factory=list)
    current: LevelView | None = None
    following: LevelView | None = None
    can_decide: bool = False
    can_cancel: bool = False
    can_return: bool = False

    @property
    def overdue_days(self) -> int:
        """Days the return came after the planned end (or, not yet returned, that it is late)."""
        leave = self.leave
        if leave.status == LeaveStatus.RETURNED and leave.returned_on:
            return max((leave.returned_on - leave.ends_on).days, 0)
        if leave.status == LeaveStatus.APPROVED:
            return max((timezone.localdate() - leave.ends_on).days, 0)
        return 0

    @property
    def status_label(self) -> str:
        """“第2级：挂职干部组长审批中” while pending, else the status."""
        if self.leave.status == LeaveStatus.PENDING and self.current is not None:
            return _("第%(n)d级：%(who)s审批中") % {
                "n": self.current.number,
                "who": self.current.label,
            }
        return LeaveStatus(self.leave.status).label


def approver_name(secondment: Secondment, approver: str) -> str:
    if approver == Approver.HOST_LEADER and secondment.host_leader_id:
        return secondment.host_leader.name
    if approver == Approver.GROUP_LEADER and secondment.group_id:
        return secondment.group.leader.name
    if approver == Approver.ORGANIZER:
        return secondment.program.organization.name
    return ""


def may_decide_as(user, rel: Relation, secondment: Secondment, approver: str) -> bool:
    """The user is the `approver` of this secondment (as services.leave.is_approver, from the
    relation already computed: no query)."""
    if CADRE in rel:
        return False
    if approver == Approver.HOST_LEADER:
        return HOST_LEADER in rel
    if approver == Approver.GROUP_LEADER:
        return GROUP_LEADER in rel
    if approver == Approver.ORGANIZER:
        return permissions.covers(user, APPROVE, secondment.program.organization.path)
    return False


def leave_view(user, rel: Relation, leave: LeaveRequest, secondment: Secondment) -> LeaveView:
    """The request's levels with ✓/✗/pending and who decided (steps prefetched), and what
    the user may do with it."""
    steps = {step.level: step for step in leave.steps.all()}
    view = LeaveView(leave=leave)
    pending = leave.status == LeaveStatus.PENDING
    for index, approver in enumerate(leave.levels or []):
        step = steps.get(index)
        if step is not None:
            state = "approved" if step.approved else "refused"
        elif pending and index == leave.current_level:
            state = "current"
        elif pending:
            state = "waiting"
        else:
            state = "skipped"
        level = LevelView(
            number=index + 1,
            approver=approver,
            label=str(Approver(approver).label) if approver in Approver.values else approver,
            who=approver_name(secondment, approver),
            state=state,
            step=step,
        )
        view.levels.append(level)
        if state == "current":
            view.current = level
        elif state == "waiting" and view.current is not None and view.following is None:
            view.following = level
    today = timezone.localdate()
    is_cadre = CADRE in rel
    view.can_decide = (
        pending
        and view.current is not None
        and may_decide_as(user, rel, secondment, view.current.approver)
    )
    view.can_cancel = is_cadre and (
        pending or (leave.status == LeaveStatus.APPROVED and leave.starts_on > today)
    )
    view.can_return = is_cadre and leave.status == LeaveStatus.APPROVED and leave.starts_on <= today
    return view


def secondment_leave(user, rel: Relation, secondment: Secondment) -> list[LeaveView]:
    """Every request of the secondment (the user may see it: access_secondment), newest
    first. Two queries."""
    rows = (
        LeaveRequest.objects.filter(secondment=secondment)
        .prefetch_related(_steps())
        .order_by("-starts_on", "-id")
    )
    views = []
    for leave in rows:
        leave.secondment = secondment
        views.append(leave_view(user, rel, leave, secondment))
    return views


def leave_taken(secondment: Secondment) -> int:
    """Working days of approved and returned leave (for the tab's summary)."""
    from django.db.models import Sum

    total = LeaveRequest.objects.filter(
        secondment=secondment, status__in=(LeaveStatus.APPROVED, LeaveStatus.RETURNED)
    ).aggregate(n=Sum("days"))["n"]
    return total or 0


# --- Inbox -------------------------------------------------------------------------------------


def current_approver() -> Case:
    """The approver whose turn it is, read from `levels` at `current_level` in SQL."""
    return Case(
        *[
            When(current_level=index, then=KeyTextTransform(str(index), "levels"))
            for index in range(MAX_LEVEL)
        ],
        default=Value(""),
        output_field=CharField(),
    )


def inbox_for(user) -> QuerySet[LeaveRequest]:
    """待我审批的请假: pending requests whose current level is the user's: as the host leader
    or the group leader of the cadre, or as an officer holding cadres.approve_program over the
    program. Nobody's own request. One query (plus the steps)."""
    person_id = getattr(user, "person_id", None) if user.is_authenticated else None
    mine = Q()
    any_ = False
    if person_id is not None:
        mine |= Q(turn=Approver.HOST_LEADER, secondment__host_leader_id=person_id)
        mine |= Q(turn=Approver.GROUP_LEADER, secondment__group__leader_id=person_id)
        any_ = True
    scope = permissions.scope_q(user, APPROVE, "secondment__program__organization__path")
    if scope is not None:
        mine |= Q(turn=Approver.ORGANIZER) & scope
        any_ = True
    if not any_:
        return LeaveRequest.objects.none()
    qs = (
        LeaveRequest.objects.filter(status=LeaveStatus.PENDING)
        .annotate(turn=current_approver())
        .filter(mine)
    )
    if person_id is not None:
        qs = qs.exclude(secondment__person_id=person_id)
    return (
        qs.select_related(*_SECONDMENT_RELATED)
        .prefetch_related(_steps())
        .order_by("starts_on", "id")
    )


def inbox_count(user) -> int:
    return inbox_for(user).count()


def inbox_views(user, leaves) -> list[LeaveView]:
    """The inbox rows as LeaveViews: the relation of each from the secondment already loaded
    (no query per row)."""
    person_id = getattr(user, "person_id", None)
    views = []
    for leave in leaves:
        secondment = leave.secondment
        roles = set()
        if person_id is not None:
            if secondment.host_leader_id == person_id:
                roles.add(HOST_LEADER)
            if secondment.group_id and secondment.group.leader_id == person_id:
                roles.add(GROUP_LEADER)
        rel = Relation(
            roles=frozenset(roles),
            can_approve=permissions.covers(user, APPROVE, secondment.program.organization.path),
        )
        views.append(leave_view(user, rel, leave, secondment))
    return views


# --- Rules -------------------------------------------------------------------------------------


def program_rules(program: Program) -> tuple[list[LeaveRule], list[LeaveRule]]:
    """(the program's own rules, the default rules), by level. One query."""
    rows = list(
        LeaveRule.objects.filter(Q(program=program) | Q(program__isnull=True)).order_by(
            "level", "rank", "id"
        )
    )
    return (
        [rule for rule in rows if rule.program_id is not None],
        [rule for rule in rows if rule.program_id is None],
    )


def access_rule(program: Program, pk) -> LeaveRule:
    """A rule of the program's own (the defaults are not edited here); 404 else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    rule = LeaveRule.objects.filter(program=program, pk=pk).first()
    if rule is None:
        raise Http404
    return rule

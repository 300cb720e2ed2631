"""Reads of secondments for their overview page, "my secondments", the officers' pages of
approval, publicity and placement, and the public publicity page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from grassroots.core import permissions

from ..enums import EventAction, ProgramStatus, SecondmentStatus
from ..models import Objection, Program, Secondment, SecondmentEvent
from .access import (
    APPROVE,
    CADRE,
    GROUP_LEADER,
    HOST_LEADER,
    MANAGE,
    VIEW,
    Relation,
    access_program,
    personal_q,
)

_ACTION_LABELS = dict(EventAction.choices)
_STATUS_LABELS = dict(SecondmentStatus.choices)

SECONDMENT_RELATED = (
    "program__organization",
    "post__host",
    "person__primary_org",
    "host_leader",
    "group__leader",
    "sending_org",
)


def timeline(secondment: Secondment) -> list[SecondmentEvent]:
    """The secondment's events in order, with labels for the action and statuses."""
    events = list(
        SecondmentEvent.objects.filter(secondment=secondment)
        .select_related("actor")
        .order_by("at", "pk")
    )
    for event in events:
        event.action_label = _ACTION_LABELS.get(event.action, event.action)
        event.from_label = _STATUS_LABELS.get(event.from_status, "")
        event.to_label = _STATUS_LABELS.get(event.to_status, "")
    return events


@dataclass(frozen=True)
class Actions:
    """The buttons of a secondment's overview allowed for the viewer."""

    withdraw: bool = False
    managers: bool = False
    place: bool = False
    complete: bool = False

    @property
    def any(self) -> bool:
        return self.withdraw or self.managers or self.place or self.complete


def actions_for(secondment: Secondment, rel: Relation) -> Actions:
    from ..enums import SECONDMENT_TRANSITIONS
    from ..services.placement import MANAGERS_OPEN

    def may(to: str) -> bool:
        codename = SECONDMENT_TRANSITIONS.get((secondment.status, to))
        if codename == APPROVE:
            return rel.can_approve
        if codename == MANAGE:
            return rel.can_manage
        return False

    return Actions(
        withdraw=may(SecondmentStatus.WITHDRAWN),
        managers=rel.can_manage and secondment.status in MANAGERS_OPEN,
        place=may(SecondmentStatus.PLACED),
        complete=may(SecondmentStatus.COMPLETED),
    )


def my_secondments(user) -> dict[str, list[Secondment]]:
    """{relation: secondments} where the user is the cadre, the host leader or the group leader,
    in one query; a secondment appears under each of the user's relations to it."""
    own = personal_q(user)
    grouped: dict[str, list[Secondment]] = {CADRE: [], HOST_LEADER: [], GROUP_LEADER: []}
    if own is None:
        return grouped
    person_id = user.person_id
    rows = (
        Secondment.objects.filter(own)
        .select_related(*SECONDMENT_RELATED)
        .order_by("-program__starts_on", "program_id", "person__name_pinyin", "pk")
    )
    for secondment in rows:
        if secondment.person_id == person_id:
            grouped[CADRE].append(secondment)
        if secondment.host_leader_id == person_id:
            grouped[HOST_LEADER].append(secondment)
        if secondment.group_id and secondment.group.leader_id == person_id:
            grouped[GROUP_LEADER].append(secondment)
    return grouped


def program_secondments(program: Program, statuses=None) -> QuerySet[Secondment]:
    qs = program.secondments.select_related(*SECONDMENT_RELATED)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("post__sort_order", "post_id", "person__name_pinyin", "pk")


def program_for_officer(user, pk) -> Program:
    """A program the user may see as an officer (404 otherwise)."""
    return access_program(user, pk, VIEW)


def may(user, codename: str, program: Program) -> bool:
    return permissions.covers(user, codename, program.organization.path)


def program_objections(program: Program) -> QuerySet[Objection]:
    return program.objections.select_related("secondment__person", "answered_by").order_by(
        "submitted_at", "pk"
    )


def access_objection(user, pk) -> Objection:
    """An objection of a program the user may see as an officer; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    q = permissions.scope_q(user, VIEW, "program__organization__path")
    if q is None:
        raise Http404
    try:
        return (
            Objection.objects.filter(q)
            .select_related("program__organization", "secondment__person")
            .get(pk=pk)
        )
    except Objection.DoesNotExist:
        raise Http404 from None


# --- Public (公示) ----------------------------------------------------------------------------

PUBLIC_PROGRAM_STATUSES = (ProgramStatus.PUBLICITY, ProgramStatus.RUNNING, ProgramStatus.FINISHED)


def public_program(key: str) -> Program:
    """The program behind a public key, once its list has been made public; 404 otherwise."""
    key = (key or "").strip()
    if not key or len(key) > 32:
        raise Http404
    try:
        return Program.objects.select_related("organization").get(
            public_key=key, status__in=PUBLIC_PROGRAM_STATUSES, publicity_starts_on__isnull=False
        )
    except Program.DoesNotExist:
        raise Http404 from None


def public_list(program: Program) -> QuerySet[Secondment]:
    """The people on the public list: those in publicity (later: those still on the list)."""
    if program.status == ProgramStatus.PUBLICITY:
        statuses = [SecondmentStatus.PUBLICITY]
    else:
        statuses = [
            SecondmentStatus.CONFIRMED,
            SecondmentStatus.PLACED,
            SecondmentStatus.COMPLETED,
            SecondmentStatus.ARCHIVED,
        ]
    return (
        program.secondments.filter(status__in=statuses)
        .select_related("person", "sending_org", "post__host")
        .order_by("post__sort_order", "post_id", "person__name_pinyin", "pk")
    )


def objection_by_code(program: Program, code: str) -> Objection | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return program.objections.filter(Q(code=code)).first()


MY_ROLE_LABELS = {
    CADRE: _("我挂职"),
    HOST_LEADER: _("我联系的挂职干部"),
    GROUP_LEADER: _("我所在小组的挂职干部"),
}

"""Who may see and act on a secondment: three-party management in one place.

Officers of the organizing body hold `cadres.view_program` (and `manage_program`,
`approve_program`) on the program's organization; the cadre sees their own secondment; the host
leader the cadres they lead; the group leader the cadres of their group. Every cadres selector
and service asks these functions, never a template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from grassroots.core import permissions

from ..models import Program, Secondment

VIEW = "cadres.view_program"
MANAGE = "cadres.manage_program"
APPROVE = "cadres.approve_program"

# The relations a user may have to a secondment.
OFFICER = "officer"  # may view the program (and maybe manage or approve)
CADRE = "cadre"
HOST_LEADER = "host_leader"
GROUP_LEADER = "group_leader"


@dataclass(frozen=True)
class Relation:
    """What a user is to one secondment; `roles` holds the names above."""

    roles: frozenset[str]
    can_manage: bool = False
    can_approve: bool = False

    def __contains__(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_officer(self) -> bool:
        return OFFICER in self.roles


def _person_id(user) -> int | None:
    return getattr(user, "person_id", None) if user.is_authenticated else None


def personal_q(user, prefix: str = "") -> Q | None:
    """Secondments the user is the cadre, host leader or group leader of (`prefix` leads from
    the queried model to the secondment, e.g. "secondment__")."""
    person_id = _person_id(user)
    if person_id is None:
        return None
    return (
        Q(**{f"{prefix}person_id": person_id})
        | Q(**{f"{prefix}host_leader_id": person_id})
        | Q(**{f"{prefix}group__leader_id": person_id})
    )


def secondments_for(user, queryset: QuerySet | None = None, prefix: str = "") -> QuerySet:
    """The rows (secondments, or rows reached from a secondment by `prefix`) the user may see."""
    if queryset is None:
        queryset = Secondment.objects.all()
    q = permissions.scope_q(user, VIEW, f"{prefix}program__organization__path")
    own = personal_q(user, prefix)
    if q is not None and not q:
        return queryset  # the whole tree
    if q is None and own is None:
        return queryset.none()
    if q is None:
        return queryset.filter(own)
    return queryset.filter(q if own is None else (q | own))


def relation(user, secondment: Secondment) -> Relation:
    roles = set()
    path = secondment.program.organization.path
    if permissions.covers(user, VIEW, path):
        roles.add(OFFICER)
    person_id = _person_id(user)
    if person_id is not None:
        if secondment.person_id == person_id:
            roles.add(CADRE)
        if secondment.host_leader_id == person_id:
            roles.add(HOST_LEADER)
        if secondment.group_id and secondment.group.leader_id == person_id:
            roles.add(GROUP_LEADER)
    return Relation(
        roles=frozenset(roles),
        can_manage=permissions.covers(user, MANAGE, path),
        can_approve=permissions.covers(user, APPROVE, path),
    )


def access_secondment(user, pk, *, for_update: bool = False) -> tuple[Secondment, Relation]:
    """One secondment the user may see, with the user's relation to it; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    queryset = secondments_for(user).select_related(
        "program__organization",
        "post__host",
        "person",
        "host_leader",
        "group__leader",
        "sending_org",
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        secondment = queryset.get(pk=pk)
    except Secondment.DoesNotExist:
        raise Http404 from None
    return secondment, relation(user, secondment)


def programs_for(user, codename: str = VIEW) -> QuerySet[Program]:
    return permissions.objects_for(user, codename, Program.objects.all())


def access_program(user, pk, codename: str = VIEW) -> Program:
    return permissions.access(user, codename, Program.objects.select_related("organization"), pk)

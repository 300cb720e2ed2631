"""Reads of the compliance pages, scoped to the user: the compliance of a subtree for a period
with its summary, and the meetings behind one cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, subtree_q
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization

from ..compliance import (
    MISSING,
    OrgCompliance,
    Summary,
    active_rules,
    compliance,
    rule_columns,
    summarize,
)
from ..models import ComplianceRule, Meeting, MeetingKind
from ..periods import PeriodRange

VIEW = "meetings.view_meeting"


def access_organization(user, pk, codename: str = VIEW) -> Organization:
    return access(user, codename, Organization.objects.select_related("kind"), pk)


def default_organization(request, codename: str = VIEW) -> Organization | None:
    """The organization chosen in the top-bar switcher when the user may view it here (it is
    the user's first scope root until they switch), else the widest of the user's scope."""
    user = request.user
    current = getattr(request, "current_org", None)
    if current and permissions.covers(user, codename, current.path):
        return current
    prefixes = permissions.scope_prefixes(user, codename)
    if not prefixes:
        return None
    if permissions.ROOT in prefixes:
        return Organization.objects.filter(depth=1).order_by("path").first()
    return Organization.objects.filter(path__in=prefixes).order_by("depth", "path").first()


class OrgRef:
    """What the compliance pages show of an organization: read as plain values, since a
    county has thousands of them and each needs only these."""

    __slots__ = ("pk", "name", "short_name", "code", "path", "depth", "kind_id")

    def __init__(self, pk, name, short_name, code, path, depth, kind_id) -> None:
        self.pk, self.name, self.short_name, self.code = pk, name, short_name, code
        self.path, self.depth, self.kind_id = path, depth, kind_id

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        # The same organization as an OrgRef or a model instance.
        return isinstance(other, OrgRef | Organization) and other.pk == self.pk

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass
class Overview:
    organization: Organization
    view: PeriodRange
    rows: list[OrgCompliance]  # every organization of the subtree that has a rule, path order
    columns: list[ComplianceRule]
    summary: Summary


def compliance_overview(
    user, organization: Organization, view: PeriodRange, today: date | None = None
) -> Overview:
    """The compliance of every active organization of a subtree the user may view (404
    outside). Three queries whatever the size: the organizations, the rules, and the held
    meetings counted per organization, kind and month; the summary is counted from them."""
    organization = access(user, VIEW, Organization.objects.all(), organization.pk)
    organizations = [
        OrgRef(*values)
        for values in Organization.objects.filter(
            subtree_q("path", organization.path), status=OrgStatus.ACTIVE
        )
        .values_list(*OrgRef.__slots__)
        .order_by("path")
    ]
    rows = [
        row
        for row in compliance(
            organizations,
            view,
            today or timezone.localdate(),
            within=organization.path,
            rules_by_kind=active_rules(),
        )
        if row.has_rules
    ]
    for row in rows:
        row.indent = row.organization.depth - organization.depth
    columns = rule_columns(rows)
    return Overview(organization, view, rows, columns, summarize(rows, columns))


def only_missing(rows: list[OrgCompliance]) -> list[OrgCompliance]:
    return [row for row in rows if row.status == MISSING]


def meeting_kind(pk) -> MeetingKind:
    try:
        return MeetingKind.objects.get(pk=int(pk))
    except (TypeError, ValueError, MeetingKind.DoesNotExist):
        raise Http404 from None


def cell_meetings(
    user, organization: Organization, kind: MeetingKind, span: PeriodRange
) -> QuerySet[Meeting]:
    """The meetings of one kind of one organization (not its subtree) in a period, whatever
    their status: the page tells which count (held) and which do not."""
    organization = access(user, VIEW, Organization.objects.all(), organization.pk)
    return (
        Meeting.objects.filter(
            organization=organization,
            kind=kind,
            starts_at__gte=span.start_at,
            starts_at__lt=span.end_at,
        )
        .select_related("kind", "organization")
        .order_by("starts_at", "id")
    )

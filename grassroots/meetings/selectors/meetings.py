"""Reads of the meetings app, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization

from ..compliance import OrgCompliance, compliance
from ..models import Meeting
from ..periods import PeriodRange

VIEW = "meetings.view_meeting"


def meetings_for(user, organization: Organization | None = None) -> QuerySet[Meeting]:
    meetings = objects_for(user, VIEW, Meeting.objects.select_related("kind", "organization"))
    if organization is not None:
        meetings = meetings.filter(subtree_q("organization__path", organization.path))
    return meetings.order_by("-starts_at", "-id")


def access_meeting(user, pk, codename: str = VIEW) -> Meeting:
    return access(user, codename, Meeting.objects.select_related("kind", "organization"), pk)


def compliance_for(
    user, organization: Organization, view: PeriodRange, today=None
) -> list[OrgCompliance]:
    """Compliance of the active organizations of a subtree the user may view (404 outside)."""
    organization = access(user, VIEW, Organization.objects.all(), organization.pk)
    organizations = list(
        Organization.objects.filter(
            subtree_q("path", organization.path), status=OrgStatus.ACTIVE
        ).order_by("path")
    )
    return [row for row in compliance(organizations, view, today) if row.checks]

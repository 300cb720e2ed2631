"""Reads of the roster pages: imports of the user, the dry run, the people to export."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for

from .. import selectors as org_selectors
from ..enums import OrgStatus
from ..models import Organization, Person, RosterImport
from .plan import IMPORT_CODENAME, RosterPlan, build_plan
from .services import read_import

EXPORT_CODENAME = "orgs.export_roster"


def import_organizations(user) -> QuerySet[Organization]:
    """The active organizations the user may import people into."""
    return (
        objects_for(user, IMPORT_CODENAME, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "code", "name", "depth", "path")
        .order_by("path")
    )


def imports_for(user) -> QuerySet[RosterImport]:
    """The user's own uploads, within the organizations they still may import into."""
    if not user.is_authenticated:
        return RosterImport.objects.none()
    return objects_for(
        user, IMPORT_CODENAME, RosterImport.objects.filter(uploaded_by=user)
    ).select_related("organization")


def access_roster_import(user, pk) -> RosterImport:
    """One of the user's uploads; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    return access(
        user,
        IMPORT_CODENAME,
        RosterImport.objects.filter(uploaded_by=user).select_related("organization"),
        pk,
    )


def roster_preview(user, roster_import: RosterImport) -> RosterPlan:
    """The dry run: what confirming would do, row by row. Writes nothing."""
    return build_plan(user, roster_import, read_import(roster_import))


def people_to_export(user, flt: org_selectors.PeopleFilter) -> QuerySet[Person]:
    """The people list with its filters, restricted to where the user may export."""
    return (
        org_selectors.filter_people(user, flt, EXPORT_CODENAME)
        .select_related("primary_org")
        .only(
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "mobile",
            "education",
            "political_status",
            "joined_party_on",
            "full_member_on",
            "employer",
            "job_title",
            "primary_org__code",
            "primary_org__name",
            "primary_org__path",
        )
    )


def id_number_prefixes(user) -> list[str]:
    """Where the user may read full ID numbers: computed once for a whole export."""
    return permissions.scope_prefixes(user, "orgs.view_id_number")

"""Reads of the meetings app, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import search_q

from ..compliance import OrgCompliance
from ..enums import AttendanceStatus, AttendeeRole, MeetingStatus, Rsvp
from ..models import Meeting, MeetingAttendance, MeetingKind
from ..periods import PeriodRange
from ..services.meetings import EXPECTED_ROLES

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
    from .compliance import compliance_overview

    return compliance_overview(user, organization, view, today).rows


# --- Meetings a user may open, and the list page ----------------------------------------------

MANAGE = "meetings.manage_meeting"
VIEW_PERSON = "orgs.view_person"


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def meetings_visible(user) -> QuerySet[Meeting]:
    """Meetings in the user's view (or manage) scope, and for a member those they are on the
    list of and those of their own organization."""
    combined: Q | None = None
    for codename in (VIEW, MANAGE):
        q = permissions.scope_q(user, codename, Meeting.scope_path_lookup)
        if q is None:
            continue
        if not q:
            return Meeting.objects.all()  # the whole tree
        combined = q if combined is None else combined | q
    person_id = getattr(user, "person_id", None)
    if person_id:
        own = Q(pk__in=MeetingAttendance.objects.filter(person_id=person_id).values("meeting_id"))
        own |= Q(organization__in=Person.objects.filter(pk=person_id).values("primary_org"))
        own |= Q(host_id=person_id) | Q(recorder_id=person_id)
        combined = own if combined is None else combined | own
    return Meeting.objects.none() if combined is None else Meeting.objects.filter(combined)


def access_visible_meeting(user, pk) -> Meeting:
    """A meeting the user may open (404 otherwise)."""
    pk = _pk(pk)
    found = (
        meetings_visible(user)
        .select_related("kind", "organization", "host", "recorder", "created_by")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if found is None:
        raise Http404
    return found


@dataclass
class MeetingFilter:
    organization: Organization | None = None  # a subtree
    kind: MeetingKind | None = None
    status: str = ""
    start: date | None = None  # local dates, both included
    end: date | None = None
    query: str = ""


def meeting_list(user, flt: MeetingFilter) -> QuerySet[Meeting]:
    qs = meetings_visible(user)
    if flt.organization is not None:
        qs = qs.filter(subtree_q("organization__path", flt.organization.path))
    if flt.kind is not None:
        qs = qs.filter(kind=flt.kind)
    if flt.status in MeetingStatus.values:
        qs = qs.filter(status=flt.status)
    if flt.start:
        qs = qs.filter(starts_at__gte=timezone.make_aware(datetime.combine(flt.start, time.min)))
    if flt.end:
        end = timezone.make_aware(datetime.combine(flt.end + timedelta(days=1), time.min))
        qs = qs.filter(starts_at__lt=end)
    if flt.query:
        qs = qs.filter(title__contains=flt.query[:60])
    person_id = getattr(user, "person_id", None)
    if person_id:
        mine = MeetingAttendance.objects.filter(meeting=OuterRef("pk"), person_id=person_id)
        qs = qs.annotate(
            my_status=Subquery(mine.values("status")[:1]),
            my_rsvp=Subquery(mine.values("rsvp")[:1]),
        )
    return qs.select_related("kind", "organization").order_by("-starts_at", "-id")


def active_kinds() -> QuerySet[MeetingKind]:
    return MeetingKind.objects.filter(is_active=True).order_by("sort_order", "code")


def manageable_organizations(user) -> QuerySet[Organization]:
    return (
        objects_for(user, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def default_organization(request) -> Organization | None:
    """The organization of the top-bar switcher when the user manages meetings there."""
    current = getattr(request, "current_org", None)
    if current is not None and permissions.covers(request.user, MANAGE, current.path):
        return current
    return None


# --- People to pick (列席, host, recorder) -------------------------------------------------


def people_in_view(user) -> QuerySet[Person]:
    """Active people a manager may pick: those they may see, and themself."""
    return objects_for(
        user, VIEW_PERSON, Person.objects.filter(status=PersonStatus.ACTIVE), own=True
    )


def people_options(
    user,
    *,
    query: str = "",
    chosen: set[int] | frozenset = frozenset(),
    limit: int = 200,
    organization: Organization | None = None,
) -> tuple[list[Person], list[Person]]:
    """The people a picker shows: those chosen (always), then the first `limit` others in
    view (not the organization's own people, who are expected anyway), narrowed by a name or
    pinyin search. Two queries."""
    base = (
        people_in_view(user)
        .select_related("primary_org")
        .only("id", "name", "name_pinyin", "primary_org__name", "primary_org__short_name")
    )
    picked = list(base.filter(pk__in=chosen).order_by("name_pinyin", "id")) if chosen else []
    others = base.exclude(pk__in=chosen) if chosen else base
    if organization is not None:
        others = others.exclude(primary_org=organization)
    if query:
        others = others.filter(search_q(query, user))
    others = list(others.order_by("primary_org__path", "name_pinyin", "id")[:limit])
    return picked, others


# --- One meeting's page --------------------------------------------------------------------


def my_attendance(user, meeting: Meeting) -> MeetingAttendance | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return MeetingAttendance.objects.filter(meeting=meeting, person_id=person_id).first()


def expected_summary(meeting: Meeting) -> dict[str, int]:
    """Who is expected and how they answered, from one grouped query."""
    rows = (
        MeetingAttendance.objects.filter(meeting=meeting, role__in=EXPECTED_ROLES)
        .order_by()
        .values_list("role", "rsvp")
        .annotate(n=Count("id"))
    )
    summary = {"members": 0, "invited": 0, "attending": 0, "leave": 0, "unanswered": 0}
    for role, rsvp, n in rows:
        summary["members" if role == AttendeeRole.MEMBER else "invited"] += n
        summary["unanswered" if rsvp == Rsvp.NONE else rsvp] += n
    summary["expected"] = summary["members"] + summary["invited"]
    return summary


def invited_people(meeting: Meeting, *, limit: int = 100) -> list[MeetingAttendance]:
    return list(
        MeetingAttendance.objects.filter(meeting=meeting, role=AttendeeRole.INVITED)
        .select_related("person", "person__primary_org")
        .order_by("person__name_pinyin", "id")[:limit]
    )


def invited_ids(meeting: Meeting) -> set[int]:
    return set(
        MeetingAttendance.objects.filter(meeting=meeting, role=AttendeeRole.INVITED).values_list(
            "person_id", flat=True
        )
    )


# --- A member's own meetings ----------------------------------------------------------------


def my_meetings(user, *, year: int | None = None) -> QuerySet[MeetingAttendance]:
    """The meetings the user is on the list of, with their answer and attendance."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return MeetingAttendance.objects.none()
    qs = MeetingAttendance.objects.filter(person_id=person_id)
    if year:
        qs = qs.filter(
            meeting__starts_at__gte=timezone.make_aware(datetime(year, 1, 1)),
            meeting__starts_at__lt=timezone.make_aware(datetime(year + 1, 1, 1)),
        )
    return qs.select_related("meeting", "meeting__kind", "meeting__organization").order_by(
        "-meeting__starts_at", "-meeting_id"
    )


@dataclass(frozen=True)
class YearAttendance:
    held: int  # held meetings the person was expected at
    present: int
    leave: int
    absent: int

    @property
    def rate(self) -> float | None:
        return self.present / self.held if self.held else None


def my_year_attendance(user, year: int) -> YearAttendance:
    """Of the held meetings of a year the person was expected at: present, leave, absent
    (anything not present or on leave once the meeting was held). One query."""
    rows = my_meetings(user, year=year).filter(
        role__in=EXPECTED_ROLES, meeting__status=MeetingStatus.HELD
    )
    counts = rows.aggregate(
        held=Count("id"),
        present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
        leave=Count("id", filter=Q(status=AttendanceStatus.LEAVE)),
    )
    held, present, leave = counts["held"], counts["present"], counts["leave"]
    return YearAttendance(held, present, leave, held - present - leave)

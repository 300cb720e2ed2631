"""The attendance, minutes and files of one meeting, for its page; a person's attendance over
a year.

Who sees what: managers of the meeting's organization (and its recorder) see the whole list,
the draft minutes and every file; viewers of the organization (meetings.view_meeting) and the
people on the list see the published minutes and the files, and each person their own row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions

from ..enums import AttendanceStatus, AttendeeRole, MeetingStatus
from ..models import Meeting, MeetingAttachment, MeetingAttendance, Minutes, MinutesRevision
from ..periods import period_of
from ..services.attendance import (
    CHECKIN_CLOSES_AFTER,
    CHECKIN_OPENS_BEFORE,
    EXPECTED_ROLES,
    may_manage,
)
from .meetings import _pk, access_visible_meeting

VIEW = "meetings.view_meeting"
_ROLE_ORDER = Case(
    When(role=AttendeeRole.MEMBER, then=Value(0)),
    When(role=AttendeeRole.INVITED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def access_meeting_for(user, pk) -> Meeting:
    """A meeting the user may open (the meetings part's rule, which counts its recorder); 404
    otherwise."""
    return access_visible_meeting(user, pk)


def access_managed_meeting(user, pk) -> Meeting:
    """A meeting the user may see; PermissionDenied (403) when they may not keep its records."""
    from django.core.exceptions import PermissionDenied

    meeting = access_meeting_for(user, pk)
    if not may_manage(user, meeting):
        raise PermissionDenied
    return meeting


def meeting_for_checkin(pk) -> Meeting | None:
    """The meeting a valid check-in token names. Not scoped to the user: the signed, short-lived
    token shown in the room is the proof; the service then checks the person and the time."""
    return Meeting.objects.select_related("kind", "organization").filter(pk=pk).first()


def attendance_rows(meeting: Meeting) -> QuerySet[MeetingAttendance]:
    """The whole list of a meeting (callers check the user manages it): members, then invited,
    then extra attendees, each by organization and name."""
    return (
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("person", "person__primary_org")
        .annotate(role_order=_ROLE_ORDER)
        .order_by("role_order", "person__primary_org__path", "person__name_pinyin", "id")
    )


def access_attendance(user, meeting: Meeting, pk) -> MeetingAttendance:
    pk = _pk(pk)
    found = attendance_rows(meeting).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


def access_attachment(user, meeting: Meeting, pk) -> MeetingAttachment:
    pk = _pk(pk)
    found = MeetingAttachment.objects.filter(meeting=meeting, pk=pk).first() if pk else None
    if found is None:
        raise Http404
    return found


def meeting_minutes(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).select_related("updated_by").first()


def minutes_revisions(minutes: Minutes | None) -> list[MinutesRevision]:
    if minutes is None:
        return []
    return list(
        MinutesRevision.objects.filter(minutes=minutes)
        .select_related("published_by", "published_by__person")
        .order_by("-number")
    )


def access_revision(meeting: Meeting, number) -> MinutesRevision:
    number = _pk(number)
    found = (
        MinutesRevision.objects.filter(minutes__meeting=meeting, number=number)
        .select_related("published_by", "published_by__person")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise Http404
    return found


def meeting_panels(user, meeting, *, now=None) -> dict:
    """Context for the attendance, minutes and attachments panels of a meeting's page, in a
    number of queries that does not grow with the list."""
    now = now or timezone.now()
    can_manage = may_manage(user, meeting)
    can_view_list = can_manage or permissions.user_can(user, VIEW, meeting)
    is_cancelled = meeting.status == MeetingStatus.CANCELLED
    person_id = getattr(user, "person_id", None)
    rows = list(attendance_rows(meeting)) if can_view_list else []
    mine = None
    if person_id:
        if can_view_list:
            mine = next((row for row in rows if row.person_id == person_id), None)
        else:
            mine = MeetingAttendance.objects.filter(meeting=meeting, person_id=person_id).first()
    minutes = meeting_minutes(meeting)
    published = minutes is not None and minutes.is_published
    revisions = minutes_revisions(minutes) if published else []
    attachments = list(
        MeetingAttachment.objects.filter(meeting=meeting).select_related("uploaded_by")
    )
    has_opened = now >= meeting.starts_at - CHECKIN_OPENS_BEFORE
    has_ended = now >= meeting.ends_at
    waiting = sum(
        1 for row in rows if row.role in EXPECTED_ROLES and row.status == AttendanceStatus.EXPECTED
    )
    return {
        # Not `can_manage`: the meeting page has its own (the recorder keeps the records of a
        # meeting without managing the meeting itself).
        "can_keep_records": can_manage,
        "can_manage_records": can_manage and not is_cancelled,
        "can_view_attendance": can_view_list,
        "attendance_rows": rows,
        "attendance_mine": mine,
        "attendance_waiting": waiting,
        "attendance_statuses": AttendanceStatus,
        "checkin_open": not is_cancelled and has_opened,
        "checkin_closed": now > meeting.ends_at + CHECKIN_CLOSES_AFTER,
        "meeting_has_ended": has_ended,
        "minutes": minutes,
        # Members and viewers read the published text only; a draft is the managers' own.
        "minutes_visible": published or (can_manage and minutes is not None),
        "minutes_published": published,
        "minutes_revisions": revisions,
        "latest_revision": revisions[0] if revisions else None,
        "may_publish_minutes": can_manage
        and not is_cancelled
        and not published
        and (meeting.status == MeetingStatus.HELD or now >= meeting.starts_at),
        "attachments": attachments,
        "photos": [a for a in attachments if a.is_image],
        "documents": [a for a in attachments if not a.is_image],
    }


@dataclass(frozen=True)
class AttendanceSummary:
    year: int
    expected: int
    present: int
    leave: int
    absent: int
    extra: int

    @property
    def rate(self) -> float | None:
        """出席率: present / expected, or None while nothing was expected."""
        return self.present / self.expected if self.expected else None

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def person_attendance_summary(person, year: int, *, now=None) -> AttendanceSummary:
    """A person's meetings in a (local) year that have started and were not cancelled, in one
    query: how many they were expected at, present, on leave, and otherwise absent (marked
    absent or never checked in); extra attendances are counted apart."""
    now = now or timezone.now()
    span = period_of(date(year, 1, 1), "year")
    person_id = getattr(person, "pk", person)
    expected_q = Q(role__in=EXPECTED_ROLES)
    counts = (
        MeetingAttendance.objects.filter(
            person_id=person_id,
            meeting__starts_at__gte=span.start_at,
            meeting__starts_at__lt=span.end_at,
            meeting__starts_at__lte=now,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .aggregate(
            expected=Count("id", filter=expected_q),
            present=Count("id", filter=expected_q & Q(status=AttendanceStatus.PRESENT)),
            leave=Count("id", filter=expected_q & Q(status=AttendanceStatus.LEAVE)),
            extra=Count("id", filter=Q(role=AttendeeRole.EXTRA)),
        )
    )
    expected = counts["expected"] or 0
    present = counts["present"] or 0
    leave = counts["leave"] or 0
    return AttendanceSummary(
        year=year,
        expected=expected,
        present=present,
        leave=leave,
        absent=max(expected - present - leave, 0),
        extra=counts["extra"] or 0,
    )

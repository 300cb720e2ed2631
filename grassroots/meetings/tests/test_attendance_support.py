"""Helpers of the attendance, minutes and attachment tests (no tests here): meetings with their
list, members with accounts, files and photos."""

import io
from datetime import timedelta
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.meetings.enums import AttendeeRole
from grassroots.meetings.kinds import ensure_defaults
from grassroots.meetings.models import Meeting, MeetingAttendance, MeetingKind
from grassroots.orgs.tests.factories import PersonFactory


def login(client, user):
    client.force_login(user)
    return client


def member(make_user, organization, role=None, role_org=None):
    """A person of `organization` with an account (and `role` on `role_org`, if given)."""
    person = PersonFactory(primary_org=organization)
    if role:
        return make_user(role, role_org or organization, person=person)
    return make_user(person=person)


def meeting_of(organization, people=(), invited=(), *, kind="general_meeting", **extra) -> Meeting:
    """A meeting going on now (started ten minutes ago) expecting `people` (members) and
    `invited` (列席), with its counters set as the meetings part sets them."""
    now = timezone.now()
    starts = extra.pop("starts_at", now - timedelta(minutes=10))
    values = {
        "title": "第四季度支部党员大会",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "党员活动室",
    }
    values.update(extra)
    if not MeetingKind.objects.filter(code=kind).exists():  # flushed by a transactional test
        ensure_defaults()
    meeting = Meeting.objects.create(
        organization=organization, kind=MeetingKind.objects.get(code=kind), **values
    )
    rows = [MeetingAttendance(meeting=meeting, person=p) for p in people]
    rows += [
        MeetingAttendance(meeting=meeting, person=p, role=AttendeeRole.INVITED) for p in invited
    ]
    MeetingAttendance.objects.bulk_create(rows)
    Meeting.objects.filter(pk=meeting.pk).update(expected_count=len(rows))
    meeting.refresh_from_db()
    return meeting


def person_of(user):
    return user.person


def checkin_url(meeting, token=None) -> str:
    token = token or checkin.make_token("meeting", meeting.pk)
    return reverse("meetings:meeting_checkin", args=[meeting.pk]) + "?t=" + quote(token)


def counters(meeting) -> tuple[int, int, int, int]:
    meeting.refresh_from_db()
    return (
        meeting.expected_count,
        meeting.present_count,
        meeting.leave_count,
        meeting.extra_count,
    )


def row_of(meeting, user_or_person) -> MeetingAttendance:
    person_id = getattr(user_or_person, "person_id", None) or user_or_person.pk
    return MeetingAttendance.objects.get(meeting=meeting, person_id=person_id)


def png_bytes(size=(800, 600), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_file(name="会场照片.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def pdf_file(name="会议材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def html_as_png(name="照片.png") -> SimpleUploadedFile:
    """An HTML page posing as a PNG: refused by the upload checks."""
    return SimpleUploadedFile(
        name, b"<html><script>alert(document.cookie)</script></html>", content_type="image/png"
    )

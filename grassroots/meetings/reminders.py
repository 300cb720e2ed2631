"""The day-before reminder of meetings (run by notifications' daily job on working days only).

Meetings starting from now to the end of the next working day are due, so that a Friday's run
covers the weekend and the Monday; each person still expected (not on leave, not signed in) is
reminded once per meeting, however often the job runs: the key names the meeting, its start (a
meeting moved to another day is reminded of again) and the person.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once

from .enums import AttendanceStatus, MeetingStatus
from .models import Meeting, MeetingAttendance
from .services.meetings import EXPECTED_ROLES, meeting_url, notice_text

JOB_KEY = "meetings.meetings_soon"
_CHUNK = 1000


@reminders.register(JOB_KEY)
def remind_meetings_soon(today: date) -> int:
    from grassroots.accounts.models import User

    start, end = calendar.before_next_working_day(today)
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("kind", "organization")
        .order_by("starts_at", "pk")
    )
    sent = 0
    for meeting in meetings:
        _notice_title, body = notice_text(meeting)
        when = timezone.localtime(meeting.starts_at).strftime("%m-%d %H:%M")
        title = _("会议提醒：%(when)s %(title)s") % {"when": when, "title": meeting.title}
        url = meeting_url(meeting)
        rows = (
            MeetingAttendance.objects.filter(
                meeting=meeting,
                role__in=EXPECTED_ROLES,
                status=AttendanceStatus.EXPECTED,
                person__user__is_active=True,
            )
            .order_by("pk")
            .values_list("person_id", "person__user")
        )
        chunk: list[tuple[int, int]] = []
        for row in rows.iterator(chunk_size=_CHUNK):
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                sent += _send(chunk, meeting, title, body, url, User)
                chunk = []
        sent += _send(chunk, meeting, title, body, url, User)
    return sent


def _send(rows, meeting, title, body, url, User) -> int:
    users = User.objects.filter(is_active=True).in_bulk([user_id for _p, user_id in rows])
    sent = 0
    for person_id, user_id in rows:
        user = users.get(user_id)
        if user is not None and remind_once(
            key=f"{JOB_KEY}:{meeting.pk}:{int(meeting.starts_at.timestamp())}:{person_id}",
            recipients=[user],
            kind="meetings.meeting_soon",
            title=title,
            body=body,
            url=url,
        ):
            sent += 1
    return sent

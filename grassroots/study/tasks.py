"""Background work of the study app: the reminder jobs (run by notifications' daily job on
working days only) and the nightly refresh of the yearly ledger rows and targets.

Each reminder goes out once, whatever how often the job runs: its key names the thing and the
person (a session and a person; a period and a person) and notifications keeps sent keys unique.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once
from grassroots.orgs.enums import PersonStatus

from .enums import AttendanceStatus, SessionStatus
from .models import Attendance, StudySession, StudyYear
from .selectors.hours import elapsed_fraction
from .services.hours import targets_refresh

_CHUNK = 1000


def _users(ids) -> dict:
    from grassroots.accounts.models import User

    return User.objects.filter(is_active=True).in_bulk(list(ids))


@reminders.register("study.sessions_soon")
def remind_sessions_soon(today: date) -> int:
    """Sessions starting from today to the end of the next working day, to the people still
    expected (not those on leave): a Friday's run covers the weekend and the Monday."""
    start, end = calendar.before_next_working_day(today)
    sessions = StudySession.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    sent = 0
    for session in sessions:
        when = timezone.localtime(session.starts_at).strftime("%m-%d %H:%M")
        title = _("学习提醒：%(when)s %(title)s") % {"when": when, "title": session.title}
        if session.place:
            where = _("，地点：%(place)s") % {"place": session.place}
        elif session.link:
            where = _("，线上链接：%(link)s") % {"link": session.link}
        else:
            where = ""
        body = _(
            "学习活动“%(title)s”将于 %(when)s 开始%(where)s，请准时参加；不能参加请提前请假。"
        ) % {"title": session.title, "when": when, "where": where}
        url = reverse("study:session_detail", args=[session.pk])
        rows = (
            Attendance.objects.filter(
                session=session,
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
                sent += _send_session(chunk, session, title, body, url)
                chunk = []
        sent += _send_session(chunk, session, title, body, url)
    return sent


def _send_session(rows, session, title, body, url) -> int:
    users = _users(user_id for _person, user_id in rows)
    sent = 0
    for person_id, user_id in rows:
        user = users.get(user_id)
        if user is not None and remind_once(
            key=f"study.session_soon:{session.pk}:{person_id}",
            recipients=[user],
            kind="study.session_soon",
            title=title,
            body=body,
            url=url,
        ):
            sent += 1
    return sent


def behind_period(today: date) -> str | None:
    """The reminder period that starts today, if any: from February to September the month
    (on its first working day), in the last quarter each ISO week (on the week's first working
    day), when the year is ending and the hours must be caught up. January has none: the year
    has barely begun."""
    if today.month >= 10:
        monday = today - timedelta(days=today.weekday())
        if calendar.next_working_day(monday) == today:
            iso = today.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return None
    if today.month == 1:
        return None
    if calendar.next_working_day(date(today.year, today.month, 1)) == today:
        return f"{today.year}-{today.month:02d}"
    return None


@reminders.register("study.behind_target")
def remind_behind_target(today: date) -> int:
    """Members whose hours are behind schedule: fewer than the target times the part of the
    year that has passed. Read from the StudyYear rows (made complete first)."""
    period = behind_period(today)
    if period is None:
        return 0
    year = today.year
    targets_refresh(year)
    fraction = elapsed_fraction(year, today)
    rows = (
        StudyYear.objects.filter(
            year=year,
            person__status=PersonStatus.ACTIVE,
            person__user__is_active=True,
            progress__lt=float(fraction) * 100,
        )
        .order_by("pk")
        .values_list("person_id", "person__user", "total", "target")
    )
    url = reverse("study:my_hours")
    sent = 0
    chunk: list = []
    for row in rows.iterator(chunk_size=_CHUNK):
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            sent += _send_behind(chunk, period, year, fraction, url)
            chunk = []
    sent += _send_behind(chunk, period, year, fraction, url)
    return sent


def _send_behind(rows, period: str, year: int, fraction: Decimal, url: str) -> int:
    users = _users(user_id for _p, user_id, _t, _g in rows)
    sent = 0
    for person_id, user_id, total, target in rows:
        user = users.get(user_id)
        if user is None:
            continue
        expected = (target * fraction).quantize(Decimal("0.1"))
        body = _(
            "截至今天，您 %(year)d 年已完成 %(total)s 学时，按进度应完成 %(expected)s 学时"
            "（全年要求 %(target)s 学时）。请参加学习活动或记录自学。"
        ) % {"year": year, "total": total, "expected": expected, "target": target}
        if remind_once(
            key=f"study.behind:{period}:{person_id}",
            recipients=[user],
            kind="study.behind_target",
            title=_("学时进度提醒"),
            body=body,
            url=url,
        ):
            sent += 1
    return sent


# Huey's schedule is in UTC (settings.HUEY utc=True): 18:40 UTC is 02:40 in Asia/Shanghai.
@db_periodic_task(crontab(hour="18", minute="40"))
def refresh_study_years() -> int:
    """Every night: a row for every active person this year, with targets that follow the
    positions people hold."""
    return targets_refresh(timezone.localdate().year)

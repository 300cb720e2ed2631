"""The study reminders, run through the daily job with the working-day calendar: sessions
starting before the end of the next working day, and members behind their yearly target."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grassroots.notifications import reminders
from grassroots.notifications.models import Notification
from grassroots.orgs.models import Position
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.models import StudyYear
from grassroots.study.tasks import behind_period
from grassroots.study.tests.factories import (
    AttendanceFactory,
    StudySessionFactory,
    StudyYearFactory,
    member_with_account,
)

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def notes(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_the_jobs_are_registered():
    keys = {job.key for job in reminders.jobs()}
    assert {"study.sessions_soon", "study.behind_target"} <= keys


def test_sessions_before_the_end_of_the_next_working_day(county, make_user):
    expected = member_with_account(make_user, county.branch1)
    on_leave = member_with_account(make_user, county.branch1)
    no_account = PersonFactory(primary_org=county.branch1)
    # Wednesday 2026-09-30; the next working day is Thursday 2026-10-08 (National Day week).
    holiday = StudySessionFactory(organization=county.branch1, starts_at=at(date(2026, 10, 3)))
    after_holiday = StudySessionFactory(
        organization=county.branch1, starts_at=at(date(2026, 10, 8), 15)
    )
    too_far = StudySessionFactory(organization=county.branch1, starts_at=at(date(2026, 10, 9)))
    cancelled = StudySessionFactory(
        organization=county.branch1, starts_at=at(date(2026, 10, 8)), status="cancelled"
    )
    for session in (holiday, after_holiday, too_far, cancelled):
        AttendanceFactory(session=session, person=expected.person)
        AttendanceFactory(session=session, person=on_leave.person, status="leave")
        AttendanceFactory(session=session, person=no_account)

    sent = reminders.run_due(date(2026, 9, 30))
    assert sent["study.sessions_soon"] == 2
    titles = {n.title for n in notes(expected, "study.session_soon")}
    assert titles == {
        f"学习提醒：10-03 09:00 {holiday.title}",
        f"学习提醒：10-08 15:00 {after_holiday.title}",
    }
    assert not notes(on_leave, "study.session_soon")
    # Run again (a second worker, a restart): nothing goes out twice.
    assert reminders.run_due(date(2026, 9, 30))["study.sessions_soon"] == 0
    # Nothing runs on the holiday itself.
    assert reminders.run_due(date(2026, 10, 1)) == {}
    # On the 8th the session of the 9th is due, and the one of the 8th was already sent.
    assert reminders.run_due(date(2026, 10, 8))["study.sessions_soon"] == 1
    assert len(notes(expected, "study.session_soon")) == 3


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 1, 5), None),  # January: the year has barely begun
        (date(2026, 3, 2), "2026-03"),  # first working day of March (the 1st is a Sunday)
        (date(2026, 3, 3), None),
        (date(2026, 5, 6), "2026-05"),  # after the Labour Day holiday
        (date(2026, 9, 28), None),  # a Monday, but in September and not the 1st working day
        (date(2026, 10, 8), "2026-W41"),  # the last quarter: weekly, after National Day
        (date(2026, 10, 9), None),
        (date(2026, 10, 12), "2026-W42"),
    ],
)
def test_behind_periods_follow_the_calendar(day, period):
    assert behind_period(day) == period


def test_behind_target_reminders_from_the_ledger(county, make_user):
    behind = member_with_account(make_user, county.branch1)
    ahead = member_with_account(make_user, county.branch1)
    leader = member_with_account(make_user, county.branch1)
    no_row = member_with_account(make_user, county.branch2)  # no hours at all yet
    Position.objects.create(person=leader.person, title="支部书记")
    StudyYearFactory(person=behind.person, year=2026, total=Decimal("10"))
    StudyYearFactory(person=ahead.person, year=2026, total=Decimal("30"))
    StudyYearFactory(person=leader.person, year=2026, target=Decimal("32"), total=Decimal("30"))

    # Due on the first working day of October's first week in the quarter: the 1st is a
    # holiday, nothing runs; the 8th sends.
    assert reminders.run_due(date(2026, 10, 1)) == {}
    assert not Notification.objects.filter(kind="study.behind_target").exists()
    sent = reminders.run_due(date(2026, 10, 8))
    assert sent["study.behind_target"] == 3
    reminded = set(
        Notification.objects.filter(kind="study.behind_target").values_list("recipient", flat=True)
    )
    # By 8 October 76% of the year has passed: 24.5 of 32 hours, 42.9 of a leader's 56.
    assert reminded == {behind.pk, leader.pk, no_row.pk}
    note = notes(behind, "study.behind_target")[0]
    assert "已完成 10.0 学时" in note.body and "按进度应完成 24.5 学时" in note.body
    # The leader's target followed the position before the reminder was computed.
    assert StudyYear.objects.get(person=leader.person, year=2026).target == Decimal("56")
    # Running twice sends once; the next day is not a period start.
    assert reminders.run_due(date(2026, 10, 8))["study.behind_target"] == 0
    assert reminders.run_due(date(2026, 10, 9))["study.behind_target"] == 0
    assert Notification.objects.filter(kind="study.behind_target").count() == 3
    # The next week is a new period.
    assert reminders.run_due(date(2026, 10, 12))["study.behind_target"] == 3


def test_monthly_reminder_once_per_month(county, make_user):
    user = member_with_account(make_user, county.branch1)
    StudyYearFactory(person=user.person, year=2026, total=Decimal("0"))
    assert reminders.run_due(date(2026, 3, 2))["study.behind_target"] == 1
    assert reminders.run_due(date(2026, 3, 2))["study.behind_target"] == 0
    assert reminders.run_due(date(2026, 3, 3))["study.behind_target"] == 0
    assert reminders.run_due(date(2026, 4, 1))["study.behind_target"] == 1
    assert len(notes(user, "study.behind_target")) == 2

"""Report reminders: 3 working days before the due date to the cadre, once; the day after,
a missing report to the cadre and the group leader, once; only for cadres on the post."""

from datetime import date

import pytest

from grassroots.cadres import reminders
from grassroots.cadres.enums import ReportKind, SecondmentStatus
from grassroots.cadres.models import Report
from grassroots.cadres.tests import builders
from grassroots.notifications import reminders as registry
from grassroots.notifications.models import Notification


@pytest.fixture
def placed(county):
    return builders.secondment(county)


def report_of(secondment, due_on, kind=ReportKind.MONTHLY, **fields):
    return Report.objects.create(
        secondment=secondment,
        kind=kind,
        period_start=due_on.replace(day=1),
        period_end=due_on.replace(day=1),
        due_on=due_on,
        **fields,
    )


def test_jobs_are_registered():
    keys = {job.key for job in registry.jobs()}
    assert {reminders.DUE_JOB_KEY, reminders.LATE_JOB_KEY} <= keys


def test_reminded_three_working_days_before_once(placed, django_capture_on_commit_callbacks):
    # due Thursday 2026-10-08, after the National Day week (10-01..07): 3 working days before
    # is Monday 09-28 (09-29, 09-30, 10-08); Friday 09-25 is the Mid-Autumn holiday, so the
    # Thursday 09-24 run does not reach it yet
    report = report_of(placed.secondment, date(2026, 10, 13))
    due_thursday = report_of(placed.secondment, date(2026, 10, 8), kind=ReportKind.STAGE)
    assert reminders.remind_reports_due(date(2026, 9, 24)) == 0
    assert reminders.remind_reports_due(date(2026, 9, 28)) == 1
    assert reminders.remind_reports_due(date(2026, 9, 28)) == 0  # run twice: once
    assert reminders.remind_reports_due(date(2026, 9, 30)) == 0
    due_thursday.refresh_from_db()
    assert due_thursday.reminded
    notes = Notification.objects.filter(kind="cadres.report_due")
    assert [n.recipient for n in notes] == [placed.cadre_user]
    # 10-13: 3 working days before is 10-09 (10-10 is a make-up Saturday, then 10-12, 10-13)
    report.refresh_from_db()
    assert not report.reminded
    assert reminders.remind_reports_due(date(2026, 10, 8)) == 0
    assert reminders.remind_reports_due(date(2026, 10, 9)) == 1
    report.refresh_from_db()
    assert report.reminded


def test_a_filed_report_is_not_reminded(placed):
    from django.utils import timezone

    report_of(placed.secondment, date(2026, 10, 8), submitted_at=timezone.now())
    assert reminders.remind_reports_due(date(2026, 9, 28)) == 0
    assert reminders.remind_reports_late(date(2026, 10, 9)) == 0


def test_late_report_tells_cadre_and_group_leader_once(placed):
    report = report_of(placed.secondment, date(2026, 10, 8))
    assert reminders.remind_reports_late(date(2026, 10, 8)) == 0  # due today: not late yet
    assert reminders.remind_reports_late(date(2026, 10, 9)) == 1
    assert reminders.remind_reports_late(date(2026, 10, 9)) == 0
    assert reminders.remind_reports_late(date(2026, 10, 12)) == 0
    report.refresh_from_db()
    assert report.late_notified
    recipients = set(
        Notification.objects.filter(kind="cadres.report_late").values_list("recipient", flat=True)
    )
    assert recipients == {placed.cadre_user.pk, placed.group_user.pk}


def test_only_placed_secondments_are_reminded(county):
    completed = builders.secondment(county, status=SecondmentStatus.COMPLETED)
    report_of(completed.secondment, date(2026, 10, 8))
    assert reminders.remind_reports_due(date(2026, 9, 28)) == 0
    assert reminders.remind_reports_late(date(2026, 10, 9)) == 0
    assert not Notification.objects.exists()


def test_nothing_runs_on_a_holiday(placed):
    report_of(placed.secondment, date(2026, 10, 8))
    assert registry.run_due(date(2026, 10, 3)) == {}
    assert not Notification.objects.exists()

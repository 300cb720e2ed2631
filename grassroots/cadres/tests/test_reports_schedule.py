"""The reports of a term, made at placement: one monthly report per calendar month, due on the
5th working day of the next month (over the National Day week), a stage summary at mid-term."""

from datetime import date

import pytest

from grassroots.cadres.enums import ReportKind, SecondmentStatus
from grassroots.cadres.models import Report
from grassroots.cadres.services.reports import reports_schedule
from grassroots.cadres.tests import builders
from grassroots.core import calendar


@pytest.fixture
def placed(county):
    return builders.secondment(
        county,
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 3, 15),
        placed_on=date(2026, 3, 16),
    ).secondment


def test_chinesecalendar_knows_2026_national_day(db):
    assert calendar.year_source(2026) == calendar.Source.OFFICIAL
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 10, 7))
    assert calendar.is_working_day(date(2026, 10, 8))


def test_one_monthly_report_per_calendar_month_from_the_placement_day(placed):
    created = reports_schedule(secondment=placed)
    monthly = list(Report.objects.filter(secondment=placed, kind=ReportKind.MONTHLY))
    # 2026-03-16 .. 2027-03-15: March 2026 to March 2027 = 13 months
    assert len(monthly) == 13
    assert created == 14  # and the stage summary
    first, last = monthly[0], monthly[-1]
    assert (first.period_start, first.period_end) == (date(2026, 3, 16), date(2026, 3, 31))
    assert (last.period_start, last.period_end) == (date(2027, 3, 1), date(2027, 3, 15))
    assert monthly[1].period_start == date(2026, 4, 1)
    assert monthly[1].period_end == date(2026, 4, 30)


def test_monthly_due_on_the_fifth_working_day_of_the_next_month(placed):
    reports_schedule(secondment=placed)
    due = dict(
        Report.objects.filter(secondment=placed, kind=ReportKind.MONTHLY).values_list(
            "period_start", "due_on"
        )
    )
    # September's report: October 1-7 are the National Day holidays; 8, 9 (Thu, Fri),
    # 10 (Saturday, a make-up workday), 12, 13 -> the 5th working day is October 13.
    assert due[date(2026, 9, 1)] == date(2026, 10, 13)
    # March 2026's report: April 1, 2, 3 (Fri), then 4-6 Qingming, 7, 8 -> April 8.
    assert due[date(2026, 3, 16)] == calendar.add_working_days(date(2026, 3, 31), 5)
    for day in due.values():
        assert calendar.is_working_day(day)


def test_stage_summary_covers_the_first_half_and_rolls_to_a_working_day(county):
    obj = builders.secondment(
        county,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 10, 2),
        placed_on=date(2026, 3, 3),
    ).secondment
    reports_schedule(secondment=obj)
    stage = Report.objects.get(secondment=obj, kind=ReportKind.STAGE)
    assert stage.period_start == date(2026, 3, 3)
    # the middle of 2026-03-03 .. 2026-10-02 (213 days) is 2026-06-17; +10 = 06-27, a Saturday
    assert stage.period_end == date(2026, 6, 17)
    assert stage.due_on == date(2026, 6, 29)


def test_stage_due_in_the_national_day_week_rolls_to_october_8(county):
    # middle 2026-09-23, +10 days = 10-03 (holiday) -> the next working day is 10-08
    obj = builders.secondment(
        county,
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 4, 18),
        placed_on=date(2026, 3, 1),
    ).secondment
    reports_schedule(secondment=obj)
    stage = Report.objects.get(secondment=obj, kind=ReportKind.STAGE)
    assert stage.period_end == date(2026, 9, 23)
    assert stage.due_on == date(2026, 10, 8)


def test_without_placement_day_the_planned_start_counts(county):
    obj = builders.secondment(
        county,
        status=SecondmentStatus.CONFIRMED,
        starts_on=date(2026, 1, 10),
        ends_on=date(2026, 4, 30),
    ).secondment
    assert obj.placed_on is None
    reports_schedule(secondment=obj)
    monthly = Report.objects.filter(secondment=obj, kind=ReportKind.MONTHLY)
    assert [r.period_start for r in monthly] == [
        date(2026, 1, 10),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]


def test_idempotent_and_keeps_what_was_written(placed):
    assert reports_schedule(secondment=placed) == 14
    report = Report.objects.filter(secondment=placed).first()
    Report.objects.filter(pk=report.pk).update(content="已写的内容")
    assert reports_schedule(secondment=placed) == 0
    assert Report.objects.filter(secondment=placed).count() == 14
    report.refresh_from_db()
    assert report.content == "已写的内容"
    assert not Report.objects.filter(secondment=placed, kind=ReportKind.FINAL).exists()

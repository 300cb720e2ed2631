"""The working-day calendar: official schedule, the admin's table over it, weekends beyond."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.core import calendar
from grassroots.core.models import CalendarDay
from grassroots.core.services import calendar_import, parse_schedule

pytestmark = pytest.mark.django_db


def test_official_holidays_and_make_up_workdays():
    assert not calendar.is_working_day(date(2026, 10, 1))  # National Day
    assert calendar.is_working_day(date(2026, 9, 20))  # a Sunday made a workday (调休)
    assert calendar.is_working_day(date(2026, 11, 25))  # an ordinary Wednesday
    assert not calendar.is_working_day(date(2026, 11, 28))  # an ordinary Saturday


def test_next_working_day_rolls_over_a_holiday_week():
    assert calendar.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert calendar.next_working_day(date(2026, 11, 25)) == date(2026, 11, 25)
    assert calendar.next_working_day(date(2026, 11, 25), include_today=False) == date(2026, 11, 26)


def test_working_days_between_counts_both_ends():
    assert calendar.working_days_between(date(2026, 11, 23), date(2026, 11, 29)) == 5
    # 28–30 September, then 8–10 October (the Saturday 10 October is a make-up workday)
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 11)) == 6
    assert calendar.working_days_between(date(2026, 11, 29), date(2026, 11, 23)) == 0


def test_add_working_days_skips_holidays():
    # Mid-autumn (25–27 September) and National Day (1–7 October) do not count.
    assert calendar.add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 9, 24), 4) == date(2026, 10, 8)


def test_a_year_nobody_knows_falls_back_to_weekends_and_says_so():
    assert calendar.year_source(2026) == calendar.Source.OFFICIAL
    assert calendar.year_source(2031) == calendar.Source.WEEKENDS
    assert calendar.is_working_day(date(2031, 1, 1))  # a Wednesday, no schedule known: working
    assert not calendar.is_working_day(date(2031, 1, 4))  # Saturday


def test_the_table_overrides_the_package_and_covers_new_years(make_user, county):
    admin = make_user("system_admin", county.root)
    count = calendar_import(
        text="# 2031 安排\n2031-01-01 休 元旦\n2031-01-04 班 元旦调休\n2026-11-25 休 本地节日",
        actor=admin,
    )
    assert count == 3
    assert calendar.year_source(2031) == calendar.Source.TABLE
    assert not calendar.is_working_day(date(2031, 1, 1))
    assert calendar.is_working_day(date(2031, 1, 4))
    assert not calendar.is_working_day(date(2026, 11, 25))
    assert calendar.next_working_day(date(2026, 11, 25)) == date(2026, 11, 26)


def test_import_of_a_range_and_re_import_overwrites(make_user, county):
    admin = make_user("system_admin", county.root)
    calendar_import(text="2031-02-10..2031-02-16 休 春节", actor=admin)
    calendar_import(text="2031-02-16 班 春节调休", actor=admin)
    assert (
        CalendarDay.objects.filter(date__range=(date(2031, 2, 10), date(2031, 2, 16))).count() == 7
    )
    assert CalendarDay.objects.get(date=date(2031, 2, 16)).is_workday


@pytest.mark.parametrize(
    "text",
    [
        "2031-02-30 休",
        "2031-02-01 放",
        "hello",
        "2031-03-10..2031-03-01 休",
        "2031-01-01..2031-06-01 休",
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(make_user, county, text):
    admin = make_user("system_admin", county.root)
    with pytest.raises(ValidationError):
        calendar_import(text=f"2031-01-01 休 元旦\n{text}", actor=admin)
    assert not CalendarDay.objects.exists()


def test_parse_reports_each_bad_line_by_number():
    _days, errors = parse_schedule("2031-01-01 休\nnonsense\n2031-13-01 班")
    assert len(errors) == 2 and "第 2 行" in errors[0] and "第 3 行" in errors[1]


def test_only_a_county_wide_holder_maintains_the_calendar(client, make_user, county):
    committee = make_user("committee_admin", county.town)
    with pytest.raises(PermissionDenied):
        calendar_import(text="2031-01-01 休", actor=committee)
    client.force_login(committee)
    assert client.get(reverse("core:calendar")).status_code == 403
    admin = make_user("system_admin", county.root)
    client.force_login(admin)
    page = client.get(reverse("core:calendar"))
    assert page.status_code == 200
    response = client.post(reverse("core:calendar"), {"text": "2031-01-01 休 元旦"})
    assert response.status_code == 302 and CalendarDay.objects.count() == 1
    bad = client.post(reverse("core:calendar"), {"text": "2031-01-01 放"})
    assert bad.status_code == 200 and "第 1 行" in bad.content.decode()


def test_calendar_page_query_budget(client, make_user, county, django_assert_max_num_queries):
    from datetime import timedelta

    admin = make_user("system_admin", county.root)
    client.force_login(admin)
    client.get(reverse("core:calendar"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("core:calendar"))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2026, 1, 1) + timedelta(days=i), is_workday=False) for i in range(300)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("core:calendar")).status_code == 200

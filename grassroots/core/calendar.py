"""The working-day calendar: official holidays and make-up workdays (调休) of mainland China.

Three sources, first match wins: the holiday table the system admin maintains
(`CalendarDay`), then the `chinesecalendar` package (which knows the years whose schedule
was published before its release), then plain weekends. A year that neither table nor
package knows is answered by the weekend rule, and `year_source` says so, so that the
settings page can warn; no caller ever gets an error for a date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

import chinese_calendar
from django.utils import timezone

from .models import CalendarDay

# Far enough for any deadline rule (a holiday week plus a weekend), small enough to bound loops.
_MAX_SEARCH_DAYS = 60


class Source(StrEnum):
    OFFICIAL = "official"  # the chinesecalendar package knows the year (the table may adjust it)
    TABLE = "table"  # only the admin's table: its days, weekends for the rest
    WEEKENDS = "weekends"  # nobody knows the year: Monday to Friday are working days


def _package_says(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _overrides(start: date, end: date) -> dict[date, bool]:
    return dict(
        CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )


def _is_working(day: date, overrides: dict[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    official = _package_says(day)
    if official is not None:
        return official
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, _overrides(day, day))


def next_working_day(day: date, *, include_today: bool = True) -> date:
    """`day` itself when it is a working day (and include_today), else the next one."""
    start = day if include_today else day + timedelta(days=1)
    overrides = _overrides(start, start + timedelta(days=_MAX_SEARCH_DAYS))
    for offset in range(_MAX_SEARCH_DAYS):
        candidate = start + timedelta(days=offset)
        if _is_working(candidate, overrides):
            return candidate
    return start  # a table that marks two months as holidays: do not loop, do not fail


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included (0 when end is before start)."""
    if end < start:
        return 0
    overrides = _overrides(start, end)
    return sum(
        1
        for offset in range((end - start).days + 1)
        if _is_working(start + timedelta(days=offset), overrides)
    )


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start not counted): deadlines in working days."""
    overrides = _overrides(start, start + timedelta(days=days * 3 + _MAX_SEARCH_DAYS))
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if _is_working(current, overrides):
            left -= 1
    return current


def year_source(year: int) -> Source:
    """Where the answers for `year` come from."""
    if _package_says(date(year, 1, 1)) is not None:
        return Source.OFFICIAL
    if CalendarDay.objects.filter(date__year=year).exists():
        return Source.TABLE
    return Source.WEEKENDS


def before_next_working_day(today: date) -> tuple[datetime, datetime]:
    """What a day-before reminder run on `today` covers: from the start of the day (from now,
    when run for today: what began earlier needs no reminder) to the end of the next working
    day, so a Friday's run covers the weekend and the Monday."""

    def midnight(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    start = midnight(today)
    if today == timezone.localdate():
        start = max(start, timezone.now())
    end = midnight(next_working_day(today, include_today=False) + timedelta(days=1))
    return start, end

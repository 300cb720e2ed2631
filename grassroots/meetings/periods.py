"""Calendar periods (month, quarter, year) in local time, for compliance counts.

A meeting belongs to the period of its local (Asia/Shanghai) start: one held at 23:30 on
31 March is stored as 15:30 UTC and still counts for the first quarter. Periods are half-open
date ranges [start, end), turned into aware datetimes at local midnight for queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import Period


@dataclass(frozen=True)
class PeriodRange:
    period: str
    start: date  # first day
    end: date  # the day after the last

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @property
    def label(self) -> str:
        if self.period == Period.MONTH:
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        if self.period == Period.QUARTER:
            return _("%(y)d年第%(q)d季度") % {
                "y": self.start.year,
                "q": (self.start.month - 1) // 3 + 1,
            }
        return _("%(y)d年") % {"y": self.start.year}

    def contains(self, moment: datetime) -> bool:
        return self.start <= timezone.localdate(moment) < self.end

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def key(self) -> str:
        """How the period is named in a URL: 2026-11, 2026-Q4, 2026 (see period_from_key)."""
        if self.period == Period.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.period == Period.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def shifted(self, step: int) -> PeriodRange:
        """The period `step` periods later (earlier when negative)."""
        months = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[self.period]
        return period_of(_next_month(self.start.year, self.start.month, step * months), self.period)


def _next_month(year: int, month: int, step: int = 1) -> date:
    index = year * 12 + (month - 1) + step
    return date(index // 12, index % 12 + 1, 1)


def period_of(day: date, period: str) -> PeriodRange:
    """The period of kind `period` that holds `day` (a local date)."""
    if period == Period.MONTH:
        start = day.replace(day=1)
        return PeriodRange(period, start, _next_month(start.year, start.month))
    if period == Period.QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return PeriodRange(period, start, _next_month(start.year, start.month, 3))
    if period == Period.YEAR:
        return PeriodRange(period, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise ValueError(f"unknown period {period!r}")


def period_of_moment(moment: datetime, period: str) -> PeriodRange:
    return period_of(timezone.localdate(moment), period)


def periods_within(outer: PeriodRange, period: str) -> list[PeriodRange]:
    """The periods of kind `period` that make up `outer` (the months of a quarter, …)."""
    found = []
    day = outer.start
    while day < outer.end:
        current = period_of(day, period)
        found.append(current)
        day = current.end
    return found


_KEY_RE = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|Q([1-4])))?$")


def period_from_key(period: str, key: str | None, default: date) -> PeriodRange:
    """The period named by `key` (2026-11, 2026-Q4, 2026; a key of another kind of period
    gives the period of that kind holding its first day), or the one holding `default` when
    the key is missing or makes no sense."""
    if period not in Period.values:
        period = Period.MONTH
    match = _KEY_RE.match((key or "").strip())
    if match:
        year, month, quarter = match.groups()
        year = int(year)
        month = int(month) if month else (int(quarter) - 1) * 3 + 1 if quarter else 1
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return period_of(date(year, month, 1), period)
    return period_of(default, period)

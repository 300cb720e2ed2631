"""Reads of the core app: the holiday table."""

from django.db.models import QuerySet

from . import calendar
from .models import CalendarDay


def calendar_day(pk) -> CalendarDay | None:
    try:
        return CalendarDay.objects.get(pk=int(pk))
    except (TypeError, ValueError, CalendarDay.DoesNotExist):
        return None


def calendar_years(first: int, last: int) -> list[dict]:
    """Each year with where its working days come from (package, table or weekends)."""
    return [{"year": y, "source": calendar.year_source(y)} for y in range(first, last + 1)]


def calendar_days_from(year: int, *, limit: int = 400) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year__gte=year).order_by("date")[:limit]

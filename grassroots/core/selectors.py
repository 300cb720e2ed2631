"""Reads of the core app: the holiday table, and the filters every list of events shares."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from . import calendar
from .models import CalendarDay
from .permissions import subtree_q


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


def filter_events(qs: QuerySet, flt, *, now: datetime) -> QuerySet:
    """A list of events (study sessions, activities: rows with organization, kind, title,
    starts_at and ends_at) filtered as their list pages offer, by a filter with these fields:
    `organization` (its subtree), `kind`, `year` (calendar year), `query` (words of the title)
    and `when`: "upcoming" (not yet over, soonest first), "past" (latest first) or anything
    else (all, latest first)."""
    if flt.organization is not None:
        qs = qs.filter(subtree_q("organization__path", flt.organization.path))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.year:
        start = timezone.make_aware(datetime(flt.year, 1, 1))
        end = timezone.make_aware(datetime(flt.year + 1, 1, 1))
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    if flt.query:
        qs = qs.filter(title__contains=flt.query[:60])
    if flt.when == "upcoming":
        return qs.filter(ends_at__gte=now).order_by("starts_at", "id")
    if flt.when == "past":
        return qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return qs.order_by("-starts_at", "-id")

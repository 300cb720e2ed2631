"""Compliance of organizational life per period: for each organization and each rule of its
kind, were enough meetings held? One grouped query counts the held meetings per organization,
kind and local month; quarters and years are sums of their months.

A rule whose period is shorter than the period looked at is checked in each of its periods
(the three months of a quarter); a longer one is checked over its own period holding the one
looked at (a month shows whether the quarter's general meeting was held yet). A period not over
yet is "pending" until its meetings are held, never "missing".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .enums import MeetingStatus
from .models import ComplianceRule, Meeting
from .periods import PeriodRange, period_of, periods_within

HELD, MISSING, PENDING = "held", "missing", "pending"
# How short a period is: a rule at least as short as the view is checked in each of its periods.
SHORTNESS = {"year": 0, "quarter": 1, "month": 2}


@dataclass
class RuleCheck:
    rule: ComplianceRule
    periods: list[tuple[PeriodRange, int, str]] = field(default_factory=list)  # (period, n, status)

    @property
    def held(self) -> int:
        return sum(n for _p, n, _s in self.periods)

    @property
    def status(self) -> str:
        statuses = {s for _p, _n, s in self.periods}
        if MISSING in statuses:
            return MISSING
        if PENDING in statuses:
            return PENDING
        return HELD


@dataclass
class OrgCompliance:
    organization: object
    checks: list[RuleCheck]

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        return MISSING if MISSING in statuses else PENDING if PENDING in statuses else HELD


def _periods(rule: ComplianceRule, view: PeriodRange) -> list[PeriodRange]:
    if SHORTNESS[rule.period] >= SHORTNESS[view.period]:
        return periods_within(view, rule.period)
    return [period_of(view.start, rule.period)]


def compliance(organizations: list, view: PeriodRange, today: date | None = None) -> list:
    """One OrgCompliance per organization (in the order given); organizations whose kind has no
    rule have no checks."""
    today = today or timezone.localdate()
    rules_by_kind: dict[int, list[ComplianceRule]] = defaultdict(list)
    for rule in ComplianceRule.objects.filter(is_active=True).select_related(
        "meeting_kind", "org_kind"
    ):
        rules_by_kind[rule.org_kind_id].append(rule)
    checked = [o for o in organizations if rules_by_kind.get(o.kind_id)]
    spans = [p for o in checked for r in rules_by_kind[o.kind_id] for p in _periods(r, view)]
    counts: dict[tuple[int, int, date], int] = {}
    if spans:
        start = min(p.start for p in spans)
        end = max(p.end for p in spans)
        kinds = {r.meeting_kind_id for o in checked for r in rules_by_kind[o.kind_id]}
        rows = (
            Meeting.objects.filter(
                organization__in=[o.pk for o in checked],
                kind_id__in=kinds,
                status=MeetingStatus.HELD,
                starts_at__gte=PeriodRange(view.period, start, end).start_at,
                starts_at__lt=PeriodRange(view.period, start, end).end_at,
            )
            .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
            .values_list("organization_id", "kind_id", "month")
            .annotate(n=Count("id"))
            .order_by()
        )
        for org_id, kind_id, month, n in rows:
            if isinstance(month, datetime):
                month = (timezone.localtime(month) if timezone.is_aware(month) else month).date()
            day = month
            counts[(org_id, kind_id, day.replace(day=1))] = n
    result = []
    for org in organizations:
        checks = []
        for rule in rules_by_kind.get(org.kind_id, []):
            check = RuleCheck(rule)
            for period in _periods(rule, view):
                n = sum(
                    counts.get((org.pk, rule.meeting_kind_id, month.start), 0)
                    for month in periods_within(period, "month")
                )
                if n >= rule.min_count:
                    status = HELD
                elif period.end <= today:
                    status = MISSING
                else:
                    status = PENDING
                check.periods.append((period, n, status))
            checks.append(check)
        result.append(OrgCompliance(org, checks))
    return result

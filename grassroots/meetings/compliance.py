"""Compliance of organizational life per period: for each organization and each rule of its
kind, were enough meetings held? The held meetings are counted per organization and kind,
month by month, one query per length of period the kinds are read over (see held_counts), and
kept between two changes of the meetings (HELD_COUNTS).

A rule whose period is shorter than the period looked at is checked in each of its periods
(the three months of a quarter: "2/3 months met"); a longer one is checked over its own period
holding the one looked at (a month shows whether the quarter's general meeting was held yet,
and a yearly rule whether this year's was). A period not over yet is "pending" until its
meetings are held, never "missing". Only held meetings count: scheduled and cancelled ones
do not.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from grassroots.core.permissions import subtree_q
from grassroots.core.versioned import VersionedCache
from grassroots.orgs.counts import COUNTS

from .enums import MeetingStatus
from .models import ComplianceRule, Meeting
from .periods import PeriodRange, period_of, periods_within

HELD, MISSING, PENDING = "held", "missing", "pending"
# Held meetings counted per organization and period, kept until a meeting or the tree changes
# (a signal on Meeting moves the version; the tree's own version is orgs.counts.COUNTS).
HELD_COUNTS = VersionedCache("meetings:held", seconds=600)
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

    @property
    def met(self) -> int:
        """How many of its periods met the rule (11 of the 12 months of a year)."""
        return sum(1 for _p, _n, s in self.periods if s == HELD)

    @property
    def missed(self) -> int:
        return sum(1 for _p, _n, s in self.periods if s == MISSING)

    @property
    def span(self) -> PeriodRange:
        """The time the check covers: the view, or the rule's longer period holding it."""
        first, last = self.periods[0][0], self.periods[-1][0]
        if len(self.periods) == 1:
            return first
        # Several periods make up the view: the 3 months of a quarter, the 4 quarters or the
        # 12 months of a year.
        return PeriodRange("quarter" if len(self.periods) == 3 else "year", first.start, last.end)


# What one rule asks of an organization within a view: the rule, and per period of it within
# the view (period, position of its bucket of held counts, whether the period is over).
Step = tuple["ComplianceRule", list[tuple[PeriodRange, int, bool]]]


class OrgCompliance:
    """The compliance of one organization. Its statuses are worked out from plain counts;
    the RuleCheck objects that a page or an export shows are built only when asked for, so a
    county of thousands of organizations is summarized without building them."""

    __slots__ = (
        "organization",
        "indent",
        "cells",
        "_steps",
        "_quick",
        "_held",
        "_checks",
    )

    def __init__(self, organization, steps: list[Step], held: tuple, quick: KindRules) -> None:
        self.organization = organization
        self._steps = steps
        self._quick = quick
        self._held = held  # held meetings per bucket, by the bucket's position
        self._checks: list[RuleCheck] | None = None
        self.indent = 0
        self.cells: list = []

    @property
    def has_rules(self) -> bool:
        return bool(self._steps)

    @property
    def checks(self) -> list[RuleCheck]:
        if self._checks is None:
            held = self._held
            self._checks = []
            for rule, periods in self._steps:
                check = RuleCheck(rule)
                minimum = rule.min_count
                check.periods = [
                    (
                        period,
                        n := held[index],
                        HELD if n >= minimum else MISSING if over else PENDING,
                    )
                    for period, index, over in periods
                ]
                self._checks.append(check)
        return self._checks

    def rule_statuses(self) -> list[tuple[ComplianceRule, str]]:
        """(rule, status) for each rule, from the counts alone."""
        return _statuses(self._quick, self._held)[0]

    @property
    def status(self) -> str:
        return _statuses(self._quick, self._held)[1]

    def check_for(self, rule) -> RuleCheck | None:
        for check in self.checks:
            if check.rule.pk == rule.pk:
                return check
        return None


class KindRules(list):
    """The rules of one kind of organization as (rule, at least, positions of the periods
    over, positions of those not over), with the statuses already worked out per counts: most
    organizations of a kind share their counts (one meeting a month, every month), so a county
    of thousands works out a few hundred distinct ones."""

    def __init__(self, items=()) -> None:
        super().__init__(items)
        self.memo: dict[tuple, tuple[list, str]] = {}


def _statuses(quick: KindRules, held: tuple) -> tuple[list, str]:
    """The status of each rule and the overall one, for counts `held`."""
    found = quick.memo.get(held)
    if found is not None:
        return found
    statuses = []
    for rule, minimum, over, not_over in quick:
        if any(held[i] < minimum for i in over):
            status = MISSING
        elif any(held[i] < minimum for i in not_over):
            status = PENDING
        else:
            status = HELD
        statuses.append((rule, status))
    seen = {status for _rule, status in statuses}
    overall = MISSING if MISSING in seen else PENDING if PENDING in seen else HELD
    quick.memo[held] = (statuses, overall)
    return statuses, overall


def active_rules() -> dict[int, list[ComplianceRule]]:
    """{organization kind id: its active rules}, one query."""
    rules_by_kind: dict[int, list[ComplianceRule]] = defaultdict(list)
    for rule in ComplianceRule.objects.filter(is_active=True).select_related(
        "meeting_kind", "org_kind"
    ):
        rules_by_kind[rule.org_kind_id].append(rule)
    return rules_by_kind


def hash_buckets(ordered: list[Bucket]) -> str:
    text = ";".join(f"{k}:{a.isoformat()}:{b.isoformat()}" for k, a, b in ordered)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def rule_periods(rule: ComplianceRule, view: PeriodRange) -> list[PeriodRange]:
    if SHORTNESS[rule.period] >= SHORTNESS[view.period]:
        return periods_within(view, rule.period)
    return [period_of(view.start, rule.period)]


Bucket = tuple[int, date, date]  # (meeting kind id, first day, the day after the last)


def held_counts(organizations: Q, ordered: list[Bucket]) -> dict[int, tuple[int, ...]]:
    """{organization id: held meetings per bucket, in the order of `ordered`}, for the
    organizations that held any.

    The period bounds are local midnights worked out here, so the database converts no time
    zone per row. Kinds are read over the time their buckets cover, one query per such time:
    in a quarter view the monthly and quarterly kinds over the quarter, the yearly kinds (few
    meetings) over their year."""
    spans: dict[tuple[date, date], set[int]] = defaultdict(set)
    by_kind: dict[int, list[Bucket]] = defaultdict(list)
    for bucket in ordered:
        by_kind[bucket[0]].append(bucket)
    for kind_id, kind_buckets in by_kind.items():
        spans[(min(b[1] for b in kind_buckets), max(b[2] for b in kind_buckets))].add(kind_id)
    position = {bucket: i for i, bucket in enumerate(ordered)}
    found: dict[int, list[int]] = {}
    for (first, last), kind_ids in sorted(spans.items()):
        buckets = [b for k in sorted(kind_ids) for b in by_kind[k]]
        whole = PeriodRange("month", first, last)
        for org_id, bucket, n in _count(organizations, buckets, whole):
            if org_id not in found:
                found[org_id] = [0] * len(ordered)
            found[org_id][position[bucket]] = n
    return {org_id: tuple(numbers) for org_id, numbers in found.items()}


def _count(organizations: Q, buckets: list[Bucket], whole: PeriodRange):
    """(organization id, bucket, held meetings) of the buckets' kinds in `whole`: counted
    month by month, grouped by organization and kind (a dozen conditional counts a row, not one
    per bucket), on a plain cursor (thousands of rows of integers need none of the ORM's
    conversions), then added up into the buckets: every period is made of whole months."""
    months = periods_within(whole, "month")
    counts = {
        f"m{i}": Count(
            "kind_id",  # not "id": the partial index of held meetings answers alone
            filter=Q(starts_at__gte=month.start_at, starts_at__lt=month.end_at),
        )
        for i, month in enumerate(months)
    }
    first_month = {month.start: i for i, month in enumerate(months)}
    last_month = {month.end: i for i, month in enumerate(months)}
    sums: dict[int, list[tuple[Bucket, range]]] = defaultdict(list)
    for bucket in buckets:
        kind_id, start, end = bucket
        sums[kind_id].append((bucket, range(first_month[start], last_month[end] + 1)))
    query = (
        Meeting.objects.filter(
            organizations,
            kind_id__in=list(sums),
            status=MeetingStatus.HELD,
            starts_at__gte=whole.start_at,
            starts_at__lt=whole.end_at,
        )
        .values("organization_id", "kind_id")
        .annotate(**counts)
        .values_list("organization_id", "kind_id", *counts)
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, kind_id, *per_month in cursor.fetchall():
            for bucket, span in sums[kind_id]:
                n = sum(per_month[i] for i in span)
                if n:
                    yield org_id, bucket, n


def compliance(
    organizations: list,
    view: PeriodRange,
    today: date | None = None,
    *,
    within: str | None = None,
    rules_by_kind: dict | None = None,
) -> list[OrgCompliance]:
    """One OrgCompliance per organization (in the order given); organizations whose kind has no
    rule have no checks. `within`: the path of a subtree holding all the organizations, to
    select their meetings by path rather than by a (long) list of ids."""
    today = today or timezone.localdate()
    if rules_by_kind is None:
        rules_by_kind = active_rules()
    checked = [o for o in organizations if rules_by_kind.get(o.kind_id)]
    # Each rule's periods within the view, worked out once per rule, not per organization.
    plans = {
        rule.pk: rule_periods(rule, view) for rules in rules_by_kind.values() for rule in rules
    }
    used = {rule.pk: rule for o in checked for rule in rules_by_kind[o.kind_id]}
    ordered = sorted(
        {(rule.meeting_kind_id, p.start, p.end) for rule in used.values() for p in plans[rule.pk]}
    )
    position = {bucket: i for i, bucket in enumerate(ordered)}
    counts: dict = {}
    if ordered:
        if within is not None:
            # A whole subtree: counted once between two changes of its meetings or tree.
            counts = HELD_COUNTS.cached(
                f"{within}|{hash_buckets(ordered)}",
                lambda: held_counts(subtree_q("organization__path", within), ordered),
                depends_on=(COUNTS,),
            )
        else:
            counts = held_counts(Q(organization__in=[o.pk for o in checked]), ordered)
    # (rule, [(period, bucket position, over)]) per organization kind, so that the loop below
    # does only lookups: thousands of organizations times a dozen periods.
    steps = {
        kind_id: [
            (
                rule,
                [
                    (p, position[(rule.meeting_kind_id, p.start, p.end)], p.end <= today)
                    for p in plans[rule.pk]
                ],
            )
            for rule in rules
            if rule.pk in used
        ]
        for kind_id, rules in rules_by_kind.items()
    }
    # The same per kind for the statuses alone: the buckets of the periods over (a shortfall
    # is missing) and of those not over (a shortfall is pending).
    quick = {
        kind_id: KindRules(
            (
                rule,
                rule.min_count,
                tuple(position for _p, position, over in periods if over),
                tuple(position for _p, position, over in periods if not over),
            )
            for rule, periods in kind_steps
        )
        for kind_id, kind_steps in steps.items()
    }
    none = (0,) * len(ordered)
    no_steps: list = []
    no_rules = KindRules()
    return [
        OrgCompliance(
            org,
            steps.get(org.kind_id, no_steps),
            counts.get(org.pk, none),
            quick.get(org.kind_id, no_rules),
        )
        for org in organizations
    ]


@dataclass
class RuleSummary:
    """How many organizations of a rule's kind did not meet it: missing (the period is over)
    and pending (not over yet, not met so far)."""

    rule: ComplianceRule
    checked: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def not_met(self) -> int:
        return self.missing + self.pending


@dataclass
class Summary:
    checked: int
    all_met: int
    with_missing: int
    rules: list[RuleSummary]


def rule_columns(rows: list[OrgCompliance]) -> list[ComplianceRule]:
    """The rules that apply to any of the rows, in the rules' order (kind of organization,
    then kind of meeting)."""
    kinds = {id(row._quick): row._quick for row in rows}
    found = {rule.pk: rule for quick in kinds.values() for rule, *_positions in quick}
    return sorted(
        found.values(),
        key=lambda r: (r.org_kind.sort_order, r.org_kind_id, r.meeting_kind.sort_order, r.pk),
    )


def summarize(rows: list[OrgCompliance], columns: list[ComplianceRule]) -> Summary:
    per_rule = {rule.pk: RuleSummary(rule) for rule in columns}
    # Organizations with the same rules and counts share one list of statuses: count the
    # lists, then add each up once.
    shared: dict[int, list] = {}
    times: dict[int, int] = defaultdict(int)
    overall: dict[int, int] = defaultdict(int)
    for row in rows:
        statuses = row.rule_statuses()
        key = id(statuses)
        shared[key] = statuses
        times[key] += 1
        overall[row.status] += 1
    for key, statuses in shared.items():
        n = times[key]
        for rule, status in statuses:
            line = per_rule[rule.pk]
            line.checked += n
            if status == MISSING:
                line.missing += n
            elif status == PENDING:
                line.pending += n
    return Summary(
        checked=len(rows),
        all_met=overall[HELD],
        with_missing=overall[MISSING],
        rules=[per_rule[rule.pk] for rule in columns],
    )

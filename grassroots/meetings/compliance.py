"""Compliance of organizational life per period: for each organization and each rule of its
kind, were enough meetings held? One query counts the held meetings per organization, with a
conditional count per kind of meeting and period checked.

A rule whose period is shorter than the period looked at is checked in each of its periods
(the three months of a quarter: "2/3 months met"); a longer one is checked over its own period
holding the one looked at (a month shows whether the quarter's general meeting was held yet,
and a yearly rule whether this year's was). A period not over yet is "pending" until its
meetings are held, never "missing". Only held meetings count: scheduled and cancelled ones
do not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from grassroots.core.permissions import subtree_q

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


@dataclass
class OrgCompliance:
    organization: object
    checks: list[RuleCheck]

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        return MISSING if MISSING in statuses else PENDING if PENDING in statuses else HELD

    def check_for(self, rule) -> RuleCheck | None:
        for check in self.checks:
            if check.rule.pk == rule.pk:
                return check
        return None


def active_rules() -> dict[int, list[ComplianceRule]]:
    """{organization kind id: its active rules}, one query."""
    rules_by_kind: dict[int, list[ComplianceRule]] = defaultdict(list)
    for rule in ComplianceRule.objects.filter(is_active=True).select_related(
        "meeting_kind", "org_kind"
    ):
        rules_by_kind[rule.org_kind_id].append(rule)
    return rules_by_kind


def rule_periods(rule: ComplianceRule, view: PeriodRange) -> list[PeriodRange]:
    if SHORTNESS[rule.period] >= SHORTNESS[view.period]:
        return periods_within(view, rule.period)
    return [period_of(view.start, rule.period)]


Bucket = tuple[int, date, date]  # (meeting kind id, first day, the day after the last)


def held_counts(organizations: Q, buckets: set[Bucket]) -> dict[int, dict[Bucket, int]]:
    """{organization id: {bucket: held meetings of the bucket's kind in its period}}.

    One query over the meetings of the organizations `organizations` selects (a Q on Meeting),
    grouped by organization, with one conditional count per bucket: a row per organization
    whatever the number of meetings, and the period bounds are local midnights worked out
    here, so the database converts no time zone per row."""
    if not buckets:
        return {}
    ordered = sorted(buckets)
    spans = {b: PeriodRange("month", b[1], b[2]) for b in ordered}
    whole = PeriodRange("month", min(b[1] for b in ordered), max(b[2] for b in ordered))
    counts = {
        f"n{i}": Count(
            "id",
            filter=Q(
                kind_id=kind_id,
                starts_at__gte=spans[(kind_id, start, end)].start_at,
                starts_at__lt=spans[(kind_id, start, end)].end_at,
            ),
        )
        for i, (kind_id, start, end) in enumerate(ordered)
    }
    rows = (
        Meeting.objects.filter(
            organizations,
            kind_id__in={b[0] for b in ordered},
            status=MeetingStatus.HELD,
            starts_at__gte=whole.start_at,
            starts_at__lt=whole.end_at,
        )
        .values("organization_id")
        .annotate(**counts)
        .values_list("organization_id", *counts)
        .order_by()
    )
    found: dict[int, dict[Bucket, int]] = {}
    for org_id, *numbers in rows:
        found[org_id] = {bucket: n for bucket, n in zip(ordered, numbers, strict=True) if n}
    return found


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
    counts: dict = {}
    if used:
        where = (
            subtree_q("organization__path", within)
            if within is not None
            else Q(organization__in=[o.pk for o in checked])
        )
        counts = held_counts(
            where,
            {
                (rule.meeting_kind_id, p.start, p.end)
                for rule in used.values()
                for p in plans[rule.pk]
            },
        )
    # (rule, [(period, bucket, over)]) per organization kind, so that the loop below does
    # only lookups: thousands of organizations times a dozen periods.
    steps = {
        kind_id: [
            (
                rule,
                [
                    (p, (rule.meeting_kind_id, p.start, p.end), p.end <= today)
                    for p in plans[rule.pk]
                ],
            )
            for rule in rules
        ]
        for kind_id, rules in rules_by_kind.items()
    }
    none: dict = {}
    result = []
    for org in organizations:
        held = counts.get(org.pk, none)
        checks = []
        for rule, periods in steps.get(org.kind_id, ()):
            check = RuleCheck(rule)
            minimum = rule.min_count
            check.periods = [
                (
                    period,
                    n := held.get(bucket, 0),
                    HELD if n >= minimum else MISSING if over else PENDING,
                )
                for period, bucket, over in periods
            ]
            checks.append(check)
        result.append(OrgCompliance(org, checks))
    return result


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
    found = {check.rule.pk: check.rule for row in rows for check in row.checks}
    return sorted(
        found.values(),
        key=lambda r: (r.org_kind.sort_order, r.org_kind_id, r.meeting_kind.sort_order, r.pk),
    )


def summarize(rows: list[OrgCompliance], columns: list[ComplianceRule]) -> Summary:
    per_rule = {rule.pk: RuleSummary(rule) for rule in columns}
    all_met = with_missing = 0
    for row in rows:
        status = row.status
        all_met += status == HELD
        with_missing += status == MISSING
        for check in row.checks:
            line = per_rule[check.rule.pk]
            line.checked += 1
            check_status = check.status
            line.missing += check_status == MISSING
            line.pending += check_status == PENDING
    return Summary(
        checked=len(rows),
        all_met=all_met,
        with_missing=with_missing,
        rules=[per_rule[rule.pk] for rule in columns],
    )

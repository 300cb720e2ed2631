"""Periods in Asia/Shanghai time and the compliance of each rule, at its edges."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from grassroots.meetings.compliance import HELD, MISSING, PENDING, compliance
from grassroots.meetings.enums import MeetingStatus
from grassroots.meetings.models import ComplianceRule, Meeting, MeetingKind
from grassroots.meetings.periods import period_of, period_of_moment, periods_within

UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_meeting_late_on_31_march_belongs_to_the_first_quarter():
    late = datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI).astimezone(UTC)
    assert late.day == 31 and late.hour == 15  # stored as UTC
    assert period_of_moment(late, "quarter").start == date(2026, 1, 1)
    early = datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI).astimezone(UTC)
    assert early.month == 3  # still 31 March in UTC
    assert period_of_moment(early, "quarter").start == date(2026, 4, 1)


def test_periods():
    q4 = period_of(date(2026, 11, 25), "quarter")
    assert (q4.start, q4.end) == (date(2026, 10, 1), date(2027, 1, 1))
    assert [p.start.month for p in periods_within(q4, "month")] == [10, 11, 12]
    year = period_of(date(2026, 2, 28), "year")
    assert len(periods_within(year, "quarter")) == 4
    assert period_of(date(2026, 12, 31), "month").end == date(2027, 1, 1)
    assert q4.label == "2026年第4季度"


def meeting(org, code, when, status=MeetingStatus.HELD):
    return Meeting.objects.create(
        organization=org,
        kind=MeetingKind.objects.get(code=code),
        title=code,
        starts_at=when,
        ends_at=when + timedelta(hours=1),
        status=status,
    )


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_default_rules_come_with_the_migration():
    rules = {
        (r.org_kind.code, r.meeting_kind.code): (r.period, r.min_count)
        for r in ComplianceRule.objects.select_related("org_kind", "meeting_kind")
    }
    assert rules[("branch", "general_meeting")] == ("quarter", 1)
    assert rules[("branch", "committee_meeting")] == ("month", 1)
    assert rules[("party_group", "group_meeting")] == ("month", 1)
    assert rules[("branch", "party_lecture")] == ("quarter", 1)
    assert rules[("branch", "life_meeting")] == ("year", 1)
    assert rules[("branch", "member_appraisal")] == ("year", 1)
    assert rules[("branch", "theme_day")] == ("month", 1)


@pytest.mark.django_db
def test_a_quarter_checks_each_month_of_a_monthly_rule(county):
    branch = county.branch1
    q1 = period_of(date(2026, 1, 1), "quarter")
    meeting(branch, "committee_meeting", local(2026, 1, 10, 9))
    meeting(branch, "committee_meeting", local(2026, 2, 10, 9))
    meeting(branch, "committee_meeting", local(2026, 3, 31, 23, 30))  # Q1 in Shanghai
    meeting(branch, "general_meeting", local(2026, 4, 1, 0, 30))  # Q2 in Shanghai
    meeting(county.branch2, "committee_meeting", local(2026, 3, 5, 9), MeetingStatus.CANCELLED)
    (first, second) = compliance([branch, county.branch2], q1, today=date(2026, 5, 1))
    checks = {c.rule.meeting_kind.code: c for c in first.checks}
    assert checks["committee_meeting"].status == HELD
    assert [n for _p, n, _s in checks["committee_meeting"].periods] == [1, 1, 1]
    assert checks["general_meeting"].status == MISSING  # the 1 April one is Q2's
    assert checks["life_meeting"].status == PENDING  # the year is not over
    assert first.status == MISSING
    by_code = {c.rule.meeting_kind.code: c for c in second.checks}
    assert by_code["committee_meeting"].status == MISSING  # a cancelled meeting counts nothing


@pytest.mark.django_db
def test_a_month_not_over_is_pending_and_kinds_without_rules_have_no_checks(county):
    month = period_of(date(2026, 11, 1), "month")
    (branch, committee) = compliance([county.branch1, county.town], month, today=date(2026, 11, 25))
    checks = {c.rule.meeting_kind.code: c for c in branch.checks}
    assert checks["committee_meeting"].status == PENDING
    # A quarterly rule seen in a month: its quarter so far.
    assert checks["general_meeting"].periods[0][0].start == date(2026, 10, 1)
    assert committee.checks == []


@pytest.mark.django_db
def test_compliance_counts_in_constant_queries(county, django_assert_max_num_queries):
    q1 = period_of(date(2026, 1, 1), "quarter")
    for day in range(1, 20):
        meeting(county.branch1, "committee_meeting", local(2026, 1, day, 9))
        meeting(county.branch2, "theme_day", local(2026, 2, day, 9))
    # The rules, then one count per length of period the kinds are read over (in a quarter
    # view: the quarter for the monthly and quarterly kinds, the year for the yearly ones),
    # whatever the number of meetings and organizations.
    with django_assert_max_num_queries(3):
        compliance([county.branch1, county.branch2, county.community], q1, today=date(2026, 6, 1))

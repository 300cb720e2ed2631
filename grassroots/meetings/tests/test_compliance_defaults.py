"""Each default rule of the 支部工作条例 checked at the edges of its periods in Asia/Shanghai
time; only held meetings count; period names in URLs."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from grassroots.meetings.compliance import HELD, MISSING, PENDING, compliance
from grassroots.meetings.enums import MeetingStatus
from grassroots.meetings.periods import period_from_key, period_of, period_of_moment
from grassroots.orgs.tests.factories import add_org

from .test_compliance import local, meeting

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def checks(org, view, today):
    (row,) = compliance([org], view, today)
    return {c.rule.meeting_kind.code: c for c in row.checks}


def test_late_on_31_march_is_the_first_quarter_and_just_after_midnight_the_second(county):
    late = local(2026, 3, 31, 23, 30)
    assert late.astimezone(UTC) == datetime(2026, 3, 31, 15, 30, tzinfo=UTC)
    early = local(2026, 4, 1, 0, 10)
    assert early.astimezone(UTC).day == 31  # still March in UTC
    assert period_of_moment(late, "quarter").start == date(2026, 1, 1)
    assert period_of_moment(early, "quarter").start == date(2026, 4, 1)
    meeting(county.branch1, "general_meeting", late)
    meeting(county.branch2, "general_meeting", early)
    q1, q2 = period_of(date(2026, 1, 1), "quarter"), period_of(date(2026, 4, 1), "quarter")
    today = date(2026, 8, 1)
    assert checks(county.branch1, q1, today)["general_meeting"].status == HELD
    assert checks(county.branch1, q2, today)["general_meeting"].status == MISSING
    assert checks(county.branch2, q1, today)["general_meeting"].status == MISSING
    assert checks(county.branch2, q2, today)["general_meeting"].status == HELD
    # The same edge for a monthly rule: 31 March 23:30 is March's.
    meeting(county.branch1, "committee_meeting", late)
    march = period_of(date(2026, 3, 1), "month")
    assert checks(county.branch1, march, today)["committee_meeting"].periods[0][1] == 1
    april = period_of(date(2026, 4, 1), "month")
    assert checks(county.branch1, april, today)["committee_meeting"].periods[0][1] == 0


@pytest.mark.parametrize(
    "code, period, held_on, other_period_day",
    [
        ("general_meeting", "quarter", (2026, 2, 10), date(2026, 4, 1)),
        ("party_lecture", "quarter", (2026, 3, 20), date(2026, 4, 1)),
        ("committee_meeting", "month", (2026, 2, 5), date(2026, 3, 1)),
        ("theme_day", "month", (2026, 2, 28, 20), date(2026, 3, 1)),
        ("life_meeting", "year", (2025, 12, 30), date(2026, 1, 1)),
        ("member_appraisal", "year", (2025, 1, 15), date(2026, 1, 1)),
    ],
)
def test_each_default_rule_of_a_branch(county, code, period, held_on, other_period_day):
    meeting(county.branch1, code, local(*held_on, 9) if len(held_on) == 3 else local(*held_on))
    today = date(2027, 2, 1)  # every period looked at is over
    view = period_of(date(*held_on[:3]), period)
    check = checks(county.branch1, view, today)[code]
    assert (check.rule.period, check.rule.min_count) == (period, 1)
    assert (check.status, check.held) == (HELD, 1)
    assert checks(county.branch1, period_of(other_period_day, period), today)[code].status == (
        MISSING
    )
    # Not over yet and not held: pending, never missing.
    current = period_of(other_period_day, period)
    assert checks(county.branch1, current, current.start)[code].status == PENDING


def test_the_monthly_group_meeting_of_a_party_group(county):
    group = add_org(county.branch1, "第一党小组", "party_group")
    meeting(group, "group_meeting", local(2026, 5, 12, 19))
    today = date(2026, 9, 1)
    (row,) = compliance([group], period_of(date(2026, 5, 1), "month"), today)
    assert [(c.rule.meeting_kind.code, c.status) for c in row.checks] == [("group_meeting", HELD)]
    (june,) = compliance([group], period_of(date(2026, 6, 1), "month"), today)
    assert june.checks[0].status == MISSING


def test_scheduled_and_cancelled_meetings_count_nothing(county):
    meeting(county.branch1, "committee_meeting", local(2026, 2, 3, 9), MeetingStatus.SCHEDULED)
    meeting(county.branch1, "committee_meeting", local(2026, 2, 4, 9), MeetingStatus.CANCELLED)
    check = checks(county.branch1, period_of(date(2026, 2, 1), "month"), date(2026, 6, 1))[
        "committee_meeting"
    ]
    assert (check.status, check.held) == (MISSING, 0)


def test_a_year_of_a_monthly_rule_counts_the_months_met(county):
    for month in range(1, 12):  # not December
        meeting(county.branch1, "committee_meeting", local(2025, month, 10, 9))
    check = checks(county.branch1, period_of(date(2025, 1, 1), "year"), date(2026, 6, 1))[
        "committee_meeting"
    ]
    assert (check.met, len(check.periods), check.missed, check.status) == (11, 12, 1, MISSING)
    quarter = checks(county.branch1, period_of(date(2025, 10, 1), "quarter"), date(2026, 6, 1))[
        "committee_meeting"
    ]
    assert (quarter.met, len(quarter.periods)) == (2, 3)
    assert quarter.span == period_of(date(2025, 10, 1), "quarter")


def test_a_longer_rule_in_a_shorter_view_is_checked_over_its_own_period(county):
    meeting(county.branch1, "life_meeting", local(2026, 9, 20, 9))
    march = period_of(date(2026, 3, 1), "month")
    check = checks(county.branch1, march, date(2026, 11, 25))["life_meeting"]
    assert check.span == period_of(date(2026, 1, 1), "year")
    assert check.status == HELD  # held later in the same year
    other = checks(county.branch2, march, date(2026, 11, 25))["life_meeting"]
    assert other.status == PENDING  # the year is not over
    assert checks(county.branch2, march, date(2027, 1, 4))["life_meeting"].status == MISSING


def test_periods_named_in_urls():
    today = date(2026, 11, 25)
    assert period_from_key("month", "2026-03", today).label == "2026年3月"
    assert period_from_key("quarter", "2026-Q2", today).key == "2026-Q2"
    assert period_from_key("quarter", "2026-11", today).key == "2026-Q4"  # switching kind
    assert period_from_key("year", "2026-Q3", today).key == "2026"
    assert period_from_key("month", "2026", today).key == "2026-01"
    for bad in ("", None, "junk", "2026-13", "1900-01", "2026-Q5"):
        assert period_from_key("month", bad, today).key == "2026-11"
    assert period_from_key("weekly", "2026-05", today).period == "month"
    q1 = period_from_key("quarter", "2026-Q1", today)
    assert (q1.shifted(-1).key, q1.shifted(1).key) == ("2025-Q4", "2026-Q2")
    assert period_from_key("month", "2026-12", today).shifted(1).key == "2027-01"
    assert period_from_key("year", "2026", today).shifted(-1).label == "2025年"

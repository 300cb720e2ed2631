"""The held meetings counted for a subtree's compliance are kept between writes: a second
look costs no count, and a meeting held, cancelled or deleted shows at once. Transactional
tests: inside a transaction nothing is cached (see core.versioned)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.meetings.compliance import HELD, MISSING, PENDING
from grassroots.meetings.kinds import ensure_defaults
from grassroots.meetings.models import MeetingKind
from grassroots.meetings.periods import period_of
from grassroots.meetings.selectors.compliance import compliance_overview
from grassroots.meetings.services import meetings as services

pytestmark = pytest.mark.django_db(transaction=True)


def committee_status(user, county, view, today):
    overview = compliance_overview(user, county.root, view, today)
    row = next(r for r in overview.rows if r.organization == county.branch1)
    return dict((rule.meeting_kind.code, status) for rule, status in row.rule_statuses())[
        "committee_meeting"
    ]


def count_queries(user, county, view, today) -> int:
    with CaptureQueriesContext(connection) as captured:
        compliance_overview(user, county.root, view, today)
    return sum('"meetings_meeting"' in q["sql"] for q in captured.captured_queries)


def test_counts_are_kept_until_a_meeting_changes(county, make_user):
    ensure_defaults()
    officer = make_user("org_dept_admin", county.root)
    today = timezone.localdate()
    view = period_of(today, "month")
    now = timezone.now()
    start = max(now - timedelta(minutes=30), view.start_at)
    meeting = services.meeting_create(
        organization=county.branch1,
        kind=MeetingKind.objects.get(code="committee_meeting"),
        actor=officer,
        title="支委会",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="会议室",
    )
    assert committee_status(officer, county, view, today) in (PENDING, MISSING)
    assert count_queries(officer, county, view, today) == 0  # served from the cache

    services.meeting_mark_held(meeting=meeting, actor=officer)
    assert count_queries(officer, county, view, today) >= 1  # counted again after the write
    assert committee_status(officer, county, view, today) == HELD

    meeting.delete()
    assert committee_status(officer, county, view, today) in (PENDING, MISSING)

"""Scheduling meetings: who may, bad input with nothing saved, the moves and the refused ones,
and compliance seen by an officer of a subtree."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.meetings import selectors, services
from grassroots.meetings.compliance import HELD, MISSING
from grassroots.meetings.enums import MeetingStatus
from grassroots.meetings.models import Meeting, MeetingKind
from grassroots.meetings.periods import period_of

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fields(**overrides):
    starts = datetime(2026, 2, 10, 14, 30, tzinfo=SHANGHAI)
    values = {
        "title": "二月支委会",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "place": "党员活动室",
    }
    values.update(overrides)
    return values


@pytest.fixture
def kind():
    return MeetingKind.objects.get(code="committee_meeting")


def test_a_secretary_schedules_and_holds_a_meeting_of_the_branch(county, secretary, kind):
    meeting = services.meeting_create(
        organization=county.branch1, kind=kind, actor=secretary, **fields()
    )
    assert meeting.status == MeetingStatus.SCHEDULED
    services.meeting_mark_held(meeting=meeting, actor=secretary)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    with pytest.raises(ValidationError):  # held is final
        services.meeting_cancel(meeting=meeting, actor=secretary)


def test_another_branch_is_refused(county, secretary, kind, make_user):
    with pytest.raises(PermissionDenied):
        services.meeting_create(organization=county.branch2, kind=kind, actor=secretary, **fields())
    member = make_user("member", county.branch1)
    with pytest.raises(PermissionDenied):
        services.meeting_create(organization=county.branch1, kind=kind, actor=member, **fields())
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"title": "  "}, "title"),
        ({"ends_at": datetime(2026, 2, 10, 14, 0, tzinfo=SHANGHAI)}, "ends_at"),
        ({"place": "", "link": ""}, "place"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(county, secretary, kind, override, field):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            organization=county.branch1, kind=kind, actor=secretary, **fields(**override)
        )
    assert field in error.value.message_dict
    assert not Meeting.objects.exists()


def test_a_cancelled_meeting_cannot_be_changed(county, secretary, kind):
    meeting = services.meeting_create(
        organization=county.branch1, kind=kind, actor=secretary, **fields()
    )
    services.meeting_cancel(meeting=meeting, actor=secretary, reason="改期召开")
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, actor=secretary, title="改名")
    with pytest.raises(ValidationError):
        services.meeting_mark_held(meeting=meeting, actor=secretary)


def test_compliance_of_a_subtree_for_its_officer(county, make_user, kind):
    officer = make_user("committee_admin", county.justice)
    meeting = services.meeting_create(
        organization=county.branch1, kind=kind, actor=officer, **fields()
    )
    services.meeting_mark_held(meeting=meeting, actor=officer)
    february = period_of(date(2026, 2, 1), "month")
    rows = selectors.compliance_for(officer, county.justice, february, today=date(2026, 3, 5))
    assert [r.organization for r in rows] == [county.branch1, county.branch2]
    status = {r.organization: {c.rule.meeting_kind.code: c.status for c in r.checks} for r in rows}
    assert status[county.branch1]["committee_meeting"] == HELD
    assert status[county.branch2]["committee_meeting"] == MISSING
    # Outside the officer's subtree: not found.
    with pytest.raises(Http404):
        selectors.compliance_for(officer, county.town, february)
    assert list(selectors.meetings_for(officer)) == [meeting]
    assert list(selectors.meetings_for(make_user("branch_secretary", county.community))) == []

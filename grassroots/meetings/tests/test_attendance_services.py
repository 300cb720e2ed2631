"""Attendance of a meeting: the QR check-in with every refusal, hand marks with the counters
after each, extra attendees, who may mark, and a person's yearly summary."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.meetings.enums import AttendanceStatus, AttendeeRole, MeetingStatus
from grassroots.meetings.models import Meeting, MeetingAttendance
from grassroots.meetings.selectors.attendance import person_attendance_summary
from grassroots.meetings.services import attendance as services
from grassroots.meetings.tests.test_attendance_support import counters, meeting_of, member, row_of
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(county, make_user):
    return member(make_user, county.branch1)


@pytest.fixture
def meeting(county, alice, bob):
    return meeting_of(county.branch1, [alice.person, bob.person])


def refusal(meeting, user, code, **kwargs):
    with pytest.raises(ValidationError) as error:
        services.meeting_check_in(meeting=meeting, actor=user, **kwargs)
    assert error.value.code == code
    return error.value.messages[0]


# --- The QR check-in ----------------------------------------------------------------------------


def test_a_scan_checks_in_once(meeting, alice):
    first = services.meeting_check_in(meeting=meeting, actor=alice)
    assert first.counted and not first.extra
    assert first.attendance.status == AttendanceStatus.PRESENT
    assert first.attendance.checked_in_at is not None and not first.attendance.by_hand
    again = services.meeting_check_in(meeting=meeting, actor=alice)
    assert not again.counted
    assert again.attendance.checked_in_at == first.attendance.checked_in_at
    assert counters(meeting) == (2, 1, 0, 0)


def test_a_member_on_leave_who_comes_is_present(meeting, alice, secretary):
    services.attendance_mark(
        attendance=row_of(meeting, alice), status="leave", reason="出差", actor=secretary
    )
    assert counters(meeting) == (2, 0, 1, 0)
    assert services.meeting_check_in(meeting=meeting, actor=alice).counted
    assert counters(meeting) == (2, 1, 0, 0)
    assert row_of(meeting, alice).leave_reason == ""


def test_check_in_is_refused_with_a_reason_and_counts_nothing(county, meeting, alice, make_user):
    now = timezone.now()
    message = refusal(meeting, alice, "too_early", now=meeting.starts_at - timedelta(minutes=31))
    assert "签到尚未开始" in message and "30 分钟" in message
    message = refusal(meeting, alice, "too_late", now=meeting.ends_at + timedelta(minutes=31))
    assert "签到已结束" in message
    # Within the grace after the end, still accepted below; cancelled meetings never.
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    assert "已取消" in refusal(meeting, alice, "cancelled")
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
    # An account without a person record.
    assert "未关联人员" in refusal(meeting, make_user(), "no_person")
    # Someone not on the list, and the meeting takes no extra attendees.
    outsider = member(make_user, county.branch1)
    assert "不在本次会议的参会人员名单中" in refusal(meeting, outsider, "not_expected")
    assert not MeetingAttendance.objects.filter(meeting=meeting, person=outsider.person).exists()
    assert counters(meeting) == (2, 0, 0, 0)
    # Just within the grace after the end.
    late = services.meeting_check_in(
        meeting=meeting, actor=alice, now=meeting.ends_at + timedelta(minutes=29)
    )
    assert late.counted
    assert now < meeting.ends_at


def test_a_member_marked_absent_cannot_scan_himself_present(meeting, alice, secretary):
    services.attendance_mark(attendance=row_of(meeting, alice), status="absent", actor=secretary)
    assert "登记为缺席" in refusal(meeting, alice, "marked_absent")
    assert counters(meeting) == (2, 0, 0, 0)


def test_extra_attendees_when_the_meeting_allows_them(county, meeting, make_user):
    Meeting.objects.filter(pk=meeting.pk).update(allow_extra=True)
    guest = member(make_user, county.community)
    result = services.meeting_check_in(meeting=meeting, actor=guest)
    assert result.counted and result.extra
    assert result.attendance.role == AttendeeRole.EXTRA
    assert result.attendance.status == AttendanceStatus.PRESENT
    assert not services.meeting_check_in(meeting=meeting, actor=guest).counted
    # Extra attendees are counted apart: the rate stays present / expected.
    assert counters(meeting) == (2, 0, 0, 1)


def test_a_token_of_one_meeting_names_only_that_meeting(meeting):
    from grassroots.core import checkin

    token = checkin.make_token("meeting", meeting.pk)
    with pytest.raises(ValidationError) as error:
        checkin.read_token(token, "meeting", meeting.pk + 1)
    assert error.value.code == "other_event"
    with pytest.raises(ValidationError):
        checkin.read_token(checkin.make_token("study", meeting.pk), "meeting", meeting.pk)


# --- Hand marks -----------------------------------------------------------------------------------


def test_counters_after_each_hand_mark(meeting, alice, secretary):
    row = row_of(meeting, alice)
    steps = [
        ("present", "", (2, 1, 0, 0)),
        ("leave", "身体不适", (2, 0, 1, 0)),
        ("leave", "家中有事", (2, 0, 1, 0)),  # a new reason, no double count
        ("absent", "", (2, 0, 0, 0)),
        ("present", "", (2, 1, 0, 0)),
        ("present", "", (2, 1, 0, 0)),  # the same again changes nothing
        ("absent", "", (2, 0, 0, 0)),
    ]
    for status, reason, expected in steps:
        row = services.attendance_mark(
            attendance=row, status=status, reason=reason, actor=secretary
        )
        assert counters(meeting) == expected, (status, reason)
    row.refresh_from_db()
    assert row.by_hand and row.marked_by == secretary and row.checked_in_at is None


def test_hand_marks_refused(meeting, alice, secretary):
    row = row_of(meeting, alice)
    with pytest.raises(ValidationError) as error:
        services.attendance_mark(attendance=row, status="leave", actor=secretary)
    assert "请填写请假事由" in str(error.value)
    with pytest.raises(ValidationError):
        services.attendance_mark(attendance=row, status="expected", actor=secretary)
    with pytest.raises(ValidationError) as error:
        services.attendance_mark(attendance=row, status="leave", reason="长" * 201, actor=secretary)
    # Before check-in opens only leave can be recorded.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    with pytest.raises(ValidationError) as error:
        services.attendance_mark(attendance=row, status="present", actor=secretary)
    assert "只能登记请假" in str(error.value)
    services.attendance_mark(attendance=row, status="leave", reason="出差", actor=secretary)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.attendance_mark(attendance=row, status="absent", actor=secretary)
    assert counters(meeting) == (2, 0, 1, 0)


def test_who_may_mark(county, meeting, alice, bob, make_user):
    row = row_of(meeting, alice)
    for outsider in (
        alice,  # a member on the list
        make_user("branch_secretary", county.branch2),  # another branch's secretary
        make_user("discipline_inspector", county.root),  # may view, not manage
    ):
        with pytest.raises(PermissionDenied):
            services.attendance_mark(attendance=row, status="present", actor=outsider)
        with pytest.raises(PermissionDenied):
            services.attendance_mark_all_present(meeting=meeting, actor=outsider)
    # The committee above manages it; so does the meeting's recorder (记录人) with an account.
    services.attendance_mark(
        attendance=row, status="present", actor=make_user("committee_admin", county.justice)
    )
    Meeting.objects.filter(pk=meeting.pk).update(recorder=bob.person)
    meeting.refresh_from_db()
    services.attendance_mark(attendance=row_of(meeting, bob), status="present", actor=bob)
    assert counters(meeting) == (2, 2, 0, 0)


def test_all_waiting_present_then_the_rest_absent(county, secretary, make_user):
    people = [PersonFactory(primary_org=county.branch1) for _ in range(5)]
    guest = PersonFactory(primary_org=county.branch2)
    meeting = meeting_of(county.branch1, people, [guest])
    rows = {r.person_id: r for r in MeetingAttendance.objects.filter(meeting=meeting)}
    services.attendance_mark(
        attendance=rows[people[0].pk], status="leave", reason="病假", actor=secretary
    )
    services.attendance_mark(attendance=rows[people[1].pk], status="absent", actor=secretary)
    services.attendance_mark(attendance=rows[people[2].pk], status="present", actor=secretary)
    assert counters(meeting) == (6, 1, 1, 0)
    with pytest.raises(ValidationError) as error:  # the meeting has not ended
        services.attendance_mark_rest_absent(meeting=meeting, actor=secretary)
    assert "会议结束后" in str(error.value)
    assert services.attendance_mark_all_present(meeting=meeting, actor=secretary) == 3
    assert counters(meeting) == (6, 4, 1, 0)
    assert services.attendance_mark_all_present(meeting=meeting, actor=secretary) == 0
    assert counters(meeting) == (6, 4, 1, 0)
    # Another meeting, after its end: the rest are absent; nobody on leave moves.
    later = meeting_of(county.branch1, people, starts_at=timezone.now() - timedelta(hours=3))
    row = MeetingAttendance.objects.get(meeting=later, person=people[0])
    services.attendance_mark(attendance=row, status="leave", reason="病假", actor=secretary)
    assert services.attendance_mark_rest_absent(meeting=later, actor=secretary) == 4
    assert counters(later) == (5, 0, 1, 0)
    statuses = sorted(
        MeetingAttendance.objects.filter(meeting=later).values_list("status", flat=True)
    )
    assert statuses == ["absent"] * 4 + ["leave"]


def test_all_present_refused_before_check_in_opens(county, secretary, alice):
    meeting = meeting_of(
        county.branch1, [alice.person], starts_at=timezone.now() + timedelta(hours=2)
    )
    with pytest.raises(ValidationError):
        services.attendance_mark_all_present(meeting=meeting, actor=secretary)
    assert counters(meeting) == (1, 0, 0, 0)


def test_an_extra_attendee_added_by_hand(county, meeting, alice, secretary, make_user):
    guest = PersonFactory(primary_org=county.branch1)
    row = services.attendance_add_extra(meeting=meeting, person=guest, actor=secretary)
    assert (row.role, row.status, row.by_hand) == ("extra", "present", True)
    assert counters(meeting) == (2, 0, 0, 1)
    with pytest.raises(ValidationError) as error:  # already on the list
        services.attendance_add_extra(meeting=meeting, person=guest, actor=secretary)
    assert "已在参会名单中" in str(error.value)
    with pytest.raises(ValidationError):
        services.attendance_add_extra(meeting=meeting, person=alice.person, actor=secretary)
    # Someone of another county unit, outside the secretary's scope.
    stranger = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as error:
        services.attendance_add_extra(meeting=meeting, person=stranger, actor=secretary)
    assert "不在您的管理范围内" in str(error.value)
    with pytest.raises(ValidationError):  # extras are removed, not marked
        services.attendance_mark(attendance=row, status="absent", actor=secretary)
    services.attendance_remove_extra(attendance=row, actor=secretary)
    assert counters(meeting) == (2, 0, 0, 0)
    with pytest.raises(ValidationError):  # a member of the list is not removed
        services.attendance_remove_extra(attendance=row_of(meeting, alice), actor=secretary)
    with pytest.raises(PermissionDenied):
        services.attendance_add_extra(meeting=meeting, person=guest, actor=alice)


# --- A person's year ------------------------------------------------------------------------------


def test_a_persons_attendance_summary_in_one_query(
    county, alice, secretary, django_assert_num_queries
):
    now = timezone.now()
    year = timezone.localdate(now).year
    others = [PersonFactory(primary_org=county.branch1)]
    past = [
        meeting_of(county.branch1, [alice.person, *others], starts_at=now - timedelta(hours=3 + i))
        for i in range(4)
    ]
    services.attendance_mark(attendance=row_of(past[0], alice), status="present", actor=secretary)
    services.attendance_mark(attendance=row_of(past[1], alice), status="present", actor=secretary)
    services.attendance_mark(
        attendance=row_of(past[2], alice), status="leave", reason="出差", actor=secretary
    )
    # Not counted: a cancelled meeting, one still to come, one of last year.
    cancelled = meeting_of(county.branch1, [alice.person], starts_at=now - timedelta(hours=2))
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    meeting_of(county.branch1, [alice.person], starts_at=now + timedelta(hours=5))
    last_year = timezone.make_aware(datetime(year - 1, 6, 1, 10, 0))
    meeting_of(county.branch1, [alice.person], starts_at=last_year)
    # Extra attendance elsewhere is counted apart.
    other = meeting_of(county.branch2, [], starts_at=now - timedelta(hours=1))
    MeetingAttendance.objects.create(
        meeting=other, person=alice.person, role="extra", status="present"
    )
    with django_assert_num_queries(1):
        summary = person_attendance_summary(alice.person, year, now=now)
    assert (summary.expected, summary.present, summary.leave, summary.absent, summary.extra) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert summary.rate == 0.5 and summary.rate_percent == 50
    empty = person_attendance_summary(alice.person, year - 5, now=now)
    assert empty.expected == 0 and empty.rate is None

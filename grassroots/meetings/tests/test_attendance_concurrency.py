"""Scans at the same instant on a real database with several connections: a check-in counts
once, an extra attendee is recorded once, a scan during 'everyone present' counts once."""

import pytest
from django.db import connection

from grassroots.core.testing import together
from grassroots.meetings.models import Meeting, MeetingAttendance
from grassroots.meetings.services import attendance as services
from grassroots.meetings.tests.test_attendance_support import counters, meeting_of, member

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_scans_count_once(county, make_user):
    alice = member(make_user, county.branch1)
    meeting = meeting_of(county.branch1, [alice.person])
    results = together(4, lambda i: services.meeting_check_in(meeting=meeting, actor=alice))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.counted) == 1
    assert counters(meeting) == (1, 1, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_scans_of_someone_on_leave_count_once(county, make_user):
    alice = member(make_user, county.branch1)
    meeting = meeting_of(county.branch1, [alice.person])
    MeetingAttendance.objects.filter(meeting=meeting).update(status="leave", leave_reason="出差")
    Meeting.objects.filter(pk=meeting.pk).update(leave_count=1)
    results = together(4, lambda i: services.meeting_check_in(meeting=meeting, actor=alice))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.counted) == 1
    assert counters(meeting) == (1, 1, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_scans_of_an_extra_attendee_record_one_row(county, make_user):
    guest = member(make_user, county.community)
    meeting = meeting_of(county.branch1, [], allow_extra=True)
    results = together(4, lambda i: services.meeting_check_in(meeting=meeting, actor=guest))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.counted) == 1
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == 1
    assert counters(meeting) == (0, 0, 0, 1)


@pytest.mark.django_db(transaction=True)
def test_a_scan_during_everyone_present_counts_once(county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    people = [member(make_user, county.branch1) for _ in range(3)]
    meeting = meeting_of(county.branch1, [u.person for u in people])

    def work(index):
        if index == 0:
            return services.attendance_mark_all_present(meeting=meeting, actor=secretary)
        return services.meeting_check_in(meeting=meeting, actor=people[index - 1])

    results = together(4, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    scanned = sum(1 for r in results[1:] if r.counted)
    assert results[0] + scanned == 3
    assert counters(meeting) == (3, 3, 0, 0)

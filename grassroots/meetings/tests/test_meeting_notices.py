"""The list of a meeting, its notice, the members' answers and the day-before reminder: who is
expected, who may do what, the counters kept exact, and what reaches the inbox."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.core.testing import at_once
from grassroots.meetings import reminders as meeting_reminders  # registers the job
from grassroots.meetings.enums import AttendanceStatus, AttendeeRole, MeetingStatus, Rsvp
from grassroots.meetings.kinds import ensure_defaults
from grassroots.meetings.models import Meeting, MeetingAttendance, MeetingKind
from grassroots.meetings.services import meetings as services
from grassroots.notifications import reminders
from grassroots.notifications.models import Notification
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fields(starts=None, **overrides):
    starts = starts or timezone.now() + timedelta(days=3)
    values = {
        "title": "支部党员大会",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "党员活动室",
    }
    values.update(overrides)
    return values


def person_with_account(make_user, organization, role=None, **person):
    someone = PersonFactory(primary_org=organization, **person)
    if role:
        return make_user(role, organization, person=someone)
    return make_user(person=someone)


def inbox(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def rows(meeting):
    return {
        a.person_id: a
        for a in MeetingAttendance.objects.filter(meeting=meeting).select_related("person")
    }


@pytest.fixture
def kind():
    return MeetingKind.objects.get(code="general_meeting")


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def members(county, make_user):
    """Two members of branch 1 with accounts, one without, one who left; one of branch 2."""
    return {
        "a": person_with_account(make_user, county.branch1),
        "b": person_with_account(make_user, county.branch1),
        "no_account": PersonFactory(primary_org=county.branch1),
        "gone": PersonFactory(primary_org=county.branch1, status=PersonStatus.LEFT),
        "other": person_with_account(make_user, county.branch2),
    }


def create(county, secretary, kind, **extra):
    return services.meeting_create(
        organization=county.branch1, kind=kind, actor=secretary, **{**fields(), **extra}
    )


# --- The list of the people expected --------------------------------------------------------


def test_the_active_people_of_the_organization_are_expected(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    listed = rows(meeting)
    assert set(listed) == {
        members["a"].person_id,
        members["b"].person_id,
        members["no_account"].pk,
    }
    assert {a.role for a in listed.values()} == {AttendeeRole.MEMBER}
    assert {a.status for a in listed.values()} == {AttendanceStatus.EXPECTED}
    meeting.refresh_from_db()
    assert meeting.expected_count == 3
    assert meeting.notified_at is None
    assert not Notification.objects.exists()


def test_invited_people_sit_in_and_a_member_is_listed_once(county, make_user, kind, members):
    committee = make_user("committee_admin", county.justice)
    guest = PersonFactory(primary_org=county.branch2)
    meeting = services.meeting_create(
        organization=county.branch1,
        kind=kind,
        actor=committee,
        invited=[guest, members["a"].person],
        **fields(),
    )
    listed = rows(meeting)
    assert listed[guest.pk].role == AttendeeRole.INVITED
    assert listed[members["a"].person_id].role == AttendeeRole.MEMBER
    meeting.refresh_from_db()
    assert meeting.expected_count == 4


def test_invited_people_outside_the_managers_view_are_refused(county, secretary, kind):
    stranger = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as error:
        create(county, secretary, kind, invited=[stranger])
    assert "invited" in error.value.message_dict
    assert not Meeting.objects.exists()
    assert not MeetingAttendance.objects.exists()


def test_bad_input_saves_no_meeting_and_no_list(county, secretary, kind, members):
    with pytest.raises(ValidationError) as error:
        create(county, secretary, kind, place="", link="")
    assert "place" in error.value.message_dict
    assert not Meeting.objects.exists() and not MeetingAttendance.objects.exists()


def test_update_adds_and_drops_invited_people_and_keeps_the_counters(
    county, make_user, kind, members
):
    committee = make_user("committee_admin", county.justice)
    first, second, third = (PersonFactory(primary_org=county.branch2) for _i in range(3))
    meeting = services.meeting_create(
        organization=county.branch1, kind=kind, actor=committee, invited=[first, second], **fields()
    )
    # `second` asks for leave; dropping them takes their leave out of the count as well.
    second_user = make_user(person=second)
    services.meeting_rsvp(meeting=meeting, actor=second_user, answer=Rsvp.LEAVE, reason="出差")
    meeting.refresh_from_db()
    assert (meeting.expected_count, meeting.leave_count) == (5, 1)
    meeting = services.meeting_update(meeting=meeting, actor=committee, invited=[first, third])
    assert (meeting.expected_count, meeting.leave_count) == (5, 0)
    invited = set(
        MeetingAttendance.objects.filter(meeting=meeting, role=AttendeeRole.INVITED).values_list(
            "person_id", flat=True
        )
    )
    assert invited == {first.pk, third.pk}
    # The same list again changes nothing; an empty one drops them all.
    services.meeting_update(meeting=meeting, actor=committee, invited=[first, third])
    meeting = services.meeting_update(meeting=meeting, actor=committee, invited=[])
    assert meeting.expected_count == 3
    # Once held, the invited people stay as they were.
    services.meeting_mark_held(meeting=meeting, actor=committee)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, actor=committee, invited=[first])
    assert "invited" in error.value.message_dict


def test_someone_who_signed_in_cannot_be_dropped(county, make_user, kind):
    committee = make_user("committee_admin", county.justice)
    guest = PersonFactory(primary_org=county.branch2)
    meeting = services.meeting_create(
        organization=county.branch1, kind=kind, actor=committee, invited=[guest], **fields()
    )
    # What the check-in service does: the row and the counter in one transaction.
    MeetingAttendance.objects.filter(meeting=meeting, person=guest).update(
        status=AttendanceStatus.PRESENT
    )
    Meeting.objects.filter(pk=meeting.pk).update(present_count=1)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, actor=committee, invited=[])
    assert guest.name in error.value.message_dict["invited"][0]


def test_the_lecturer_belongs_to_a_party_lecture_only(county, secretary, kind):
    lecture = MeetingKind.objects.get(code="party_lecture")
    meeting = create(county, secretary, lecture, lecturer="张书记")
    assert meeting.lecturer == "张书记"
    meeting = services.meeting_update(meeting=meeting, actor=secretary, kind=kind)
    meeting.refresh_from_db()
    assert meeting.kind == kind and meeting.lecturer == ""


def test_host_and_recorder_must_be_people_the_manager_sees(county, secretary, kind, members):
    meeting = create(county, secretary, kind, host=members["a"].person)
    assert meeting.host == members["a"].person
    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, actor=secretary, recorder=members["other"].person)
    assert "recorder" in error.value.message_dict


def test_other_branch_and_members_may_not_schedule_or_change(county, secretary, kind, members):
    other = PersonFactory(primary_org=county.branch2)
    other_secretary = members["other"]
    from grassroots.core.testing import grant

    grant(other_secretary, "branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            organization=county.branch1, kind=kind, actor=other_secretary, **fields()
        )
    meeting = create(county, secretary, kind)
    for actor in (other_secretary, members["a"]):
        with pytest.raises(PermissionDenied):
            services.meeting_update(meeting=meeting, actor=actor, invited=[other])
        with pytest.raises(PermissionDenied):
            services.meeting_send_notice(meeting=meeting, actor=actor)
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(meeting=meeting, actor=actor, reason="不开了")
        with pytest.raises(PermissionDenied):
            services.meeting_mark_held(meeting=meeting, actor=actor)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.expected_count == 3


# --- The notice ---------------------------------------------------------------------------------


def test_the_notice_reaches_everyone_expected_with_an_account(
    county, make_user, secretary, kind, members
):
    guest = person_with_account(make_user, county.justice)
    committee = make_user("committee_admin", county.justice)
    meeting = services.meeting_create(
        organization=county.branch1,
        kind=kind,
        actor=committee,
        invited=[guest.person],
        **fields(link="https://meeting.example.cn/123"),
    )
    before = timezone.now()
    meeting = services.meeting_send_notice(meeting=meeting, actor=secretary)
    assert meeting.notified_at >= before
    for user in (members["a"], members["b"], guest):
        [note] = inbox(user, "meetings.meeting_notice")
        assert note.url == f"/meetings/{meeting.pk}/"
        assert meeting.title in note.title and "支部党员大会" in note.title
        assert "党员活动室" in note.body and "https://meeting.example.cn/123" in note.body
        local = timezone.localtime(meeting.starts_at)
        assert f"{local.year}年{local.month}月{local.day}日" in note.body
    assert not inbox(members["other"], "meetings.meeting_notice")
    # Sent again: everyone gets it again, and the page says when.
    again = services.meeting_send_notice(meeting=meeting, actor=secretary)
    assert again.notified_at >= meeting.notified_at
    assert len(inbox(members["a"], "meetings.meeting_notice")) == 2


def test_the_notice_can_go_out_with_the_scheduling(county, secretary, kind, members):
    meeting = create(county, secretary, kind, send_notice=True)
    assert Meeting.objects.get(pk=meeting.pk).notified_at is not None
    assert len(inbox(members["a"], "meetings.meeting_notice")) == 1
    # A meeting recorded after the fact: no notice.
    past = create(county, secretary, kind, send_notice=True, **fields(at(date(2026, 3, 3))))
    assert Meeting.objects.get(pk=past.pk).notified_at is None
    assert len(inbox(members["a"], "meetings.meeting_notice")) == 1


def test_no_notice_for_a_cancelled_or_ended_meeting(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    with pytest.raises(ValidationError):
        services.meeting_send_notice(
            meeting=meeting, actor=secretary, now=meeting.ends_at + timedelta(minutes=1)
        )
    services.meeting_cancel(meeting=meeting, actor=secretary, reason="与县委会议冲突")
    with pytest.raises(ValidationError):
        services.meeting_send_notice(meeting=meeting, actor=secretary)
    assert not inbox(members["a"], "meetings.meeting_notice")


def test_cancelling_needs_a_reason_and_tells_the_people_expected(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    with pytest.raises(ValidationError) as error:
        services.meeting_cancel(meeting=meeting, actor=secretary, reason="  ")
    assert "reason" in error.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    meeting = services.meeting_cancel(meeting=meeting, actor=secretary, reason="与县委会议冲突")
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "与县委会议冲突"
    [note] = inbox(members["a"], "meetings.meeting_cancelled")
    assert "与县委会议冲突" in note.body
    assert not inbox(members["other"], "meetings.meeting_cancelled")


def test_a_meeting_someone_signed_in_to_cannot_be_cancelled(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    Meeting.objects.filter(pk=meeting.pk).update(present_count=1)
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, actor=secretary, reason="改期")


# --- Answers (RSVP) ---------------------------------------------------------------------------


def test_a_member_answers_leave_and_then_attending(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    a = members["a"]
    row = services.meeting_rsvp(meeting=meeting, actor=a, answer=Rsvp.LEAVE, reason="外出公务")
    assert (row.rsvp, row.status, row.leave_reason) == (Rsvp.LEAVE, "leave", "外出公务")
    assert row.rsvp_at is not None
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 1
    # Changing the reason counts nothing twice.
    services.meeting_rsvp(meeting=meeting, actor=a, answer=Rsvp.LEAVE, reason="下乡调研")
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 1
    row = services.meeting_rsvp(meeting=meeting, actor=a, answer=Rsvp.ATTENDING)
    assert (row.rsvp, row.status, row.leave_reason) == (Rsvp.ATTENDING, "expected", "")
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 0
    row = services.meeting_rsvp(meeting=meeting, actor=members["b"], answer=Rsvp.ATTENDING)
    assert row.status == AttendanceStatus.EXPECTED
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 0


def test_leave_needs_a_reason(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    with pytest.raises(ValidationError) as error:
        services.meeting_rsvp(meeting=meeting, actor=members["a"], answer=Rsvp.LEAVE, reason=" ")
    assert error.value.message_dict["reason"] == ["请假须填写事由。"]
    row = MeetingAttendance.objects.get(meeting=meeting, person=members["a"].person)
    assert (row.rsvp, row.status) == (Rsvp.NONE, AttendanceStatus.EXPECTED)
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 0


def test_only_the_people_on_the_list_answer_for_themselves(
    county, secretary, kind, members, make_user
):
    meeting = create(county, secretary, kind)
    with pytest.raises(PermissionDenied):  # not on the list
        services.meeting_rsvp(meeting=meeting, actor=members["other"], answer=Rsvp.ATTENDING)
    with pytest.raises(PermissionDenied):  # the secretary has no person, let alone a row
        services.meeting_rsvp(meeting=meeting, actor=secretary, answer=Rsvp.ATTENDING)


def test_no_answer_after_the_end_or_to_a_cancelled_meeting(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    with pytest.raises(ValidationError):
        services.meeting_rsvp(
            meeting=meeting,
            actor=members["a"],
            answer=Rsvp.LEAVE,
            reason="出差",
            now=meeting.ends_at,
        )
    # Until the end a late leave is still taken (the meeting has started).
    services.meeting_rsvp(
        meeting=meeting,
        actor=members["a"],
        answer=Rsvp.LEAVE,
        reason="临时出差",
        now=meeting.starts_at + timedelta(minutes=10),
    )
    services.meeting_cancel(meeting=meeting, actor=secretary, reason="改期")
    with pytest.raises(ValidationError):
        services.meeting_rsvp(meeting=meeting, actor=members["b"], answer=Rsvp.ATTENDING)


def test_who_signed_in_cannot_ask_for_leave(county, secretary, kind, members):
    meeting = create(county, secretary, kind)
    MeetingAttendance.objects.filter(meeting=meeting, person=members["a"].person).update(
        status=AttendanceStatus.PRESENT
    )
    with pytest.raises(ValidationError):
        services.meeting_rsvp(meeting=meeting, actor=members["a"], answer=Rsvp.LEAVE, reason="忙")
    assert Meeting.objects.get(pk=meeting.pk).leave_count == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_count_leave_once(county, make_user):
    ensure_defaults()  # a transactional test starts from an empty database
    kind = MeetingKind.objects.get(code="general_meeting")
    secretary = make_user("branch_secretary", county.branch1)
    users = [person_with_account(make_user, county.branch1) for _i in range(4)]
    meeting = create(county, secretary, kind)
    # Each member twice at the same moment: four on leave, counted once each.
    results = at_once(
        *[
            lambda u=u: services.meeting_rsvp(
                meeting=meeting, actor=u, answer=Rsvp.LEAVE, reason="出差"
            )
            for u in users + users
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    meeting.refresh_from_db()
    assert meeting.leave_count == 4
    assert MeetingAttendance.objects.filter(meeting=meeting, status="leave").count() == 4


# --- The day-before reminder ----------------------------------------------------------------------


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_the_reminder_job_is_registered():
    assert meeting_reminders.JOB_KEY in {job.key for job in reminders.jobs()}


def test_meetings_before_the_end_of_the_next_working_day_are_reminded_once(
    county, secretary, kind, members
):
    # Wednesday 2026-09-30; the next working day is Thursday 2026-10-08 (National Day week).
    holiday = create(county, secretary, kind, **fields(at(date(2026, 10, 3)), title="节日会"))
    after = create(county, secretary, kind, **fields(at(date(2026, 10, 8), 15), title="节后会"))
    too_far = create(county, secretary, kind, **fields(at(date(2026, 10, 9)), title="远期会"))
    cancelled = create(county, secretary, kind, **fields(at(date(2026, 10, 8)), title="取消会"))
    services.meeting_cancel(meeting=cancelled, actor=secretary, reason="改期")
    for meeting in (holiday, after, too_far):
        services.meeting_rsvp(
            meeting=meeting,
            actor=members["b"],
            answer=Rsvp.LEAVE,
            reason="出差",
            now=at(date(2026, 9, 29)),
        )

    sent = reminders.run_due(date(2026, 9, 30))
    assert sent[meeting_reminders.JOB_KEY] == 2
    titles = {n.title for n in inbox(members["a"], "meetings.meeting_soon")}
    assert titles == {"会议提醒：10-03 09:00 节日会", "会议提醒：10-08 15:00 节后会"}
    assert not inbox(members["b"], "meetings.meeting_soon")  # on leave
    assert not inbox(members["other"], "meetings.meeting_soon")
    # Run again (a second worker, a restart): nothing goes out twice.
    assert reminders.run_due(date(2026, 9, 30))[meeting_reminders.JOB_KEY] == 0
    # Nothing runs on the holiday itself; on the 8th the meeting of the 9th is due.
    assert reminders.run_due(date(2026, 10, 1)) == {}
    assert reminders.run_due(date(2026, 10, 8))[meeting_reminders.JOB_KEY] == 1
    assert len(inbox(members["a"], "meetings.meeting_soon")) == 3

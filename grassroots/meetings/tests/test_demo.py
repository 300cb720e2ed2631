"""The demo county's organizational life: compliance with red and green cells, the meeting
under way to check in to, tomorrow's notice, counters equal to their rows, the minutes, the
activities with a waiting list and volunteer hours, and a pairing idle this quarter."""

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from grassroots.core import registry
from grassroots.core.testing import demo_county_with
from grassroots.meetings import demo as meetings_demo
from grassroots.meetings.compliance import HELD, MISSING, compliance
from grassroots.meetings.enums import (
    ActivityKind,
    ActivityStatus,
    AttendanceStatus,
    MeetingStatus,
    Period,
    Rsvp,
    SignupStatus,
)
from grassroots.meetings.models import (
    Activity,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    Minutes,
    MinutesRevision,
    Pairing,
    VolunteerCredit,
)
from grassroots.meetings.periods import period_of
from grassroots.meetings.selectors.pairings import with_quarter_counts
from grassroots.meetings.services import activities as activity_services
from grassroots.meetings.services import attendance as attendance_services
from grassroots.meetings.services import meetings as meeting_services
from grassroots.notifications.models import Notification
from grassroots.orgs.models import Organization

pytestmark = pytest.mark.django_db

EXPECTED = ("member", "invited")


@pytest.fixture(scope="module")
def _county(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county with this app's step only."""
    step = registry.DemoStep("meetings", meetings_demo.ORDER, meetings_demo.populate)
    yield from demo_county_with(step, django_db_blocker, tmp_path_factory)


@pytest.fixture
def demo(_county, db):
    from grassroots.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def test_the_step_is_registered_after_study():
    steps = {s.key: s.order for s in registry.demo_steps.items()}
    assert steps["meetings"] > steps["study"]


def test_compliance_of_the_county_has_held_and_missing_cells(demo):
    today = timezone.localdate()
    previous = period_of(today, Period.QUARTER).shifted(-1)
    checked = list(
        Organization.objects.filter(kind__code__in=["branch", "party_group"]).select_related("kind")
    )
    rows = {row.organization.name: row for row in compliance(checked, previous, today)}
    statuses = {
        (name, check.rule.meeting_kind.code): check.status
        for name, row in rows.items()
        for check in row.checks
    }
    # The demo branch kept every rule; the surgery branch gave no party lecture last quarter.
    assert rows["县司法局第一党支部"].status == HELD
    assert statuses[("县人民医院外科党支部", "party_lecture")] == MISSING
    assert statuses[("县司法局第一党支部", "party_lecture")] == HELD
    held = sum(1 for s in statuses.values() if s == HELD)
    missing = sum(1 for s in statuses.values() if s == MISSING)
    assert held > 10 * missing > 0
    # Everybody else kept the rules in the last months; two branches missed meetings, one
    # called one off and a party group skipped last month's.
    red = set()
    for view in (previous, *(period_of(today, Period.MONTH).shifted(-n) for n in range(1, 5))):
        red |= {
            row.organization.name
            for row in compliance(checked, view, today)
            if row.status == MISSING
        }
    assert red == {"石门村党支部", "柳树湾村党支部", "县人民医院外科党支部", "河口村第二党小组"}
    # A meeting called off counts nothing and keeps its reason.
    cancelled = Meeting.objects.get(status=MeetingStatus.CANCELLED)
    assert cancelled.cancel_reason and cancelled.organization.name == "柳树湾村党支部"


def test_the_member_checks_in_to_the_meeting_under_way(demo):
    member, secretary = demo["dy"], demo["sj"]
    now = timezone.now()
    under_way = Meeting.objects.get(
        organization__name="县司法局第一党支部",
        status=MeetingStatus.SCHEDULED,
        starts_at__lte=now,
        ends_at__gt=now,
    )
    assert under_way.notified_at is not None
    row = MeetingAttendance.objects.get(meeting=under_way, person=member.person)
    assert row.status == AttendanceStatus.EXPECTED
    before = under_way.present_count
    assert before == 1  # the secretary scanned already
    assert MeetingAttendance.objects.get(meeting=under_way, person=secretary.person).checked_in_at

    result = attendance_services.meeting_check_in(meeting=under_way, actor=member)
    assert result.counted
    again = attendance_services.meeting_check_in(meeting=under_way, actor=member)
    assert not again.counted
    under_way.refresh_from_db()
    assert under_way.present_count == before + 1

    # Tomorrow's party lecture: noticed, and the member may ask for leave.
    tomorrow = Meeting.objects.get(
        organization__name="县司法局第一党支部",
        status=MeetingStatus.SCHEDULED,
        starts_at__gt=now,
    )
    assert tomorrow.kind.code == "party_lecture" and tomorrow.lecturer
    assert (
        Notification.objects.filter(recipient=member, kind="meetings.meeting_notice").count() == 2
    )
    answer = meeting_services.meeting_rsvp(
        meeting=tomorrow, actor=member, answer=Rsvp.LEAVE, reason="出差"
    )
    assert answer.status == AttendanceStatus.LEAVE
    tomorrow.refresh_from_db()
    assert tomorrow.leave_count == 1


def test_every_counter_equals_its_rows(demo, django_assert_num_queries):
    in_list = Q(attendances__role__in=EXPECTED)
    with django_assert_num_queries(1):
        wrong = list(
            Meeting.objects.annotate(
                n_expected=Count("attendances", filter=in_list),
                n_present=Count("attendances", filter=in_list & Q(attendances__status="present")),
                n_leave=Count("attendances", filter=in_list & Q(attendances__status="leave")),
                n_extra=Count("attendances", filter=Q(attendances__role="extra")),
            )
            .exclude(
                expected_count=F("n_expected"),
                present_count=F("n_present"),
                leave_count=F("n_leave"),
                extra_count=F("n_extra"),
            )
            .values_list("pk", flat=True)
        )
    assert wrong == []
    assert Meeting.objects.count() > 100
    assert (
        MeetingAttendance.objects.filter(status=AttendanceStatus.LEAVE)
        .exclude(leave_reason="")
        .count()
        == MeetingAttendance.objects.filter(status=AttendanceStatus.LEAVE).count()
        > 0
    )
    wrong_activities = (
        Activity.objects.annotate(
            n_confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            n_waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
            n_present=Count("signups", filter=Q(signups__checked_in_at__isnull=False)),
        )
        .exclude(
            confirmed_count=F("n_confirmed"),
            waiting_count=F("n_waiting"),
            present_count=F("n_present"),
        )
        .count()
    )
    assert wrong_activities == 0


def test_minutes_revisions_photo_and_lecturers(demo):
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    published = Minutes.objects.filter(revision__gte=1)
    assert published.count() > held.count() * 0.8
    # Every published version is kept; one of the demo branch's was revised.
    assert MinutesRevision.objects.count() == sum(published.values_list("revision", flat=True))
    revised = Minutes.objects.get(revision=2)
    assert revised.meeting.organization.name == "县司法局第一党支部"
    assert revised.revisions.get(number=2).reason
    assert all(m.decision_lines for m in published.exclude(meeting__kind__code="party_lecture"))
    photo = MeetingAttachment.objects.get()
    assert photo.is_image and photo.meeting.organization.name == "县司法局第一党支部"
    assert not held.filter(kind__code="party_lecture", lecturer="").exists()


def test_activities_waiting_list_and_volunteer_hours(demo):
    member = demo["dy"]
    assert VolunteerCredit.objects.filter(person=member.person, hours__gt=0).exists()
    upcoming = Activity.objects.get(status=ActivityStatus.OPEN, kind=ActivityKind.VOLUNTEER)
    assert (upcoming.capacity, upcoming.confirmed_count, upcoming.waiting_count) == (5, 5, 1)
    signup = activity_services.activity_sign_up(activity=upcoming, actor=member)
    assert signup.status == SignupStatus.WAITING
    kinds = set(
        Activity.objects.filter(status=ActivityStatus.HELD, pairing=None).values_list(
            "kind", flat=True
        )
    )
    assert {ActivityKind.VOLUNTEER, ActivityKind.CULTURE, ActivityKind.VISIT} <= kinds
    assert Activity.objects.get(kind=ActivityKind.VISIT, pairing=None).report


def test_one_pairing_did_nothing_this_quarter(demo):
    year = timezone.localdate().year
    rows = with_quarter_counts(Pairing.objects.select_related("unit"), year)
    this_quarter = {p.unit.name: p.this_quarter for p in rows}
    assert len(this_quarter) == 3
    assert this_quarter["县财政局党支部"] == 0
    assert this_quarter["县司法局第一党支部"] >= 1
    assert Activity.objects.filter(pairing__isnull=False, status=ActivityStatus.HELD).count() >= 6

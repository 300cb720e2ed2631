"""Activity services: scheduling with its refusals, sign-up with a capacity and a waiting list,
check-in once, volunteer hours credited once, cancellation, photos and the report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.meetings.models import Activity, ActivityPhoto, ActivitySignup, VolunteerCredit
from grassroots.meetings.services import activities as services
from grassroots.notifications.models import Notification

from .test_activities_support import activity_of, member, png_file, running, volunteer_activity

pytestmark = pytest.mark.django_db


def values(**overrides):
    starts = timezone.now() + timedelta(days=2)
    data = {
        "kind": "culture",
        "title": "  迎新春文艺汇演  ",
        "place": "党群服务中心",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "signup_deadline": starts - timedelta(days=1),
        "capacity": 30,
        "volunteer_hours": None,
    }
    data.update(overrides)
    return data


# --- Scheduling ---------------------------------------------------------------------------


def test_create_cleans_and_saves(county, secretary):
    activity = services.activity_create(organization=county.branch1, actor=secretary, **values())
    assert activity.title == "迎新春文艺汇演"
    assert activity.status == "open"
    assert activity.volunteer_hours == 0
    assert activity.created_by == secretary


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_at": timezone.now() + timedelta(days=1)}, "ends_at"),
        ({"signup_deadline": timezone.now() + timedelta(days=3)}, "signup_deadline"),
        ({"capacity": 0}, "capacity"),
        ({"volunteer_hours": Decimal("2")}, "volunteer_hours"),
        ({"kind": "volunteer", "volunteer_hours": None}, "volunteer_hours"),
        ({"kind": "volunteer", "volunteer_hours": Decimal("0")}, "volunteer_hours"),
        ({"title": "   "}, "title"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(county, secretary, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            organization=county.branch1, actor=secretary, **values(**overrides)
        )
    assert field in caught.value.message_dict
    assert Activity.objects.count() == 0


def test_volunteer_activity_needs_its_hours(county, secretary):
    activity = services.activity_create(
        organization=county.branch1,
        actor=secretary,
        **values(kind="volunteer", volunteer_hours=Decimal("3.5")),
    )
    assert activity.volunteer_hours == Decimal("3.5")


def test_create_refused_outside_scope_and_to_members(county, secretary, make_user):
    with pytest.raises(PermissionDenied):
        services.activity_create(organization=county.branch2, actor=secretary, **values())
    plain = member(make_user, county.branch1)
    with pytest.raises(PermissionDenied):
        services.activity_create(organization=county.branch1, actor=plain, **values())
    assert Activity.objects.count() == 0


def test_pairing_must_touch_the_managers_scope(county, secretary, make_user):
    from grassroots.meetings.models import Pairing
    from grassroots.orgs.tests.factories import PersonFactory

    a, b = PersonFactory(primary_org=county.dept), PersonFactory(primary_org=county.community)
    today = timezone.localdate()
    far = Pairing.objects.create(
        kind="cobuild",
        unit=county.dept,
        partner=county.community,
        unit_contact=a,
        partner_contact=b,
        starts_on=today,
        ends_on=today + timedelta(days=365),
    )
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            organization=county.branch1, actor=secretary, **values(pairing=far)
        )
    assert "pairing" in caught.value.message_dict
    town_secretary = make_user("committee_admin", county.town)
    activity = services.activity_create(
        organization=county.community, actor=town_secretary, **values(pairing=far)
    )
    assert activity.pairing == far


def test_update_capacity_not_below_confirmed_and_more_places_serve_the_line(
    county, secretary, make_user, django_capture_on_commit_callbacks
):
    activity = activity_of(county.branch1, capacity=1)
    first, second = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=first)
    services.activity_sign_up(activity=activity, actor=second)
    with pytest.raises(ValidationError):
        services.activity_update(activity=activity, actor=secretary, capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_update(activity=activity, actor=secretary, capacity=5)
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (2, 0)
    assert Notification.objects.filter(recipient=second, kind="meetings.activity_promoted").exists()


# --- Sign-up and the waiting list ------------------------------------------------------------


def test_third_person_waits_and_gets_the_place_when_the_first_cancels(
    county, make_user, django_capture_on_commit_callbacks
):
    activity = activity_of(county.branch1, capacity=2)
    one, two, three = (member(make_user, county.branch1) for _ in range(3))
    assert services.activity_sign_up(activity=activity, actor=one).status == "confirmed"
    assert services.activity_sign_up(activity=activity, actor=two).status == "confirmed"
    assert services.activity_sign_up(activity=activity, actor=three).status == "waiting"
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (2, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel_signup(activity=activity, actor=one)
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (2, 0)
    assert ActivitySignup.objects.get(activity=activity, person=three.person).status == "confirmed"
    assert ActivitySignup.objects.get(activity=activity, person=one.person).status == "cancelled"
    message = Notification.objects.get(recipient=three)
    assert message.kind == "meetings.activity_promoted"
    assert activity.title in message.title
    assert not Notification.objects.filter(recipient=two).exists()


def test_a_waiting_cancellation_promotes_nobody(county, make_user):
    activity = activity_of(county.branch1, capacity=1)
    one, two, three = (member(make_user, county.branch1) for _ in range(3))
    for user in (one, two, three):
        services.activity_sign_up(activity=activity, actor=user)
    services.activity_cancel_signup(activity=activity, actor=two)
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (1, 1)
    assert ActivitySignup.objects.get(activity=activity, person=three.person).status == "waiting"


def test_signing_up_again_reuses_the_row_at_the_back_of_the_line(county, make_user):
    activity = activity_of(county.branch1, capacity=1)
    one, two, three = (member(make_user, county.branch1) for _ in range(3))
    for user in (one, two, three):
        services.activity_sign_up(activity=activity, actor=user)
    services.activity_cancel_signup(activity=activity, actor=two)  # was first in line
    again = services.activity_sign_up(activity=activity, actor=two)
    assert again.status == "waiting"
    assert ActivitySignup.objects.filter(activity=activity, person=two.person).count() == 1
    services.activity_cancel_signup(activity=activity, actor=one)
    assert ActivitySignup.objects.get(activity=activity, person=three.person).status == "confirmed"
    assert ActivitySignup.objects.get(activity=activity, person=two.person).status == "waiting"


def test_signing_up_twice_is_refused(county, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    with pytest.raises(ValidationError, match="已报名"):
        services.activity_sign_up(activity=activity, actor=one)
    activity.refresh_from_db()
    assert activity.confirmed_count == 1


def test_unlimited_capacity_never_waits(county, make_user):
    activity = activity_of(county.branch1, capacity=None)
    for _ in range(4):
        services.activity_sign_up(activity=activity, actor=member(make_user, county.branch1))
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (4, 0)


def test_deadline_refusal(county, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    with pytest.raises(ValidationError, match="截止"):
        services.activity_sign_up(
            activity=activity, actor=one, now=activity.signup_deadline + timedelta(minutes=1)
        )
    assert not ActivitySignup.objects.exists()


def test_who_may_sign_up(county, make_user):
    """The organization's subtree: a county activity is open to a branch member; a branch's is
    not open to the neighbouring branch."""
    county_wide = activity_of(county.root)
    branch = activity_of(county.branch1)
    neighbour = member(make_user, county.branch2)
    assert services.activity_sign_up(activity=county_wide, actor=neighbour).status == "confirmed"
    with pytest.raises(PermissionDenied):
        services.activity_sign_up(activity=branch, actor=neighbour)
    no_person = make_user()
    with pytest.raises(ValidationError, match="未关联人员"):
        services.activity_sign_up(activity=branch, actor=no_person)


def test_sign_up_refused_on_cancelled_or_held(county, make_user):
    one = member(make_user, county.branch1)
    for status in ("cancelled", "held"):
        activity = activity_of(county.branch1, status=status)
        with pytest.raises(ValidationError):
            services.activity_sign_up(activity=activity, actor=one)


def test_cancel_own_signup_refused_after_start(county, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    with pytest.raises(ValidationError, match="已经开始"):
        services.activity_cancel_signup(
            activity=activity, actor=one, now=activity.starts_at + timedelta(minutes=1)
        )


def test_manager_signs_up_by_hand_and_removes(
    county, secretary, make_user, django_capture_on_commit_callbacks
):
    activity = activity_of(county.branch1, capacity=1)
    one, two = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    # The deadline does not bind the manager; the capacity does.
    late = activity.signup_deadline + timedelta(minutes=5)
    signup = services.activity_sign_up_person(
        activity=activity, person=two.person, actor=secretary, now=late
    )
    assert (signup.status, signup.by_hand) == ("waiting", True)
    first = ActivitySignup.objects.get(activity=activity, person=one.person)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_remove_signup(signup=first, actor=secretary)
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (1, 0)
    assert Notification.objects.filter(recipient=two).count() == 1
    stranger = member(make_user, county.branch2)
    with pytest.raises(ValidationError):
        services.activity_sign_up_person(activity=activity, person=stranger.person, actor=secretary)


def test_member_cannot_manage_sign_ups(county, make_user):
    activity = activity_of(county.branch1)
    one, two = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    with pytest.raises(PermissionDenied):
        services.activity_sign_up_person(activity=activity, person=two.person, actor=one)
    with pytest.raises(PermissionDenied):
        services.activity_remove_signup(
            signup=ActivitySignup.objects.get(person=one.person), actor=two
        )
    other_secretary = make_user("branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.activity_mark_held(activity=activity, actor=other_secretary)


# --- Cancel and held ------------------------------------------------------------------------


def test_cancel_tells_confirmed_and_waiting(
    county, secretary, make_user, django_capture_on_commit_callbacks
):
    activity = activity_of(county.branch1, capacity=1)
    one, two, gone = (member(make_user, county.branch1) for _ in range(3))
    for user in (one, two, gone):
        services.activity_sign_up(activity=activity, actor=user)
    services.activity_cancel_signup(activity=activity, actor=gone)
    with pytest.raises(ValidationError) as caught:
        services.activity_cancel(activity=activity, actor=secretary, reason=" ")
    assert "reason" in caught.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(activity=activity, actor=secretary, reason="天气原因")
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == ("cancelled", "天气原因")
    told = set(
        Notification.objects.filter(kind="meetings.activity_cancelled").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {one.pk, two.pk}
    with pytest.raises(ValidationError):
        services.activity_mark_held(activity=activity, actor=secretary)
    with pytest.raises(ValidationError):
        services.activity_cancel(activity=activity, actor=secretary, reason="再次")


def test_cancel_refused_once_someone_checked_in(county, secretary, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    running(activity)
    services.activity_check_in(activity=activity, actor=one)
    with pytest.raises(ValidationError, match="签到"):
        services.activity_cancel(activity=activity, actor=secretary, reason="临时取消")


def test_mark_held_refused_before_start(county, secretary):
    activity = activity_of(county.branch1)
    with pytest.raises(ValidationError, match="尚未开始"):
        services.activity_mark_held(activity=activity, actor=secretary)


# --- Check-in and credits ----------------------------------------------------------------------


def test_check_in_only_confirmed_and_once(county, make_user):
    activity = activity_of(county.branch1, capacity=1)
    one, waiting, nobody = (member(make_user, county.branch1) for _ in range(3))
    services.activity_sign_up(activity=activity, actor=one)
    services.activity_sign_up(activity=activity, actor=waiting)
    running(activity)
    first = services.activity_check_in(activity=activity, actor=one)
    again = services.activity_check_in(activity=activity, actor=one)
    assert (first.counted, again.counted) == (True, False)
    with pytest.raises(ValidationError, match="候补"):
        services.activity_check_in(activity=activity, actor=waiting)
    with pytest.raises(ValidationError, match="没有报名"):
        services.activity_check_in(activity=activity, actor=nobody)
    activity.refresh_from_db()
    assert activity.present_count == 1


def test_check_in_window(county, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    with pytest.raises(ValidationError, match="尚未开始"):
        services.activity_check_in(activity=activity, actor=one)
    with pytest.raises(ValidationError, match="已结束"):
        services.activity_check_in(
            activity=activity, actor=one, now=activity.ends_at + timedelta(minutes=1)
        )


def test_volunteer_hours_credited_once_when_held(county, secretary, make_user):
    activity = volunteer_activity(county.branch1, hours="2.5")
    one, two, absent, late = (member(make_user, county.branch1) for _ in range(4))
    for user in (one, two, absent, late):
        services.activity_sign_up(activity=activity, actor=user)
    running(activity)
    services.activity_check_in(activity=activity, actor=one)
    services.activity_check_in(activity=activity, actor=two)
    assert not VolunteerCredit.objects.exists()  # not before the activity is marked held
    # Taking a check-in back is allowed before held.
    signup_two = ActivitySignup.objects.get(activity=activity, person=two.person)
    services.activity_mark_checkin(signup=signup_two, present=False, actor=secretary)
    services.activity_mark_checkin(signup=signup_two, present=True, actor=secretary)
    services.activity_mark_held(activity=activity, actor=secretary)
    credits = VolunteerCredit.objects.filter(activity=activity)
    assert set(credits.values_list("person_id", flat=True)) == {one.person_id, two.person_id}
    credit = credits.get(person=one.person)
    assert credit.hours == Decimal("2.5")
    assert credit.organization == county.branch1
    assert credit.year == timezone.localtime(activity.starts_at).year
    # A late scan after held is credited at once; a second scan changes nothing.
    services.activity_check_in(activity=activity, actor=late)
    services.activity_check_in(activity=activity, actor=late)
    assert VolunteerCredit.objects.filter(activity=activity).count() == 3
    # Held is final: no second held, no un-checking.
    with pytest.raises(ValidationError):
        services.activity_mark_held(activity=activity, actor=secretary)
    with pytest.raises(ValidationError, match="不能再撤销"):
        services.activity_mark_checkin(signup=signup_two, present=False, actor=secretary)
    activity.refresh_from_db()
    assert activity.present_count == 3
    assert VolunteerCredit.objects.filter(activity=activity).count() == 3


def test_credit_keeps_the_organization_at_credit_time(county, secretary, make_user):
    activity = volunteer_activity(county.justice)
    one = member(make_user, county.branch2)
    services.activity_sign_up(activity=activity, actor=one)
    running(activity)
    services.activity_check_in(activity=activity, actor=one)
    services.activity_mark_held(
        activity=activity, actor=make_user("committee_admin", county.justice)
    )
    one.person.primary_org = county.branch1
    one.person.save()
    assert VolunteerCredit.objects.get(person=one.person).organization == county.branch2


def test_other_kinds_credit_nothing(county, secretary, make_user):
    activity = activity_of(county.branch1)
    one = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    running(activity)
    services.activity_check_in(activity=activity, actor=one)
    services.activity_mark_held(activity=activity, actor=secretary)
    assert not VolunteerCredit.objects.exists()


def test_manual_check_in_refuses_the_waiting_list(county, secretary, make_user):
    activity = activity_of(county.branch1, capacity=1)
    one, two = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    services.activity_sign_up(activity=activity, actor=two)
    running(activity)
    waiting = ActivitySignup.objects.get(person=two.person)
    with pytest.raises(ValidationError, match="不是正式报名"):
        services.activity_mark_checkin(signup=waiting, present=True, actor=secretary)
    checked = ActivitySignup.objects.get(person=one.person)
    services.activity_mark_checkin(signup=checked, present=True, actor=secretary)
    with pytest.raises(ValidationError, match="已签到"):
        services.activity_remove_signup(signup=checked, actor=secretary)


# --- Photos and the report ---------------------------------------------------------------------


def test_photo_is_checked_and_thumbnailed(county, secretary, settings):
    activity = activity_of(county.branch1)
    photo = services.activity_photo_add(
        activity=activity, actor=secretary, image=png_file(), caption="集体合影"
    )
    assert photo.thumbnail.name.endswith(".jpg")
    assert photo.size > 0
    fake = SimpleUploadedFile("活动.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as caught:
        services.activity_photo_add(activity=activity, actor=secretary, image=fake)
    assert "image" in caught.value.message_dict
    pdf = SimpleUploadedFile("活动.pdf", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ValidationError, match="不支持"):
        services.activity_photo_add(activity=activity, actor=secretary, image=pdf)
    settings.ACTIVITY_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationError, match="过大"):
        services.activity_photo_add(activity=activity, actor=secretary, image=png_file())
    assert ActivityPhoto.objects.count() == 1


def test_photo_refused_to_members(county, make_user):
    activity = activity_of(county.branch1)
    with pytest.raises(PermissionDenied):
        services.activity_photo_add(
            activity=activity, actor=member(make_user, county.branch1), image=png_file()
        )


def test_report_after_start_only(county, secretary):
    activity = activity_of(county.branch1)
    with pytest.raises(ValidationError, match="开始后"):
        services.activity_report(activity=activity, actor=secretary, report="很好")
    later = activity.starts_at + timedelta(hours=4)
    activity = services.activity_report(
        activity=activity, actor=secretary, report="  参加 20 人，效果良好。 ", now=later
    )
    assert activity.report == "参加 20 人，效果良好。"
    assert activity.reported_at == later
    with pytest.raises(ValidationError):
        services.activity_report(activity=activity, actor=secretary, report="长" * 5001, now=later)


# --- The day-before reminder ----------------------------------------------------------------


def test_reminder_goes_to_confirmed_people_once(county, make_user):
    from grassroots.meetings.activity_reminders import remind_activities_soon

    activity = activity_of(county.branch1, capacity=1)
    one, two = member(make_user, county.branch1), member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=one)
    services.activity_sign_up(activity=activity, actor=two)  # waiting: no reminder
    today = timezone.localdate()
    from grassroots.core import calendar

    if not calendar.is_working_day(today):
        pytest.skip("the job looks ahead from a working day")
    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() + timedelta(hours=2))
    first = remind_activities_soon(today)
    again = remind_activities_soon(today)
    assert (first, again) == (1, 0)
    assert Notification.objects.filter(kind="meetings.activity_soon").get().recipient == one

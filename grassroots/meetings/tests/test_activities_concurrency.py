"""Sign-ups, cancellations and scans at the same instant on a real database with many
connections: the capacity holds, the waiting list is exact, a check-in counts once."""

import pytest
from django.db import connection

from grassroots.core.testing import at_once
from grassroots.meetings.models import Activity, ActivitySignup, VolunteerCredit
from grassroots.meetings.services import activities as services

from .test_activities_support import activity_of, member, running, volunteer_activity

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_ten_sign_ups_at_once_for_three_places(county, make_user):
    activity = activity_of(county.branch1, capacity=3)
    users = [member(make_user, county.branch1) for _ in range(10)]
    results = at_once(
        *[lambda u=u: services.activity_sign_up(activity=activity, actor=u) for u in users]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status for r in results) == ["confirmed"] * 3 + ["waiting"] * 7
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (3, 7)
    rows = ActivitySignup.objects.filter(activity=activity)
    assert rows.filter(status="confirmed").count() == 3
    assert rows.filter(status="waiting").count() == 7


@pytest.mark.django_db(transaction=True)
def test_cancellations_at_once_hand_each_place_to_one_waiting_person(county, make_user):
    activity = activity_of(county.branch1, capacity=3)
    users = [member(make_user, county.branch1) for _ in range(6)]
    for user in users:
        services.activity_sign_up(activity=activity, actor=user)
    results = at_once(
        *[
            lambda u=u: services.activity_cancel_signup(activity=activity, actor=u)
            for u in users[:3]
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waiting_count) == (3, 0)
    confirmed = set(
        ActivitySignup.objects.filter(activity=activity, status="confirmed").values_list(
            "person_id", flat=True
        )
    )
    assert confirmed == {u.person_id for u in users[3:]}


@pytest.mark.django_db(transaction=True)
def test_two_check_ins_at_once_count_once(county, make_user):
    activity = volunteer_activity(county.branch1)
    user = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=user)
    running(activity)
    Activity.objects.filter(pk=activity.pk).update(status="held")
    results = at_once(
        *[lambda: services.activity_check_in(activity=activity, actor=user) for _ in range(2)]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.counted) == 1
    activity.refresh_from_db()
    assert activity.present_count == 1
    assert VolunteerCredit.objects.filter(activity=activity).count() == 1


@pytest.mark.django_db(transaction=True)
def test_check_in_and_mark_held_at_once_credit_the_scan(county, make_user):
    """Whichever comes first, the scan is credited: at held, or at the check-in after it."""
    activity = volunteer_activity(county.branch1)
    secretary = make_user("branch_secretary", county.branch1)
    user = member(make_user, county.branch1)
    services.activity_sign_up(activity=activity, actor=user)
    running(activity)
    results = at_once(
        *[
            lambda: services.activity_check_in(activity=activity, actor=user),
            lambda: services.activity_mark_held(activity=activity, actor=secretary),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert VolunteerCredit.objects.filter(activity=activity, person=user.person).count() == 1

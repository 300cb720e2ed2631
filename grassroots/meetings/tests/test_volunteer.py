"""Volunteer hours: a member's own hours of a year, the ledger of an organization's subtree
with totals per person and per organization, its Excel export, who may see it, and its
query budget."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.meetings.models import VolunteerCredit
from grassroots.meetings.selectors import activities as selectors
from grassroots.meetings.services import activities as services
from grassroots.orgs.tests.factories import PersonFactory

from .test_activities_support import member, running, volunteer_activity

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def held_with(organization, secretary, users, hours="2", **extra):
    """A volunteer activity the users signed up for, checked in to, and marked held."""
    activity = volunteer_activity(organization, hours=hours, capacity=None, **extra)
    for user in users:
        services.activity_sign_up(activity=activity, actor=user)
    running(activity)
    for user in users:
        services.activity_check_in(activity=activity, actor=user)
    services.activity_mark_held(activity=activity, actor=secretary)
    return activity


def credit(person, hours, year, organization=None, activity=None):
    """A credit written directly (for dates in other years)."""
    return VolunteerCredit.objects.create(
        person=person,
        activity=activity,
        organization=organization or person.primary_org,
        year=year,
        hours=Decimal(hours),
    )


@pytest.fixture
def officer(county, make_user):
    return make_user("committee_admin", county.justice)


def test_ledger_totals_per_person_and_organization(county, officer, make_user):
    a, b = member(make_user, county.branch1), member(make_user, county.branch1)
    c = member(make_user, county.branch2)
    held_with(county.justice, officer, [a, b, c], hours="2")
    held_with(county.justice, officer, [a, c], hours="1.5")
    outside = member(make_user, county.community)
    town = make_user("committee_admin", county.town)
    held_with(county.town, town, [outside], hours="4")
    year = timezone.localdate().year
    rows = {r["person_id"]: r for r in selectors.volunteer_ledger(county.justice, year)}
    assert set(rows) == {a.person_id, b.person_id, c.person_id}
    assert rows[a.person_id]["hours"] == Decimal("3.5")
    assert rows[a.person_id]["activities"] == 2
    assert rows[b.person_id]["hours"] == Decimal("2")
    by_org = {
        r["organization_id"]: r for r in selectors.volunteer_by_organization(county.justice, year)
    }
    assert by_org[county.branch1.pk]["hours"] == Decimal("5.5")
    assert by_org[county.branch1.pk]["people"] == 2
    assert by_org[county.branch2.pk]["hours"] == Decimal("3.5")
    assert county.community.pk not in by_org
    # Another year is another ledger.
    assert not list(selectors.volunteer_ledger(county.justice, year - 1))


def test_year_is_the_shanghai_year_of_the_start(county, officer, make_user):
    a = member(make_user, county.branch1)
    activity = volunteer_activity(county.branch1, capacity=None)
    services.activity_sign_up(activity=activity, actor=a)
    running(activity)
    services.activity_check_in(activity=activity, actor=a)
    # 2025-12-31 17:00 UTC is 2026-01-01 01:00 in Shanghai.
    from grassroots.meetings.models import Activity

    moment = datetime(2026, 1, 1, 1, 0, tzinfo=SHANGHAI)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=moment, ends_at=moment + timedelta(hours=2), signup_deadline=moment
    )
    activity.refresh_from_db()
    services.activity_mark_held(activity=activity, actor=officer)
    assert VolunteerCredit.objects.get().year == 2026


def test_my_volunteer_page(client, county, officer, make_user):
    a = member(make_user, county.branch1)
    held_with(county.branch1, officer, [a], hours="2", title="清理河道")
    held_with(county.branch1, officer, [a], hours="1.5", title="交通劝导")
    client.force_login(a)
    page = client.get(reverse("meetings:volunteer_mine")).content.decode()
    assert "清理河道" in page and "交通劝导" in page
    assert 'data-testid="volunteer-total">3.5<' in page
    last_year = timezone.localdate().year - 1
    page = client.get(reverse("meetings:volunteer_mine"), {"year": last_year}).content.decode()
    assert "清理河道" not in page


def test_ledger_page_and_permissions(client, county, officer, make_user):
    a = member(make_user, county.branch1)
    held_with(county.branch1, officer, [a], hours="2")
    url = reverse("meetings:volunteer_ledger")
    client.force_login(a)
    assert client.get(url).status_code == 403
    assert client.get(reverse("meetings:volunteer_export")).status_code == 403
    client.force_login(make_user("branch_secretary", county.branch2))
    assert client.get(url, {"org": county.branch1.pk}).status_code == 404
    client.force_login(officer)
    page = client.get(url, {"org": county.justice.pk}).content.decode()
    assert a.person.name in page
    assert 'data-testid="ledger-total">2.0<' in page


def test_export(client, county, officer, make_user):
    from openpyxl import load_workbook

    a, b = member(make_user, county.branch1), member(make_user, county.branch2)
    held_with(county.justice, officer, [a, b], hours="2")
    client.force_login(officer)
    response = client.get(reverse("meetings:volunteer_export"), {"org": county.justice.pk})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    people, totals = workbook.worksheets
    names = {row[1] for row in people.iter_rows(min_row=2, values_only=True)}
    assert names == {a.person.name, b.person.name}
    rows = list(totals.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {county.branch1.name, county.branch2.name}
    assert sum(r[3] for r in rows) == 4


def test_ledger_costs_the_same_for_many_people(client, county, officer, make_user):
    year = timezone.localdate().year
    activity = volunteer_activity(county.justice)
    client.force_login(officer)
    url = reverse("meetings:volunteer_ledger") + f"?org={county.justice.pk}&year={year}"
    for org in (county.branch1, county.branch2):
        credit(PersonFactory(primary_org=org), "2", year, activity=activity)
    few = queries_of(client, url)
    for _i in range(10):
        credit(PersonFactory(primary_org=county.branch1), "1.5", year, activity=activity)
    assert queries_of(client, url) == few
    mine_url = reverse("meetings:volunteer_mine")
    a = member(make_user, county.branch1)
    client.force_login(a)
    credit(a.person, "1", year, activity=activity)
    few = queries_of(client, mine_url)
    for _i in range(5):
        credit(a.person, "1", year, activity=volunteer_activity(county.branch1))
    assert queries_of(client, mine_url) == few

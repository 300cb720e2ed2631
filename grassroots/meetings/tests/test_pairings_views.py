"""Pairing pages: the list (filters, quarter colours, constant queries), the form, the detail
seen from both sides, ending early, the contact list of the form and the Excel export."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.meetings.models import Activity, Pairing
from grassroots.orgs.tests.factories import PersonFactory

from .test_pairings import SHANGHAI, joint_activity, make_pairing

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county):
    return {
        "dept": PersonFactory(primary_org=county.dept),
        "community": PersonFactory(primary_org=county.community),
        "branch1": PersonFactory(primary_org=county.branch1),
    }


@pytest.fixture
def officer(county, make_user):
    return make_user("committee_admin", county.dept)


@pytest.fixture
def pairing(county, people, officer):
    today = timezone.localdate()
    return make_pairing(
        county,
        people,
        officer,
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year + 1, 12, 31),
    )


def post_values(county, people, **overrides):
    data = {
        "kind": "contact",
        "unit": county.dept.pk,
        "unit_contact": people["dept"].pk,
        "partner": county.community.pk,
        "partner_contact": people["community"].pk,
        "starts_on": "2026-03-01",
        "ends_on": "2028-02-29",
        "goals": "每季度开展一次共建活动",
    }
    data.update(overrides)
    return data


def test_the_manager_creates_a_pairing_from_the_form(client, county, people, officer):
    client.force_login(officer)
    page = client.get(reverse("meetings:pairing_create"))
    assert page.status_code == 200
    response = client.post(reverse("meetings:pairing_create"), post_values(county, people))
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:pairing_detail", args=[pairing.pk])
    assert pairing.kind == "contact" and pairing.created_by == officer


def test_the_form_shows_the_service_messages(client, county, people, officer, pairing):
    client.force_login(officer)
    response = client.post(
        reverse("meetings:pairing_create"),
        post_values(county, people, starts_on=pairing.starts_on.isoformat()),
    )
    assert response.status_code == 200
    assert "不能重叠" in response.content.decode()
    response = client.post(
        reverse("meetings:pairing_create"),
        post_values(county, people, partner_contact=people["branch1"].pk),
    )
    assert "不是东街社区党支部（含下级组织）的人员" in response.content.decode()
    response = client.post(
        reverse("meetings:pairing_create"), post_values(county, people, ends_on="2026-01-01")
    )
    assert "结束日期应晚于开始日期" in response.content.decode()
    assert Pairing.objects.count() == 1


def test_who_may_open_the_form(client, county, make_user):
    client.force_login(make_user("branch_secretary", county.community))
    assert client.get(reverse("meetings:pairing_create")).status_code == 403
    client.force_login(make_user())
    assert client.get(reverse("meetings:pairing_list")).status_code == 403


def test_the_partner_secretary_sees_it_but_cannot_edit(client, county, make_user, pairing):
    secretary = make_user("branch_secretary", county.community)
    client.force_login(secretary)
    detail = client.get(reverse("meetings:pairing_detail", args=[pairing.pk]))
    assert detail.status_code == 200
    assert reverse("meetings:pairing_edit", args=[pairing.pk]) not in detail.content.decode()
    assert client.get(reverse("meetings:pairing_edit", args=[pairing.pk])).status_code == 403
    response = client.post(reverse("meetings:pairing_end", args=[pairing.pk]), {"ended_on": ""})
    assert response.status_code == 403
    listing = client.get(reverse("meetings:pairing_list"))
    assert listing.content.decode().count('data-testid="pairing-row"') == 1


def test_an_unrelated_secretary_gets_404(client, county, make_user, pairing):
    client.force_login(make_user("branch_secretary", county.branch1))
    for name in ("pairing_detail", "pairing_edit", "pairing_end"):
        assert client.get(reverse(f"meetings:{name}", args=[pairing.pk])).status_code == 404
    listing = client.get(reverse("meetings:pairing_list"))
    assert 'data-testid="pairing-row"' not in listing.content.decode()


def test_the_manager_edits_and_ends_early(client, officer, pairing, people, county):
    client.force_login(officer)
    url = reverse("meetings:pairing_edit", args=[pairing.pk])
    assert client.get(url).status_code == 200
    values = post_values(
        county,
        people,
        kind=pairing.kind,
        starts_on=pairing.starts_on.isoformat(),
        ends_on=pairing.ends_on.isoformat(),
        goals="改过的内容",
    )
    assert client.post(url, values).status_code == 302
    pairing.refresh_from_db()
    assert pairing.goals == "改过的内容"
    end_url = reverse("meetings:pairing_end", args=[pairing.pk])
    assert client.get(end_url).status_code == 200
    bad = client.post(end_url, {"ended_on": "1999-01-01"})
    assert "提前结束日期应不早于开始日期" in bad.content.decode()
    day = pairing.starts_on.isoformat()
    assert client.post(end_url, {"ended_on": day}).status_code == 302
    pairing.refresh_from_db()
    assert pairing.ended_early_on == pairing.starts_on


def test_the_detail_shows_the_joint_activities_and_quarters(client, officer, pairing):
    year = timezone.localdate().year
    joint_activity(pairing, datetime(year, 1, 10, 9, 0, tzinfo=SHANGHAI), title="春节走访")
    joint_activity(
        pairing,
        datetime(year, 2, 10, 9, 0, tzinfo=SHANGHAI),
        title="取消的活动",
        status="cancelled",
    )
    client.force_login(officer)
    page = client.get(reverse("meetings:pairing_detail", args=[pairing.pk])).content.decode()
    assert "春节走访" in page and "取消的活动" in page
    assert 'data-state="ok">1<' in page
    # Another year of the term can be chosen; a year outside it falls back to a year within.
    assert (
        client.get(reverse("meetings:pairing_detail", args=[pairing.pk]) + "?year=1990").status_code
        == 200
    )


def test_the_detail_costs_the_same_for_many_joint_activities(client, officer, pairing):
    year = timezone.localdate().year
    url = reverse("meetings:pairing_detail", args=[pairing.pk])
    client.force_login(officer)
    for day in (10, 11):
        joint_activity(pairing, datetime(year, 1, day, 9, 0, tzinfo=SHANGHAI))
    few = queries_of(client, url)
    for day in range(12, 22):
        joint_activity(pairing, datetime(year, 1, day, 9, 0, tzinfo=SHANGHAI))
    assert queries_of(client, url) == few
    page = client.get(url).content.decode()
    for activity in Activity.objects.filter(pairing=pairing):
        assert reverse("meetings:activity_detail", args=[activity.pk]) in page


def test_the_contact_list_follows_the_organization(client, county, officer, people):
    client.force_login(officer)
    url = reverse("meetings:pairing_contact_options")
    response = client.get(url, {"side": "partner", "partner": county.community.pk})
    assert people["community"].name in response.content.decode()
    assert people["branch1"].name not in response.content.decode()
    # A unit outside the manager's scope offers nobody.
    response = client.get(url, {"side": "unit", "unit": county.community.pk})
    assert people["community"].name not in response.content.decode()


def test_the_list_costs_the_same_for_2_and_10_rows(client, county, officer):
    client.force_login(officer)
    url = reverse("meetings:pairing_list") + "?year=" + str(timezone.localdate().year)
    year = timezone.localdate().year
    people = [PersonFactory(primary_org=county.community) for _ in range(10)]
    contact = PersonFactory(primary_org=county.dept)
    partners = [county.community, county.branch1, county.branch2, county.town, county.justice]

    def add(count):
        for _ in range(count):
            existing = Pairing.objects.count()
            partner = partners[existing % len(partners)]
            pairing = Pairing.objects.create(
                kind="cobuild",
                unit=county.dept,
                partner=partner,
                unit_contact=contact,
                partner_contact=people[existing],
                starts_on=date(year, 1, 1) if existing < 5 else date(year, 7, 1),
                ends_on=date(year, 6, 30) if existing < 5 else date(year, 12, 31),
            )
            joint_activity(pairing, datetime(year, 3, 5, 9, 0, tzinfo=SHANGHAI))

    add(2)
    two = queries_of(client, url)
    add(8)
    ten = queries_of(client, url)
    assert two == ten
    page = client.get(url).content.decode()
    assert page.count('data-testid="pairing-row"') == 10


def test_the_export_has_the_quarter_counts(client, officer, pairing):
    from openpyxl import load_workbook

    year = timezone.localdate().year
    joint_activity(pairing, datetime(year, 3, 31, 23, 30, tzinfo=SHANGHAI))
    client.force_login(officer)
    response = client.get(reverse("meetings:pairing_export"), {"year": year})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][8] == "第1季度活动"
    assert rows[1][1] == pairing.unit.name
    assert rows[1][8] == 1
    assert rows[1][-1] == 1

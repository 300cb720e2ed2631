"""/api/v1/people: scoped like the people pages; members see their own record; IDs masked."""

import pytest

from grassroots.orgs.enums import PersonStatus, PoliticalStatus
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/people"


def detail(person) -> str:
    return f"{LIST}/{person.pk}"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def people(county):
    """One person in each of 司法局党总支, its two branches, and the community branch."""
    return {
        "justice": PersonFactory(primary_org=county.justice, name="总支甲"),
        "branch1": PersonFactory(primary_org=county.branch1, name="一支部乙"),
        "branch1_other": PersonFactory(primary_org=county.branch1, name="一支部丙"),
        "branch2": PersonFactory(primary_org=county.branch2, name="二支部丁"),
        "community": PersonFactory(primary_org=county.community, name="社区戊"),
    }


def test_branch_secretary_sees_their_branch_only(client, county, people, make_user, bearer):
    headers = bearer(make_user("branch_secretary", county.branch1))
    expected = {people["branch1"].pk, people["branch1_other"].pk}
    assert ids(client.get(LIST, headers=headers)) == expected
    assert client.get(detail(people["branch1"]), headers=headers).status_code == 200
    for outside in ("branch2", "justice", "community"):
        assert client.get(detail(people[outside]), headers=headers).status_code == 404


def test_committee_admin_sees_the_committees_subtree(client, county, people, make_user, bearer):
    headers = bearer(make_user("committee_admin", county.justice))
    expected = {people[k].pk for k in ("justice", "branch1", "branch1_other", "branch2")}
    assert ids(client.get(LIST, headers=headers)) == expected
    assert client.get(detail(people["branch2"]), headers=headers).status_code == 200
    assert client.get(detail(people["community"]), headers=headers).status_code == 404


def test_member_sees_only_themselves(client, county, people, make_user, bearer):
    me = people["branch1"]
    headers = bearer(make_user("member", county.branch1, person=me))
    assert ids(client.get(LIST, headers=headers)) == {me.pk}
    assert ids(client.get(LIST, {"org": county.branch1.pk}, headers=headers)) == {me.pk}
    assert ids(client.get(LIST, {"q": "一支部"}, headers=headers)) == {me.pk}
    assert client.get(detail(me), headers=headers).status_code == 200
    assert client.get(detail(people["branch1_other"]), headers=headers).status_code == 404


def test_account_without_person_or_grants_sees_no_one(client, county, people, make_user, bearer):
    headers = bearer(make_user())
    assert ids(client.get(LIST, headers=headers)) == set()
    assert client.get(detail(people["branch1"]), headers=headers).status_code == 404


def test_id_number_is_full_only_with_view_id_number(client, county, people, make_user, bearer):
    person = people["branch1"]
    full = person.id_number
    masked = person.masked_id_number
    assert full != masked and "*" in masked

    committee = bearer(make_user("committee_admin", county.justice))  # holds orgs.view_id_number
    row = client.get(detail(person), headers=committee).json()
    assert (row["id_number"], row["id_number_masked"]) == (full, False)
    listed = {r["id"]: r for r in client.get(LIST, headers=committee).json()["items"]}
    assert listed[person.pk]["id_number"] == full

    secretary = bearer(make_user("branch_secretary", county.branch1))  # does not
    row = client.get(detail(person), headers=secretary).json()
    assert (row["id_number"], row["id_number_masked"]) == (masked, True)
    listed = {r["id"]: r for r in client.get(LIST, headers=secretary).json()["items"]}
    assert listed[person.pk]["id_number"] == masked
    assert full not in client.get(LIST, headers=secretary).content.decode()

    member = bearer(make_user("member", county.branch1, person=person))
    assert client.get(detail(person), headers=member).json()["id_number"] == masked


def test_filters(client, county, people, make_user, bearer):
    headers = bearer(make_user("committee_admin", county.justice))
    people["branch2"].political_status = PoliticalStatus.MASSES
    people["branch2"].joined_party_on = people["branch2"].full_member_on = None
    people["branch2"].save()
    people["justice"].status = PersonStatus.LEFT
    people["justice"].save()

    assert ids(client.get(LIST, {"org": county.branch2.pk}, headers=headers)) == {
        people["branch2"].pk
    }
    assert client.get(LIST, {"org": county.community.pk}, headers=headers).status_code == 404
    assert ids(client.get(LIST, {"political_status": "masses"}, headers=headers)) == {
        people["branch2"].pk
    }
    assert ids(client.get(LIST, {"status": "left"}, headers=headers)) == {people["justice"].pk}
    assert people["justice"].pk not in ids(client.get(LIST, headers=headers))
    assert people["justice"].pk in ids(client.get(LIST, {"status": "all"}, headers=headers))
    assert ids(client.get(LIST, {"q": "二支部"}, headers=headers)) == {people["branch2"].pk}
    assert ids(client.get(LIST, {"q": people["branch1"].mobile[:7]}, headers=headers)) >= {
        people["branch1"].pk
    }


def test_person_fields(client, county, people, make_user, bearer):
    headers = bearer(make_user("committee_admin", county.justice))
    person = people["branch1"]
    row = client.get(detail(person), headers=headers).json()
    assert row["name"] == person.name
    assert row["primary_org"] == {"id": county.branch1.pk, "name": county.branch1.name}
    assert row["political_status"] == "party_member"
    assert row["birth_date"] == person.birth_date.isoformat()


@pytest.mark.parametrize("holder", ["committee_admin", "branch_secretary"])
def test_list_answers_in_constant_queries(
    holder, client, county, make_user, bearer, django_assert_max_num_queries
):
    headers = bearer(
        make_user(holder, county.branch1 if holder == "branch_secretary" else county.justice)
    )
    client.get(LIST, headers=headers)  # first use of the token writes last_used_at
    PersonFactory.create_batch(130, primary_org=county.branch1)
    with django_assert_max_num_queries(5):  # token, grants, org filter, count, page
        response = client.get(LIST, {"limit": 200, "org": county.branch1.pk}, headers=headers)
    assert len(response.json()["items"]) == 130


def test_session_list_answers_in_constant_queries(
    client, county, make_user, django_assert_max_num_queries
):
    user = make_user("committee_admin", county.justice)
    client.force_login(user)
    PersonFactory.create_batch(110, primary_org=county.branch2)
    with django_assert_max_num_queries(5):  # session, user, grants, count, page
        response = client.get(LIST, {"limit": 200}, headers={})
    assert response.json()["count"] == 110

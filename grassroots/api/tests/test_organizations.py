"""/api/v1/organizations: scoped to the user's subtrees like the pages; 404 outside them."""

import pytest

from grassroots.orgs.models import Organization
from grassroots.orgs.tests.factories import add_org

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations"


def detail(org) -> str:
    return f"{LIST}/{org.pk}"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_branch_secretary_sees_their_branch_only(client, county, make_user, bearer):
    headers = bearer(make_user("branch_secretary", county.branch1))
    assert ids(client.get(LIST, headers=headers)) == {county.branch1.pk}
    assert client.get(detail(county.branch1), headers=headers).status_code == 200
    for outside in (county.branch2, county.justice, county.root):
        response = client.get(detail(outside), headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_committee_admin_sees_the_committees_subtree(client, county, make_user, bearer):
    headers = bearer(make_user("committee_admin", county.justice))
    response = client.get(LIST, headers=headers)
    assert ids(response) == {county.justice.pk, county.branch1.pk, county.branch2.pk}
    assert response.json()["count"] == 3
    assert client.get(detail(county.branch2), headers=headers).status_code == 200
    assert client.get(detail(county.community), headers=headers).status_code == 404
    assert client.get(detail(county.root), headers=headers).status_code == 404


def test_parent_filter_lists_direct_children_within_scope(client, county, make_user, bearer):
    admin = bearer(make_user("system_admin", county.root))
    assert ids(client.get(LIST, {"parent": county.root.pk}, headers=admin)) == {
        county.dept.pk,
        county.justice.pk,
        county.town.pk,
    }
    committee = bearer(make_user("committee_admin", county.justice))
    assert ids(client.get(LIST, {"parent": county.justice.pk}, headers=committee)) == {
        county.branch1.pk,
        county.branch2.pk,
    }
    # A parent above or beside the user's scope is not theirs to name.
    assert client.get(LIST, {"parent": county.root.pk}, headers=committee).status_code == 404
    secretary = bearer(make_user("branch_secretary", county.branch1))
    assert client.get(LIST, {"parent": county.justice.pk}, headers=secretary).status_code == 404


def test_subtree_kind_status_and_search_filters(client, county, make_user, bearer):
    headers = bearer(make_user("committee_admin", county.justice))
    assert ids(client.get(LIST, {"subtree": county.branch1.pk}, headers=headers)) == {
        county.branch1.pk
    }
    assert client.get(LIST, {"subtree": county.town.pk}, headers=headers).status_code == 404
    assert ids(client.get(LIST, {"kind": "branch"}, headers=headers)) == {
        county.branch1.pk,
        county.branch2.pk,
    }
    assert ids(client.get(LIST, {"q": "第一"}, headers=headers)) == {county.branch1.pk}
    assert ids(client.get(LIST, {"q": "C0005"}, headers=headers)) == {county.branch2.pk}

    Organization.objects.filter(pk=county.branch2.pk).update(status="dissolved")
    assert ids(client.get(LIST, headers=headers)) == {county.justice.pk, county.branch1.pk}
    assert ids(client.get(LIST, {"status": "dissolved"}, headers=headers)) == {county.branch2.pk}
    assert len(ids(client.get(LIST, {"status": "all"}, headers=headers))) == 3


def test_parent_id_is_given_only_when_the_parent_is_visible(client, county, make_user, bearer):
    committee = bearer(make_user("committee_admin", county.justice))
    rows = {row["id"]: row for row in client.get(LIST, headers=committee).json()["items"]}
    assert rows[county.branch1.pk]["parent_id"] == county.justice.pk
    assert rows[county.justice.pk]["parent_id"] is None  # 县委 is outside the scope
    assert (
        client.get(detail(county.branch1), headers=committee).json()["parent_id"]
        == county.justice.pk
    )

    admin = bearer(make_user("system_admin", county.root))
    assert client.get(detail(county.justice), headers=admin).json()["parent_id"] == county.root.pk
    assert client.get(detail(county.root), headers=admin).json()["parent_id"] is None


def test_member_sees_their_own_organization(client, county, make_user, bearer):
    headers = bearer(make_user("member", county.branch1))
    assert ids(client.get(LIST, headers=headers)) == {county.branch1.pk}
    assert client.get(detail(county.branch2), headers=headers).status_code == 404


def test_user_without_grants_sees_nothing(client, county, make_user, bearer):
    headers = bearer(make_user())
    assert ids(client.get(LIST, headers=headers)) == set()
    assert client.get(detail(county.branch1), headers=headers).status_code == 404


def test_pagination_uses_limit_and_offset(client, county, make_user, bearer):
    headers = bearer(make_user("system_admin", county.root))
    first = client.get(LIST, {"limit": 3, "offset": 0}, headers=headers).json()
    second = client.get(LIST, {"limit": 3, "offset": 3}, headers=headers).json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 3 and len(second["items"]) == 3
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    # Tree order: the path orders parents before their children.
    assert first["items"][0]["id"] == county.root.pk


def test_list_answers_in_constant_queries(
    client, county, make_user, bearer, django_assert_max_num_queries
):
    headers = bearer(make_user("committee_admin", county.justice))
    client.get(LIST, headers=headers)  # first use of the token writes last_used_at
    for i in range(120):
        add_org(county.branch1, f"第一支部党小组{i}", "party_group")
    with django_assert_max_num_queries(5):  # token, grants, subtree org, count, page
        response = client.get(LIST, {"limit": 200, "subtree": county.justice.pk}, headers=headers)
    items = response.json()["items"]
    assert len(items) == 123
    assert sum(row["kind"]["code"] == "party_group" for row in items) == 120
    assert {row["parent_id"] for row in items if row["kind"]["code"] == "party_group"} == {
        county.branch1.pk
    }

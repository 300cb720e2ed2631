"""Pages of the orgs app: who sees what, at the subtree boundary, and in how many queries."""

from datetime import date

import pytest
from django.urls import reverse

from grassroots.orgs.models import Organization, Person
from grassroots.orgs.services import organization_move
from grassroots.orgs.tests.factories import PersonFactory, add_org, make_id_number

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# Each built-in role: an allowed page inside its subtree and a refused one beside it.
ROLE_CASES = [
    # role, granted on, person allowed (org attr), person refused (org attr or None if none refused)
    ("system_admin", "root", "community", None),
    ("org_dept_admin", "root", "branch2", None),
    ("committee_admin", "town", "community", "branch1"),
    ("branch_secretary", "branch1", "branch1", "branch2"),
    ("discipline_inspector", "justice", "branch2", "community"),
]


@pytest.mark.parametrize(("role", "on", "allowed", "refused"), ROLE_CASES)
def test_person_page_by_role_at_the_subtree_boundary(
    client, county, make_user, role, on, allowed, refused
):
    user = make_user(role, getattr(county, on))
    inside = PersonFactory(primary_org=getattr(county, allowed))
    login(client, user)
    assert client.get(reverse("orgs:person_detail", args=[inside.pk])).status_code == 200
    if refused:
        outside = PersonFactory(primary_org=getattr(county, refused))
        assert client.get(reverse("orgs:person_detail", args=[outside.pk])).status_code == 404
        listed = client.get(reverse("orgs:people"), {"org": county.root.pk})
        shown = set(listed.context["page_obj"].object_list)
        assert inside in shown and outside not in shown


def test_member_sees_own_record_only(client, county, make_user):
    me = PersonFactory(primary_org=county.branch1)
    colleague = PersonFactory(primary_org=county.branch1)
    user = make_user("member", county.branch1, person=me)
    login(client, user)
    assert client.get(reverse("orgs:person_detail", args=[me.pk])).status_code == 200
    assert client.get(reverse("orgs:person_detail", args=[colleague.pk])).status_code == 404
    # The people list sends a member to their own page.
    response = client.get(reverse("orgs:people"))
    assert response.status_code == 302 and response.url == reverse(
        "orgs:person_detail", args=[me.pk]
    )
    assert client.get(reverse("orgs:person_edit", args=[me.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(reverse("orgs:people"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_permissions_follow_a_moved_subtree(client, county, make_user):
    justice_admin = make_user("committee_admin", county.justice)
    town_admin = make_user("committee_admin", county.town)
    person = PersonFactory(primary_org=county.branch2)
    url = reverse("orgs:person_detail", args=[person.pk])
    assert login(client, justice_admin).get(url).status_code == 200
    assert login(client, town_admin).get(url).status_code == 404

    organization_move(
        organization=county.branch2,
        new_parent=county.town,
        actor=make_user("system_admin", county.root),
    )

    assert login(client, justice_admin).get(url).status_code == 404
    assert login(client, town_admin).get(url).status_code == 200


def test_id_number_is_masked_without_the_permission(client, county, make_user):
    person = PersonFactory(
        primary_org=county.branch1, id_number=make_id_number(date(1990, 1, 1), "M")
    )
    person.gender = "M"
    secretary = make_user("branch_secretary", county.branch1)
    page = (
        login(client, secretary)
        .get(reverse("orgs:person_detail", args=[person.pk]))
        .content.decode()
    )
    assert person.id_number not in page and person.masked_id_number in page
    admin = make_user("committee_admin", county.justice)
    page = (
        login(client, admin).get(reverse("orgs:person_detail", args=[person.pk])).content.decode()
    )
    assert person.id_number in page


def test_secretary_edit_form_hides_id_number_and_keeps_it(client, county, make_user):
    person = PersonFactory(primary_org=county.branch1, political_status="masses")
    secretary = make_user("branch_secretary", county.branch1)
    login(client, secretary)
    url = reverse("orgs:person_edit", args=[person.pk])
    assert 'name="id_number"' not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "新名字",
            "gender": person.gender,
            "ethnicity": "01",
            "birth_date": person.birth_date.isoformat(),
            "political_status": "masses",
            "mobile": person.mobile,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.name == "新名字" and len(person.id_number) == 18


def test_person_create_with_bad_input_shows_messages_and_saves_nothing(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    login(client, secretary)
    response = client.post(
        reverse("orgs:person_create"),
        {
            "organization": county.branch1.pk,
            "name": "王" * 500,
            "id_number": "320102198503141230",
            "birth_date": "not-a-date",
            "mobile": "123",
            "political_status": "party_member",
            "ethnicity": "99",
        },
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_person_create_in_another_branch_is_refused(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    login(client, secretary)
    response = client.post(
        reverse("orgs:person_create"),
        {
            "organization": county.branch2.pk,
            "name": "王五",
            "gender": "M",
            "ethnicity": "01",
            "political_status": "masses",
        },
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Person.objects.exists()


def test_org_pages_refuse_outside_scope_and_bad_ids(client, county, make_user):
    admin = make_user("committee_admin", county.town)
    login(client, admin)
    assert client.get(reverse("orgs:detail", args=[county.community.pk])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[county.justice.pk])).status_code == 404
    assert client.get(reverse("orgs:edit", args=[county.justice.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[999999])).status_code == 404
    assert client.get(reverse("orgs:tree_children", args=[county.justice.pk])).status_code == 404


def test_secretary_may_not_manage_organizations(client, county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    login(client, secretary)
    assert client.get(reverse("orgs:detail", args=[county.branch1.pk])).status_code == 200
    assert client.get(reverse("orgs:edit", args=[county.branch1.pk])).status_code == 404
    assert (
        client.post(
            reverse("orgs:dissolve", args=[county.branch1.pk]), {"confirm": "on"}
        ).status_code
        == 404
    )


def test_committee_admin_moves_a_branch_through_the_page(client, county, make_user):
    admin = make_user("system_admin", county.root)
    login(client, admin)
    response = client.post(
        reverse("orgs:move", args=[county.branch2.pk]), {"target": county.town.pk}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert (
        Organization.objects.get_parent(Organization.objects.get(pk=county.branch2.pk)).pk
        == county.town.pk
    )


def test_switcher_refuses_an_org_outside_scope(client, county, make_user):
    admin = make_user("committee_admin", county.town)
    login(client, admin)
    assert (
        client.post(reverse("orgs:switch"), {"organization": county.justice.pk}).status_code == 404
    )
    response = client.post(
        reverse("orgs:switch"),
        {"organization": county.community.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_people_search_by_pinyin_initials_and_mobile(client, county, make_user):
    admin = make_user("committee_admin", county.justice)
    PersonFactory(primary_org=county.branch1, name="张海生", mobile="13900001111")
    PersonFactory(primary_org=county.branch1, name="李明", mobile="13700002222")
    login(client, admin)

    def names(q):
        return [p.name for p in client.get(reverse("orgs:people"), {"q": q}).context["page_obj"]]

    assert names("zhs") == ["张海生"]
    assert names("zhanghai") == ["张海生"]
    assert names("1370000") == ["李明"]
    assert names("海生") == ["张海生"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"org": "x"},
        {"q": "张" * 5000},
        {"political_status": "nope"},
        {"org": "99999999999999999999"},
    ],
)
def test_people_list_never_fails_on_malformed_filters(client, county, make_user, params):
    admin = make_user("committee_admin", county.justice)
    login(client, admin)
    assert client.get(reverse("orgs:people"), params).status_code == 200


def test_people_list_query_budget_with_1000_people(
    client, county, make_user, django_assert_max_num_queries
):
    admin = make_user("committee_admin", county.justice)
    PersonFactory.create_batch(40, primary_org=county.branch1)
    login(client, admin)
    client.get(reverse("orgs:people"))  # warm the session and caches
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("orgs:people"), {"org": county.justice.pk})
    PersonFactory.create_batch(960, primary_org=county.branch2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("orgs:people"), {"org": county.justice.pk})
    assert "1000" in response.content.decode()


def test_tree_page_query_budget_with_1000_organizations(
    client, county, make_user, django_assert_max_num_queries
):
    admin = make_user("system_admin", county.root)
    login(client, admin)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("orgs:tree"))
        client.get(reverse("orgs:tree_children", args=[county.town.pk]))
    parent = Organization.objects.get(pk=county.town.pk)
    for i in range(1000):
        add_org(parent, f"网格支部{i}", "branch")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("orgs:tree"))
        response = client.get(reverse("orgs:tree_children", args=[county.town.pk]))
    assert "网格支部999" in response.content.decode()


def test_organization_page_query_budget(client, county, make_user, django_assert_max_num_queries):
    admin = make_user("committee_admin", county.justice)
    PersonFactory.create_batch(5, primary_org=county.branch1)
    login(client, admin)
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("orgs:detail", args=[county.branch1.pk]))
    PersonFactory.create_batch(200, primary_org=county.branch1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("orgs:detail", args=[county.branch1.pk])).status_code == 200


def test_home_shows_counts_of_the_current_organization(client, county, make_user):
    admin = make_user("committee_admin", county.justice)
    PersonFactory.create_batch(3, primary_org=county.branch1)
    login(client, admin)
    page = client.get(reverse("core:home")).content.decode()
    assert "县司法局党总支" in page and 'data-testid="home-counters"' in page


# Every built-in role, before and after a subtree moves: (role, granted on, person's branch,
# new parent of that branch, visible before, visible after).
MOVE_CASES = [
    ("system_admin", "root", "branch2", "town", True, True),
    ("org_dept_admin", "root", "branch2", "town", True, True),
    ("committee_admin", "town", "branch2", "town", False, True),
    ("committee_admin", "justice", "branch2", "town", True, False),
    ("branch_secretary", "branch2", "branch2", "town", True, True),
    ("branch_secretary", "branch1", "branch2", "town", False, False),
    ("discipline_inspector", "justice", "branch2", "town", True, False),
    ("discipline_inspector", "town", "branch2", "town", False, True),
]


@pytest.mark.parametrize(("role", "on", "branch", "new_parent", "before", "after"), MOVE_CASES)
def test_each_role_before_and_after_a_subtree_moves(
    client, county, make_user, role, on, branch, new_parent, before, after
):
    user = make_user(role, getattr(county, on))
    person = PersonFactory(primary_org=getattr(county, branch))
    url = reverse("orgs:person_detail", args=[person.pk])
    login(client, user)
    assert (client.get(url).status_code == 200) is before
    assert (
        person in client.get(reverse("orgs:people"), {"org": ""}).context["page_obj"].object_list
    ) is before

    mover = make_user("system_admin", county.root)
    organization_move(
        organization=getattr(county, branch), new_parent=getattr(county, new_parent), actor=mover
    )

    login(client, user)
    assert (client.get(url).status_code == 200) is after
    assert (
        person in client.get(reverse("orgs:people"), {"org": ""}).context["page_obj"].object_list
    ) is after


def test_member_keeps_their_own_record_after_a_move(client, county, make_user):
    me = PersonFactory(primary_org=county.branch2)
    user = make_user("member", county.branch2, person=me)
    organization_move(
        organization=county.branch2,
        new_parent=county.town,
        actor=make_user("system_admin", county.root),
    )
    login(client, user)
    assert client.get(reverse("orgs:person_detail", args=[me.pk])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[county.branch2.pk])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[county.justice.pk])).status_code == 404


def test_subtree_figures_and_tree_totals_agree_with_plain_counts(client, county, make_user):
    from grassroots.orgs.selectors import children_of, subtree_counts

    PersonFactory.create_batch(3, primary_org=county.branch1)
    PersonFactory.create_batch(2, primary_org=county.branch2, political_status="masses")
    PersonFactory(primary_org=county.justice, status="left")
    PersonFactory(primary_org=county.community)
    admin = make_user("system_admin", county.root)
    assert subtree_counts(county.justice) == {"organizations": 2, "people": 5, "party_members": 3}
    assert subtree_counts(county.root)["people"] == 6
    totals = {n.pk: n.people_total for n in children_of(admin, county.root)}
    assert totals == {county.dept.pk: 0, county.justice.pk: 5, county.town.pk: 1}


@pytest.mark.django_db(transaction=True)
def test_figures_follow_writes_at_once(client, county, make_user):
    """The per-organization counts are cached between writes; every kind of write shows.
    (Transactional: inside a test's transaction nothing is cached at all.)"""
    from django.core.cache import cache

    from grassroots.orgs.counts import VERSION_KEY
    from grassroots.orgs.services import person_set_status

    admin = make_user("system_admin", county.root)
    login(client, admin)

    def justice_total():
        nodes = client.get(reverse("orgs:tree")).context["nodes"][0].children_nodes
        return {n.pk: n.people_total for n in nodes}[county.justice.pk]

    assert justice_total() == 0
    assert cache.get(f"orgs:counts:{cache.get(VERSION_KEY)}:all") is not None, "counts are cached"
    person = PersonFactory(primary_org=county.branch1)
    assert justice_total() == 1
    person_set_status(person=person, status="left", actor=admin)
    assert justice_total() == 0
    PersonFactory(primary_org=county.community)
    organization_move(organization=county.community, new_parent=county.justice, actor=admin)
    assert justice_total() == 1


def test_merge_warns_about_grants_left_on_the_dissolved_organization(client, county, make_user):
    admin = make_user("system_admin", county.root)
    make_user("branch_secretary", county.branch2)
    login(client, admin)
    response = client.post(
        reverse("orgs:merge", args=[county.branch2.pk]), {"target": county.branch1.pk}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("1 项授权" in t for t in texts)


def test_secretary_name_links_only_where_the_person_may_be_opened(client, county, make_user):
    from grassroots.orgs.services import organization_update

    secretary = PersonFactory(primary_org=county.branch1, name="王书记")
    organization_update(
        organization=county.branch1,
        secretary=secretary,
        actor=make_user("system_admin", county.root),
    )
    member = make_user("member", county.branch1, person=PersonFactory(primary_org=county.branch1))
    link = reverse("orgs:person_detail", args=[secretary.pk])
    page = (
        login(client, member).get(reverse("orgs:detail", args=[county.branch1.pk])).content.decode()
    )
    assert "王书记" in page and link not in page
    admin = make_user("committee_admin", county.justice)
    page = (
        login(client, admin).get(reverse("orgs:detail", args=[county.branch1.pk])).content.decode()
    )
    assert link in page


def test_person_action_pages_write_through_services_and_refuse_outside_scope(
    client, county, make_user
):
    from grassroots.orgs.models import Position

    secretary = make_user("branch_secretary", county.branch1)
    mine = PersonFactory(primary_org=county.branch1)
    other = PersonFactory(primary_org=county.branch2)
    login(client, secretary)
    response = client.post(
        reverse("orgs:position_add", args=[mine.pk]), {"title": "组织委员", "rank": ""}
    )
    assert response.status_code == 302 and Position.objects.filter(person=mine).count() == 1
    response = client.post(reverse("orgs:person_status", args=[mine.pk]), {"status": "left"})
    assert response.status_code == 302 and Person.objects.get(pk=mine.pk).status == "left"
    bad = client.post(
        reverse("orgs:position_add", args=[mine.pk]),
        {"title": "x", "started_on": "2026-05-01", "ended_on": "2026-01-01"},
    )
    assert bad.status_code == 200 and Position.objects.filter(person=mine).count() == 1
    assert (
        client.post(reverse("orgs:person_status", args=[other.pk]), {"status": "left"}).status_code
        == 404
    )
    assert client.get(reverse("orgs:person_transfer", args=[other.pk])).status_code == 404

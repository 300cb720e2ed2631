"""The permission engine: grants on a subtree, before and after the subtree moves."""

import pytest

from grassroots.core import permissions
from grassroots.core.permissions import collapse, objects_for, user_can
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.services import organization_move
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_collapse_keeps_only_topmost_prefixes():
    assert collapse(["00010002", "0001", "00020001", "000200010003"]) == ["0001", "00020001"]


def test_grant_covers_the_subtree_and_nothing_beside_it(county, make_user):
    secretary = make_user("branch_secretary", county.branch1)
    inside = PersonFactory(primary_org=county.branch1)
    beside = PersonFactory(primary_org=county.branch2)
    assert user_can(secretary, "orgs.view_person", inside)
    assert not user_can(secretary, "orgs.view_person", beside)
    visible = objects_for(secretary, "orgs.view_person", Person.objects.all())
    assert list(visible) == [inside]


def test_objects_for_is_one_query_whatever_the_number_of_grants(
    county, make_user, django_assert_num_queries
):
    officer = make_user("committee_admin", county.justice)
    for org in (county.branch1, county.branch2, county.community, county.town):
        from grassroots.core.testing import grant

        grant(officer, "discipline_inspector", org)
    PersonFactory.create_batch(5, primary_org=county.branch1)
    permissions.forget_scopes(officer)
    with django_assert_num_queries(3):  # the grants once, then one query per list
        list(objects_for(officer, "orgs.view_person", Person.objects.all()))
        list(objects_for(officer, "orgs.view_person", Person.objects.all()))
        assert has_cached_scopes(officer)


def has_cached_scopes(user):
    return getattr(user, "_grassroots_scopes", None) is not None


def test_moving_a_subtree_moves_the_permissions(county, make_user):
    town_admin = make_user("committee_admin", county.town)
    justice_admin = make_user("committee_admin", county.justice)
    person = PersonFactory(primary_org=county.branch2)
    assert not user_can(town_admin, "orgs.view_person", person)
    assert user_can(justice_admin, "orgs.view_person", person)

    root_admin = make_user("system_admin", county.root)
    organization_move(organization=county.branch2, new_parent=county.town, actor=root_admin)

    permissions.forget_scopes(town_admin)
    permissions.forget_scopes(justice_admin)
    person = Person.objects.select_related("primary_org").get(pk=person.pk)
    assert user_can(town_admin, "orgs.view_person", person)
    assert not user_can(justice_admin, "orgs.view_person", person)
    assert person in objects_for(town_admin, "orgs.view_person", Person.objects.all())
    assert (
        Organization.objects.get_parent(Organization.objects.get(pk=county.branch2.pk)).pk
        == county.town.pk
    )


def test_member_sees_only_their_own_record(county, make_user):
    person = PersonFactory(primary_org=county.branch1)
    colleague = PersonFactory(primary_org=county.branch1)
    member = make_user("member", county.branch1, person=person)
    assert user_can(member, "orgs.view_person", person, own=True)
    assert not user_can(member, "orgs.view_person", colleague, own=True)
    assert list(objects_for(member, "orgs.view_person", Person.objects.all(), own=True)) == [person]


def test_inactive_user_holds_nothing(county, make_user):
    admin = make_user("system_admin", county.root, is_active=False)
    assert not user_can(admin, "orgs.view_organization", county.root)


def test_path_upper_bound_carries_through_the_alphabet():
    from grassroots.core.permissions import path_upper_bound

    assert path_upper_bound("0001") == "0002"
    assert path_upper_bound("0009") == "000A"
    assert path_upper_bound("000Z") == "001"
    assert path_upper_bound("ZZZZ") is None


def test_subtree_range_matches_exactly_the_descendants(county):
    from grassroots.core.permissions import subtree_q

    for org in Organization.objects.all():
        by_range = set(
            Organization.objects.filter(subtree_q("path", org.path)).values_list("pk", flat=True)
        )
        by_prefix = set(
            Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
        )
        assert by_range == by_prefix

"""Writes of the orgs app: validation, permissions, moves, dissolution and merges."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.orgs import services
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Membership, Organization, Person
from grassroots.orgs.tests.factories import PersonFactory, kind, make_id_number

pytestmark = pytest.mark.django_db


def person_data(**overrides):
    data = {
        "name": "张海生",
        "gender": "M",
        "id_number": make_id_number(date(1985, 3, 14), "M"),
        "mobile": "13812345678",
        "political_status": "party_member",
        "joined_party_on": date(2008, 7, 1),
        "full_member_on": date(2009, 7, 1),
    }
    data.update(overrides)
    return data


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


def test_create_person_fills_birth_date_pinyin_and_membership(county, secretary):
    person = services.person_create(organization=county.branch1, actor=secretary, **person_data())
    assert person.birth_date == date(1985, 3, 14)
    assert (person.name_pinyin, person.name_initials) == ("zhanghaisheng", "zhs")
    membership = Membership.objects.get(person=person)
    assert membership.organization == county.branch1 and membership.ended_on is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "320102198503141230"}, "id_number"),  # wrong check digit
        ({"birth_date": date(1985, 3, 15)}, "birth_date"),
        ({"gender": "F"}, "gender"),
        ({"mobile": "1381234567"}, "mobile"),
        ({"joined_party_on": None, "full_member_on": None}, "joined_party_on"),
        ({"full_member_on": date(2007, 1, 1)}, "full_member_on"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_person_data_is_refused_and_nothing_saved(county, secretary, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            organization=county.branch1, actor=secretary, **person_data(**overrides)
        )
    assert field in exc.value.message_dict
    assert not Person.objects.exists()
    assert not Membership.objects.exists()


def test_id_number_unique_among_active_people(county, secretary):
    data = person_data()
    first = services.person_create(organization=county.branch1, actor=secretary, **data)
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            organization=county.branch1, actor=secretary, **{**data, "name": "李四"}
        )
    assert "id_number" in exc.value.message_dict
    # Once the first has left, the number may be used again (e.g. a returning member re-registered).
    services.person_set_status(person=first, status=PersonStatus.LEFT, actor=secretary)
    services.person_create(organization=county.branch1, actor=secretary, **data)


def test_database_enforces_id_number_uniqueness_under_a_race(county, secretary):
    """Two requests that pass the check at the same time still cannot both write."""
    from django.db import IntegrityError, transaction

    data = person_data()
    services.person_create(organization=county.branch1, actor=secretary, **data)
    twin = Person(primary_org=county.branch1, **{k: v for k, v in data.items()})
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_secretary_cannot_create_people_in_a_sibling_branch(county, secretary):
    with pytest.raises(PermissionDenied):
        services.person_create(organization=county.branch2, actor=secretary, **person_data())


def test_transfer_keeps_the_membership_history(county, make_user):
    admin = make_user("committee_admin", county.justice)
    person = PersonFactory(primary_org=county.branch1)
    services.person_transfer(
        person=person, organization=county.branch2, on=date(2026, 6, 1), actor=admin
    )
    history = list(Membership.objects.filter(person=person).order_by("started_on"))
    assert [(m.organization_id, m.ended_on) for m in history] == [
        (county.branch1.pk, date(2026, 6, 1)),
        (county.branch2.pk, None),
    ]
    assert Person.objects.get(pk=person.pk).primary_org == county.branch2


def test_transfer_out_of_scope_is_refused(county, make_user):
    admin = make_user("committee_admin", county.justice)
    person = PersonFactory(primary_org=county.branch1)
    with pytest.raises(PermissionDenied):
        services.person_transfer(person=person, organization=county.community, actor=admin)


def test_org_code_is_unique_with_a_clear_message(county, make_user):
    admin = make_user("committee_admin", county.justice)
    with pytest.raises(ValidationError) as exc:
        services.organization_create(
            parent=county.justice,
            actor=admin,
            code=county.branch1.code,
            name="新支部",
            kind=kind("branch"),
        )
    assert "code" in exc.value.message_dict


def test_create_child_and_refuse_outside_scope(county, make_user):
    admin = make_user("committee_admin", county.justice)
    org = services.organization_create(
        parent=county.justice,
        actor=admin,
        code="N001",
        name="县司法局第三党支部",
        kind=kind("branch"),
    )
    assert Organization.objects.get_parent(org).pk == county.justice.pk
    with pytest.raises(PermissionDenied):
        services.organization_create(
            parent=county.town, actor=admin, code="N002", name="X", kind=kind("branch")
        )


def test_move_under_own_descendant_is_refused(county, make_user):
    admin = make_user("system_admin", county.root)
    with pytest.raises(ValidationError):
        services.organization_move(
            organization=county.justice, new_parent=county.branch1, actor=admin
        )


def test_dissolve_refused_while_people_are_active(county, make_user):
    admin = make_user("committee_admin", county.justice)
    PersonFactory(primary_org=county.branch2)
    with pytest.raises(ValidationError):
        services.organization_dissolve(organization=county.branch2, actor=admin)
    assert Organization.objects.get(pk=county.branch2.pk).status == OrgStatus.ACTIVE


def test_dissolve_an_empty_subtree(county, make_user):
    admin = make_user("committee_admin", county.town)
    services.organization_dissolve(organization=county.town, on=date(2026, 11, 1), actor=admin)
    statuses = set(
        Organization.objects.filter(path__startswith=county.town.path).values_list(
            "status", flat=True
        )
    )
    assert statuses == {OrgStatus.DISSOLVED}


def test_merge_moves_people_and_children_then_dissolves(county, make_user):
    admin = make_user("system_admin", county.root)
    people = PersonFactory.create_batch(3, primary_org=county.branch2)
    services.organization_merge(organization=county.justice, into=county.town, actor=admin)
    justice = Organization.objects.get(pk=county.justice.pk)
    assert justice.status == OrgStatus.DISSOLVED and justice.merged_into_id == county.town.pk
    branch2 = Organization.objects.get(pk=county.branch2.pk)
    assert Organization.objects.get_parent(branch2).pk == county.town.pk
    assert all(Person.objects.get(pk=p.pk).primary_org_id == county.branch2.pk for p in people)


def test_merge_moves_direct_members(county, make_user):
    admin = make_user("committee_admin", county.justice)
    person = PersonFactory(primary_org=county.branch1)
    services.organization_merge(organization=county.branch1, into=county.branch2, actor=admin)
    assert Person.objects.get(pk=person.pk).primary_org_id == county.branch2.pk
    assert Membership.objects.filter(person=person).count() == 2


def test_change_history_masks_the_id_number_like_the_pages(county, make_user):
    from auditlog.models import LogEntry

    admin = make_user("committee_admin", county.justice)
    data = person_data()
    person = services.person_create(organization=county.branch1, actor=admin, **data)
    new_id = make_id_number(date(1985, 3, 14), "M")
    while new_id == data["id_number"]:
        new_id = make_id_number(date(1985, 3, 14), "M")
    services.person_update(person=person, actor=admin, id_number=new_id)
    entries = LogEntry.objects.get_for_object(person)
    shown = [str(e.changes_dict.get("id_number")) for e in entries]
    assert all(data["id_number"][4:-4] not in text and new_id[4:-4] not in text for text in shown)
    assert any(new_id[:4] + "**********" + new_id[-4:] in text for text in shown)


def test_search_by_id_number_only_where_it_may_be_read(county, make_user):
    from grassroots.orgs.selectors import PeopleFilter, filter_people

    person = PersonFactory(primary_org=county.branch1)
    secretary = make_user("branch_secretary", county.branch1)
    admin = make_user("committee_admin", county.justice)
    prefix = person.id_number[:10]
    assert list(filter_people(admin, PeopleFilter(query=prefix))) == [person]
    assert list(filter_people(admin, PeopleFilter(query=person.id_number))) == [person]
    # The secretary sees the person, masked: a digit-by-digit search must not reveal the number.
    assert list(filter_people(secretary, PeopleFilter(query=prefix))) == []
    assert list(filter_people(secretary, PeopleFilter(query=person.id_number))) == []
    assert list(filter_people(secretary, PeopleFilter(query=person.mobile[:7]))) == [person]


def test_leaving_and_returning_keeps_an_unbroken_history(county, secretary):
    from django.utils import timezone

    person = services.person_create(organization=county.branch1, actor=secretary, **person_data())
    services.person_set_status(person=person, status=PersonStatus.LEFT, actor=secretary)
    assert not Membership.objects.filter(person=person, ended_on__isnull=True).exists()
    services.person_set_status(person=person, status=PersonStatus.ACTIVE, actor=secretary)
    current = Membership.objects.get(person=person, ended_on__isnull=True)
    assert current.organization == county.branch1 and current.started_on == timezone.localdate()


def test_future_dates_are_refused_for_joining_and_transfer(county, make_user):
    from datetime import timedelta

    from django.utils import timezone

    admin = make_user("committee_admin", county.justice)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            organization=county.branch1, actor=admin, joined_on=tomorrow, **person_data()
        )
    assert "joined_on" in exc.value.message_dict
    person = PersonFactory(primary_org=county.branch1)
    with pytest.raises(ValidationError):
        services.person_transfer(
            person=person, organization=county.branch2, on=tomorrow, actor=admin
        )
    assert Person.objects.get(pk=person.pk).primary_org == county.branch1


def test_a_position_is_ended_once(county, secretary):
    person = PersonFactory(primary_org=county.branch1)
    position = services.position_add(
        person=person, actor=secretary, title="组织委员", started_on=date(2020, 1, 1)
    )
    services.position_end(position=position, on=date(2026, 1, 1), actor=secretary)
    with pytest.raises(ValidationError):
        services.position_end(position=position, actor=secretary)
    position.refresh_from_db()
    assert position.ended_on == date(2026, 1, 1)


def test_secretary_comes_from_the_org_its_subtree_or_above(county, make_user):
    admin = make_user("committee_admin", county.justice)
    from_general_branch = PersonFactory(primary_org=county.justice)
    from_sibling = PersonFactory(primary_org=county.branch2)
    org = services.organization_create(
        parent=county.justice,
        actor=admin,
        code="N010",
        name="第三支部",
        kind=kind("branch"),
        secretary=from_general_branch,
    )
    assert org.secretary == from_general_branch
    with pytest.raises(ValidationError) as exc:
        services.organization_update(organization=org, actor=admin, secretary=from_sibling)
    assert "secretary" in exc.value.message_dict


def test_secretary_candidates_offer_the_subtree_and_above_only(county, make_user):
    from grassroots.orgs.selectors import secretary_candidates

    admin = make_user("committee_admin", county.justice)
    above = PersonFactory(primary_org=county.justice)
    inside = PersonFactory(primary_org=county.branch1)
    sibling = PersonFactory(primary_org=county.branch2)
    outside = PersonFactory(primary_org=county.community)
    offered = set(secretary_candidates(admin, county.branch1))
    assert {above, inside} <= offered and not offered & {sibling, outside}


def test_a_move_is_in_the_change_history_with_its_actor(county, make_user):
    from auditlog.models import LogEntry

    admin = make_user("system_admin", county.root)
    services.organization_move(organization=county.branch2, new_parent=county.town, actor=admin)
    entry = LogEntry.objects.get_for_object(Organization.objects.get(pk=county.branch2.pk)).latest(
        "timestamp"
    )
    assert entry.changes_dict == {"parent": [county.justice.name, county.town.name]}
    assert entry.actor == admin


def test_history_records_own_columns_not_reverse_relations(county, secretary):
    from auditlog.models import LogEntry

    person = services.person_create(organization=county.branch1, actor=secretary, **person_data())
    changes = LogEntry.objects.get_for_object(person).get().changes_dict
    assert "name" in changes and not {"memberships", "positions", "user", "id"} & set(changes)
    assert LogEntry.objects.get_for_object(person).get().actor == secretary


def test_a_top_organization_is_neither_merged_nor_dissolved(county, make_user):
    from grassroots.orgs.tests.factories import add_org

    admin = make_user("system_admin", county.root)
    admin.is_superuser = True
    other_root = add_org(None, "另一县委", "party_committee")
    with pytest.raises(ValidationError):
        services.organization_merge(organization=county.root, into=other_root, actor=admin)
    with pytest.raises(ValidationError):
        services.organization_dissolve(organization=county.root, actor=admin)


def test_default_kinds_speak_the_users_language_until_renamed(county):
    from django.utils import translation

    branch_kind = kind("branch")
    with translation.override("en"):
        assert branch_kind.label == "Party branch"
        branch_kind.name = "基层党支部"
        assert branch_kind.label == "基层党支部"

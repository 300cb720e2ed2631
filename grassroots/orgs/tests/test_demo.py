"""The demo county: its shape, valid identities, one working login per built-in role, reruns."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from grassroots.accounts.models import Role, RoleGrant, User
from grassroots.accounts.roles import BUILTIN_ROLES
from grassroots.core import permissions
from grassroots.core.validators import parse_id_number, validate_mobile
from grassroots.orgs.demo import DEMO_PASSWORD, ROOT_CODE, PersonMaker, make_id_number, plan_people
from grassroots.orgs.enums import PoliticalStatus
from grassroots.orgs.models import Membership, Organization, Person

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    run("demo", "--people", "200")
    return Organization.objects.get(code=ROOT_CODE)


def test_the_justice_general_branch_has_four_branches_and_51_members(demo):
    justice = Organization.objects.get(name="县司法局党总支")
    branches = Organization.objects.get_children(justice)
    assert [b.kind.code for b in branches] == ["branch"] * 4
    assert Person.objects.filter(primary_org__path__startswith=justice.path).count() == 51
    assert justice.path.startswith(demo.path) and justice.secretary is not None


def test_the_county_has_committees_branches_groups_villages_and_communities(demo):
    kinds = set(Organization.objects.values_list("kind__code", flat=True))
    assert {
        "party_committee",
        "working_committee",
        "department",
        "general_branch",
        "branch",
    } <= kinds
    assert {"party_group", "community", "village"} <= kinds
    assert Organization.objects.get(code=ROOT_CODE).depth == 1
    branches = Organization.objects.filter(kind__code="branch")
    assert not branches.filter(secretary__isnull=True).exists()
    for branch in branches.select_related("secretary__primary_org"):
        # A secretary comes from the branch itself (services refuse strangers anyway).
        assert branch.secretary.primary_org.path.startswith(branch.path)


def test_zhang_haisheng_is_in_a_justice_branch_and_found_by_initials(demo):
    person = Person.objects.get(name="张海生")
    assert person.name_initials == "zhs"
    assert person.primary_org.name.startswith("县司法局")


def test_every_person_has_a_valid_id_number_matching_birth_date_and_gender(demo):
    people = list(Person.objects.all())
    assert len(people) >= 200
    for person in people:
        facts = parse_id_number(person.id_number)  # raises on a bad check digit
        assert facts.birth_date == person.birth_date
        assert facts.gender == person.gender
        validate_mobile(person.mobile)
        assert person.name_pinyin and person.name_initials
    assert len({p.id_number for p in people}) == len(people)
    assert len({p.mobile for p in people}) == len(people)
    assert Membership.objects.filter(ended_on__isnull=True).count() == len(people)


def test_party_members_have_consistent_dates_and_the_mix_is_realistic(demo):
    people = Person.objects.all()
    statuses = {s: people.filter(political_status=s).count() for s in PoliticalStatus.values}
    assert statuses[PoliticalStatus.PARTY_MEMBER] > len(people) / 2
    for status in (
        PoliticalStatus.PROBATIONARY,
        PoliticalStatus.LEAGUE_MEMBER,
        PoliticalStatus.MASSES,
    ):
        assert statuses[status] > 0
    assert not people.filter(
        political_status=PoliticalStatus.PROBATIONARY, full_member_on__isnull=False
    ).exists()
    assert not people.filter(
        political_status=PoliticalStatus.PARTY_MEMBER, joined_party_on__isnull=True
    ).exists()


def test_one_user_per_builtin_role_who_can_log_in(demo):
    builtin = {r.slug for r in BUILTIN_ROLES}
    grants = RoleGrant.objects.select_related("user", "user__person", "role", "organization")
    assert {g.role.slug for g in grants} == builtin
    assert grants.count() == len(builtin)
    for grant in grants:
        user = grant.user
        assert user.check_password(DEMO_PASSWORD)
        assert user.person is not None and user.mobile == user.person.mobile
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()

    # A real login through the login page for each of them, by username and by mobile.
    for grant in grants:
        for login in (grant.user.username, grant.user.mobile):
            browser = Client()
            response = browser.post(
                reverse("accounts:login"), {"username": login, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 302, login
            assert int(browser.session["_auth_user_id"]) == grant.user.pk
    browser = Client()
    response = browser.post(
        reverse("accounts:login"), {"username": "sj", "password": "wrong-password"}
    )
    assert response.status_code == 200  # refused: the form again
    assert "_auth_user_id" not in browser.session


def test_the_secretary_login_sees_the_branch_and_not_its_neighbour(demo):
    sj = User.objects.get(username="sj")
    branch = Organization.objects.get(name="县司法局第一党支部")
    neighbour = Organization.objects.get(name="县司法局第二党支部")
    assert branch.secretary == sj.person
    assert RoleGrant.objects.get(user=sj).organization == branch
    assert permissions.user_can(
        sj, "orgs.manage_person", Person.objects.filter(primary_org=branch).first()
    )
    assert not permissions.user_can(
        sj, "orgs.view_person", Person.objects.filter(primary_org=neighbour).first()
    )
    dy = User.objects.get(username="dy")
    assert dy.person.primary_org == branch and dy.person != sj.person


def test_if_empty_is_idempotent(demo):
    counts = (Organization.objects.count(), Person.objects.count(), User.objects.count())
    out = run("demo", "--if-empty")
    assert "跳过" in out
    assert (Organization.objects.count(), Person.objects.count(), User.objects.count()) == counts


def test_demo_refuses_a_database_that_has_organizations(county):
    before = Person.objects.count()
    with pytest.raises(CommandError):
        run("demo")
    assert Person.objects.count() == before
    assert not User.objects.filter(username="admin").exists()


def test_demo_with_if_empty_loads_an_empty_database():
    assert "已生成演示数据" in run("demo", "--if-empty", "--people", "120")
    assert Organization.objects.filter(code=ROOT_CODE).exists()


def test_demo_logins_prints_the_accounts_or_a_hint():
    assert "manage.py demo" in run("demo_logins")
    run("demo", "--people", "120")
    out = run("demo_logins")
    for username in ("admin", "zzb", "dw", "sj", "jj", "dy"):
        assert username in out
    assert DEMO_PASSWORD in out
    assert Role.objects.get(slug="branch_secretary").name in out
    user = User.objects.get(username="jj")
    user.set_password("Another-Secret-1")
    user.save()
    assert run("demo_logins").count(DEMO_PASSWORD) == 5


def test_the_same_seed_plans_the_same_people():
    def snapshot(seed):
        plan = plan_people(PersonMaker(seed), 500)
        return [
            (p.unit, p.fields["name"], p.fields["id_number"])
            for rows in plan.by_unit.values()
            for p in rows
        ]

    first = snapshot(7)
    assert first == snapshot(7)
    assert first != snapshot(8)
    assert 490 <= len(first) <= 510


def test_the_default_size_is_about_500_people():
    run("demo")
    assert 490 <= Person.objects.count() <= 510


def test_make_id_number_has_a_valid_check_digit_and_encodes_gender():
    from datetime import date

    for gender in ("M", "F"):
        facts = parse_id_number(make_id_number(date(1984, 2, 29), gender))
        assert facts.birth_date == date(1984, 2, 29) and facts.gender == gender

"""factory_boy factories for organizations and people, with valid zh_CN data."""

import random
from datetime import date
from types import SimpleNamespace

import factory
from faker import Faker

from grassroots.orgs.demo import make_id_number
from grassroots.orgs.enums import Gender, PoliticalStatus
from grassroots.orgs.kinds import ensure_default_kinds
from grassroots.orgs.models import Organization, OrganizationKind, Person
from grassroots.orgs.pinyin import pinyin_keys

fake = Faker("zh_CN")


def kind(code: str) -> OrganizationKind:
    return OrganizationKind.objects.get(code=code)


_code_seq = iter(range(10_000, 10_000_000))


def add_org(parent: Organization | None, name: str, kind_code: str, **extra) -> Organization:
    org = Organization(
        name=name, kind=kind(kind_code), code=extra.pop("code", f"T{next(_code_seq)}"), **extra
    )
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(Organization.objects.get(pk=parent.pk), instance=org)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    gender = factory.LazyFunction(lambda: random.choice([Gender.MALE, Gender.FEMALE]))
    name = factory.LazyAttribute(
        lambda o: fake.name_male() if o.gender == Gender.MALE else fake.name_female()
    )
    birth_date = factory.LazyFunction(
        lambda: fake.date_between(date(1960, 1, 1), date(2003, 12, 31))
    )
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender))
    mobile = factory.LazyFunction(
        lambda: "1" + random.choice("3456789") + f"{random.randint(0, 999_999_999):09d}"
    )
    political_status = PoliticalStatus.PARTY_MEMBER
    joined_party_on = factory.LazyAttribute(
        lambda o: (
            date(o.birth_date.year + 22, 7, 1)
            if o.political_status in ("party_member", "probationary")
            else None
        )
    )
    full_member_on = factory.LazyAttribute(
        lambda o: (
            date(o.birth_date.year + 23, 7, 1) if o.political_status == "party_member" else None
        )
    )
    primary_org = None

    @factory.post_generation
    def pinyin(obj, create, extracted, **kwargs):
        obj.name_pinyin, obj.name_initials = pinyin_keys(obj.name)
        if create:
            obj.save(update_fields=["name_pinyin", "name_initials"])

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            obj.memberships.create(organization=obj.primary_org, started_on=date(2020, 1, 1))


def build_county() -> SimpleNamespace:
    """县委 → 组织部; 司法局党总支 → 第一支部, 第二支部; 城关镇党委 → 东街社区党支部."""
    ensure_default_kinds()
    root = add_org(None, "某县委", "party_committee", code="C0001")
    dept = add_org(root, "县委组织部", "department", code="C0002")
    justice = add_org(
        root, "县司法局党总支", "general_branch", code="C0003", short_name="司法局党总支"
    )
    branch1 = add_org(
        justice, "县司法局第一党支部", "branch", code="C0004", short_name="司法局一支部"
    )
    branch2 = add_org(
        justice, "县司法局第二党支部", "branch", code="C0005", short_name="司法局二支部"
    )
    town = add_org(root, "城关镇党委", "party_committee", code="C0006")
    community = add_org(town, "东街社区党支部", "branch", code="C0007")
    orgs = [
        Organization.objects.get(pk=o.pk)
        for o in (root, dept, justice, branch1, branch2, town, community)
    ]
    root, dept, justice, branch1, branch2, town, community = orgs
    return SimpleNamespace(
        root=root,
        dept=dept,
        justice=justice,
        branch1=branch1,
        branch2=branch2,
        town=town,
        community=community,
    )

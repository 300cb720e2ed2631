"""Test builders shared by the cadres tests: a program of the county's organization department
with two posts, and secondments at any stage with their three parties as users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import ProgramStatus, SecondmentStatus
from grassroots.cadres.models import CadreGroup, Post, Program, Secondment
from grassroots.core.testing import grant
from grassroots.orgs.tests.factories import PersonFactory


def person_with_user(organization, **person_fields):
    """A person of `organization` with an account (the account is `person.user`)."""
    person = PersonFactory(primary_org=organization, **person_fields)
    UserFactory(person=person)
    person.refresh_from_db()
    return person


def officer(county, role: str = "org_dept_admin"):
    """An officer of the organization department with cadres permissions on the county."""
    user = UserFactory()
    grant(user, role, county.root)
    return user


def program(
    county,
    *,
    status: str = ProgramStatus.DRAFT,
    starts_on=date(2026, 3, 1),
    ends_on=date(2027, 2, 28),
    **fields,
) -> Program:
    obj = Program.objects.create(
        title=fields.pop("title", "2026年县委组织部第一批挂职干部"),
        organization=county.dept,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        public_key=fields.pop("public_key", f"pk{Program.objects.count() + 1:06d}"),
        **fields,
    )
    obj.sending_units.set([county.justice])
    return obj


def post(program_obj, host, *, title: str = "镇长助理", places: int = 1, **fields) -> Post:
    return Post.objects.create(program=program_obj, host=host, title=title, places=places, **fields)


@dataclass
class Placed:
    """A secondment and its three parties (persons with accounts)."""

    secondment: Secondment
    cadre: object  # Person
    host_leader: object  # Person
    group_leader: object  # Person

    @property
    def cadre_user(self):
        return self.cadre.user

    @property
    def host_user(self):
        return self.host_leader.user

    @property
    def group_user(self):
        return self.group_leader.user


def secondment(
    county,
    *,
    status: str = SecondmentStatus.PLACED,
    program_obj: Program | None = None,
    cadre=None,
    host=None,
    **fields,
) -> Placed:
    """A secondment of a cadre of 支部一 to 城关镇党委, with a host leader there and a group
    leader, at `status` (placed by default, in a running program)."""
    program_obj = program_obj or program(county, status=ProgramStatus.RUNNING)
    host = host or county.town
    cadre = cadre or person_with_user(county.branch1)
    host_leader = person_with_user(host)
    group_leader = person_with_user(county.dept)
    group = CadreGroup.objects.create(
        program=program_obj, name=f"第{CadreGroup.objects.count() + 1}组", leader=group_leader
    )
    post_obj = post(
        program_obj, host, title=fields.pop("title", "镇长助理"), host_leader=host_leader
    )
    obj = Secondment.objects.create(
        program=program_obj,
        post=post_obj,
        person=cadre,
        sending_org=cadre.primary_org,
        status=status,
        host_leader=host_leader,
        group=group,
        starts_on=fields.pop("starts_on", program_obj.starts_on),
        ends_on=fields.pop("ends_on", program_obj.ends_on),
        placed_on=fields.pop(
            "placed_on", program_obj.starts_on if status == SecondmentStatus.PLACED else None
        ),
        **fields,
    )
    return Placed(obj, cadre, host_leader, group_leader)

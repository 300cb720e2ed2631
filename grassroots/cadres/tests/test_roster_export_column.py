"""The people roster's export carries each person's secondment record (挂职经历): program,
host, post, term and result, for the secondments on record only."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.cadres.enums import AppraisalResult, ProgramStatus, SecondmentStatus
from grassroots.core.testing import queries_of
from grassroots.orgs.tests.factories import PersonFactory

from . import builders

pytestmark = pytest.mark.django_db

COLUMN = "挂职经历"


def _rows(client) -> dict[str, dict]:
    response = client.get(reverse("orgs:roster_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


@pytest.fixture
def exporter(client, make_user, county):
    """A committee officer of 司法局党总支 (支部一 and 支部二) who may also see the programs of
    the organization department (a role with cadres.view_program only), so their secondments."""
    from grassroots.accounts.models import Role, RoleGrant

    user = make_user("committee_admin", county.justice)
    role = Role.objects.create(
        slug="cadres_reader", name="挂职查阅", codenames=["cadres.view_program"]
    )
    RoleGrant.objects.create(user=user, role=role, organization=county.dept)
    client.force_login(user)
    return client


def test_an_exporter_without_cadres_permission_sees_no_secondment(client, make_user, county):
    """The roster export shows what the person's page shows: a committee officer who may not
    see the programs gets an empty column, but their own secondment if they have one."""
    archived = builders.secondment(
        county,
        status=SecondmentStatus.ARCHIVED,
        cadre=PersonFactory(primary_org=county.branch1, name="甲"),
        result=AppraisalResult.GOOD,
    )
    user = make_user("committee_admin", county.justice)
    client.force_login(user)
    assert _rows(client)["甲"][COLUMN] is None
    user.person = archived.cadre
    user.save(update_fields=["person"])
    assert "良好" in _rows(client)["甲"][COLUMN]


def test_an_archived_cadres_row_shows_the_secondment(exporter, county):
    program = builders.program(
        county,
        status=ProgramStatus.FINISHED,
        title="2025年第一批挂职干部",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 12, 31),
    )
    archived = builders.secondment(
        county,
        program_obj=program,
        status=SecondmentStatus.ARCHIVED,
        cadre=PersonFactory(primary_org=county.branch1, name="甲"),
        title="镇长助理",
        result=AppraisalResult.EXCELLENT,
    )
    # The same cadre's withdrawn secondment of a later program is not on record.
    builders.secondment(
        county,
        status=SecondmentStatus.WITHDRAWN,
        cadre=archived.cadre,
        title="村书记助理",
    )
    PersonFactory(primary_org=county.branch2, name="乙")
    rows = _rows(exporter)
    cell = rows["甲"][COLUMN]
    assert cell == "2025年第一批挂职干部 城关镇党委镇长助理 2025年3月—2025年12月 优秀"
    assert "村书记助理" not in cell
    assert rows["乙"][COLUMN] is None


def test_a_withdrawn_secondment_is_not_shown(exporter, county):
    builders.secondment(
        county,
        status=SecondmentStatus.WITHDRAWN,
        cadre=PersonFactory(primary_org=county.branch1, name="丙"),
    )
    assert _rows(exporter)["丙"][COLUMN] is None


def test_secondments_of_people_outside_the_users_subtree_are_not_exported(exporter, county):
    builders.secondment(county, cadre=PersonFactory(primary_org=county.community, name="丁"))
    builders.secondment(county, cadre=PersonFactory(primary_org=county.branch1, name="戊"))
    rows = _rows(exporter)
    assert "丁" not in rows
    assert "2026年3月—2027年2月" in rows["戊"][COLUMN]  # on the post: no result yet


def test_the_export_costs_as_many_queries_for_3_cadres_as_for_30(exporter, county):
    program = builders.program(county, status=ProgramStatus.RUNNING)

    def seconded(count: int) -> None:
        for _ in range(count):
            builders.secondment(
                county, program_obj=program, cadre=PersonFactory(primary_org=county.branch1)
            )

    seconded(3)
    url = reverse("orgs:roster_export")
    few = queries_of(exporter, url)
    seconded(27)
    assert queries_of(exporter, url) == few
    rows = _rows(exporter)
    assert len(rows) == 30 and all(r[COLUMN] for r in rows.values())


def test_the_experience_filter_finds_only_secondments_the_user_may_see(make_user, county):
    """有挂职经历 in the people list (and so in the export) must not tell a committee officer
    without cadres permission who has been seconded."""
    from grassroots.orgs.selectors import PeopleFilter, filter_people

    cadre = PersonFactory(primary_org=county.branch1, name="甲")
    builders.secondment(county, status=SecondmentStatus.ARCHIVED, cadre=cadre)
    PersonFactory(primary_org=county.branch1, name="乙")
    seconded = PeopleFilter(experience="cadres.seconded", organization=county.justice)
    blind = make_user("committee_admin", county.justice)
    assert list(filter_people(blind, seconded)) == []
    officer = make_user("org_dept_admin", county.root)
    assert list(filter_people(officer, seconded)) == [cadre]

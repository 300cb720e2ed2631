"""The columns other apps add to the roster export (core.registry.person_columns): after the
roster's own columns, filled per chunk of people, for the people the user may export only."""

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from grassroots.core.registry import PersonColumn, person_columns
from grassroots.core.testing import queries_of
from grassroots.orgs.models import Person
from grassroots.orgs.roster import workbooks
from grassroots.orgs.roster.columns import COLUMNS
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LABEL = "测试经历"


class Calls:
    """A registered column that answers from the database, one query per call, and records the
    person ids it was asked for."""

    def __init__(self) -> None:
        self.asked: list[list[int]] = []

    def __call__(self, user, person_ids: list[int]) -> dict[int, str]:
        self.asked.append(list(person_ids))
        return {
            pk: f"经历{name}" if name != "公式" else "=1+2"
            for pk, name in Person.objects.filter(
                pk__in=person_ids, name__in=["甲", "乙", "公式"]
            ).values_list("pk", "name")
        }


@pytest.fixture
def column(monkeypatch):
    calls = Calls()
    monkeypatch.setitem(
        person_columns._items,
        "test.column",
        PersonColumn("test.column", 999, gettext_lazy(LABEL), calls),
    )
    return calls


def _sheet(client):
    response = client.get(reverse("orgs:roster_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.worksheets[0]


def _rows(client) -> list[dict]:
    rows = list(_sheet(client).iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_a_registered_column_follows_the_rosters_own_columns(client, county, make_user, column):
    PersonFactory(primary_org=county.branch1, name="甲")
    PersonFactory(primary_org=county.branch2, name="丙")
    client.force_login(make_user("committee_admin", county.justice))
    rows = {r["姓名"]: r for r in _rows(client)}
    headers = list(rows["甲"])
    assert headers[: len(COLUMNS) + 1] == [*(c.header for c in COLUMNS), "所在组织"]
    assert headers[-1] == LABEL
    assert rows["甲"][LABEL] == "经历甲"
    assert rows["丙"][LABEL] is None  # the column has nothing for 丙: an empty cell


def test_a_registered_columns_text_is_not_run_as_a_formula(client, county, make_user, column):
    PersonFactory(primary_org=county.branch1, name="公式")
    client.force_login(make_user("committee_admin", county.justice))
    sheet = _sheet(client)
    cell = sheet.cell(row=2, column=sheet.max_column)
    assert cell.value == "'=1+2" and cell.data_type != "f"


def test_a_registered_column_is_asked_once_per_chunk_for_the_exported_people_only(
    client, county, make_user, column, monkeypatch
):
    monkeypatch.setattr(workbooks, "EXPORT_CHUNK", 2)
    inside = {p.pk for p in PersonFactory.create_batch(5, primary_org=county.branch1)}
    outside = PersonFactory(primary_org=county.community, name="乙")
    client.force_login(make_user("committee_admin", county.justice))
    rows = _rows(client)
    assert len(rows) == 5
    assert sorted(len(ids) for ids in column.asked) == [1, 2, 2]
    asked = {pk for ids in column.asked for pk in ids}
    assert asked == inside and outside.pk not in asked
    assert "经历乙" not in {r[LABEL] for r in rows}


def test_the_export_with_a_column_costs_as_many_queries_for_3_people_as_for_30(
    client, county, make_user, column
):
    PersonFactory.create_batch(3, primary_org=county.branch1, name="甲")
    client.force_login(make_user("committee_admin", county.justice))
    url = reverse("orgs:roster_export")
    few = queries_of(client, url)
    PersonFactory.create_batch(27, primary_org=county.branch1, name="甲")
    assert queries_of(client, url) == few
    assert [r[LABEL] for r in _rows(client)] == ["经历甲"] * 30

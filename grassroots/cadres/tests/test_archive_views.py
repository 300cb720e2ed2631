"""The officers' archive of secondments (挂职档案): search, Excel export, the panel on a person's
page, and no ballot ever shown."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.cadres import panels
from grassroots.cadres.enums import AppraisalResult, ProgramStatus, SecondmentStatus
from grassroots.cadres.services.archive import secondment_archive
from grassroots.core.testing import queries_of

from . import builders
from .test_appraisal_support import close, start, vote_all, world

pytestmark = pytest.mark.django_db

ARCHIVE = "/cadres/archive/"


@pytest.fixture(autouse=True)
def panel_registered():
    panels.register()  # the app's ready() is to call it (see the report)


def archived(county, officer, **fields):
    placed = builders.secondment(
        county,
        status=SecondmentStatus.COMPLETED,
        result=fields.pop("result", AppraisalResult.EXCELLENT),
        final_summary="总结",
        summary_submitted_at=timezone.now(),
        **fields,
    )
    secondment_archive(secondment=placed.secondment, actor=officer)
    placed.secondment.refresh_from_db()
    return placed


def test_archive_url():
    assert reverse("cadres:archive") == ARCHIVE


def test_archive_page_lists_and_searches(county, client):
    officer = builders.officer(county)
    one = archived(county, officer)
    program2 = builders.program(
        county,
        status=ProgramStatus.FINISHED,
        title="2025年第二批",
        starts_on=timezone.datetime(2025, 3, 1).date(),
        ends_on=timezone.datetime(2026, 2, 28).date(),
    )
    two = archived(county, officer, program_obj=program2, result=AppraisalResult.PASS)
    client.force_login(officer)
    html = client.get(ARCHIVE).content.decode()
    assert one.cadre.name in html and two.cadre.name in html
    html = client.get(ARCHIVE, {"q": one.cadre.name}).content.decode()
    assert one.cadre.name in html and two.cadre.name not in html
    html = client.get(ARCHIVE, {"year": 2025}).content.decode()
    assert two.cadre.name in html and one.cadre.name not in html
    html = client.get(ARCHIVE, {"result": "excellent"}).content.decode()
    assert one.cadre.name in html and two.cadre.name not in html
    html = client.get(ARCHIVE, {"host": "城关镇"}).content.decode()
    assert one.cadre.name in html and two.cadre.name in html


def test_archive_page_refused_to_members(county, client):
    officer = builders.officer(county)
    placed = archived(county, officer)
    client.force_login(placed.cadre_user)
    assert client.get(ARCHIVE).status_code == 403
    assert client.get(reverse("cadres:archive_export")).status_code == 403


def test_archive_page_queries_stay_constant(county, client):
    officer = builders.officer(county)
    archived(county, officer)
    client.force_login(officer)
    few = queries_of(client, ARCHIVE)
    for _i in range(8):
        archived(county, officer)
    assert queries_of(client, ARCHIVE) == few


def test_archive_export(county, client):
    from openpyxl import load_workbook

    officer = builders.officer(county)
    placed = archived(county, officer)
    placed.secondment.commended = True
    placed.secondment.commendation = "评为优秀挂职干部"
    placed.secondment.save()
    client.force_login(officer)
    response = client.get(reverse("cadres:archive_export"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "批次",
        "姓名",
        "派出单位",
        "接收单位",
        "挂职岗位",
        "开始日期",
        "结束日期",
        "鉴定结果",
        "表彰",
    )
    s = placed.secondment
    assert len(rows) == 2
    assert rows[1][:5] == (
        s.program.title,
        s.person.name,
        s.sending_org.name,
        "城关镇党委",
        "镇长助理",
    )
    assert rows[1][5].date() == s.starts_on and rows[1][6].date() == s.ends_on
    assert rows[1][7:10] == ("优秀", "评为优秀挂职干部", "已归档")


def test_person_page_shows_the_secondment(county, client):
    officer = builders.officer(county)
    placed = archived(county, officer)
    url = reverse("orgs:person_detail", args=[placed.cadre.pk])
    for user in (officer, placed.cadre_user):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'data-testid="secondment-panel"' in html
        assert placed.secondment.program.title in html and "优秀" in html


def test_person_panel_hidden_without_secondments(county, client):
    officer = builders.officer(county)
    person = builders.person_with_user(county.branch1)
    client.force_login(officer)
    html = client.get(reverse("orgs:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="secondment-panel"' not in html


def test_no_ballot_shown_on_the_archive(county, client):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    client.force_login(w.officer)
    html = client.get(ARCHIVE).content.decode()
    assert w.a.cadre.name in html
    assert "COLLEAGUE-SECRET-REMARK" not in html


def test_english_archive_renders(county, english_client):
    officer = builders.officer(county)
    archived(county, officer)
    english_client.force_login(officer)
    response = english_client.get(ARCHIVE)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()

"""The program dashboard: a row per cadre with the right late-report, report, leave, work plan
and appraisal figures, filters, the Excel export, and a query count that does not grow with
the number of cadres."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import (
    AppraisalResult,
    AppraisalStage,
    LeaveKind,
    LeaveStatus,
    PlanStatus,
    ProgramStatus,
    ReportKind,
    SecondmentStatus,
)
from grassroots.cadres.models import (
    Appraisal,
    AppraisalRound,
    LeaveRequest,
    Report,
    WorkPlan,
)
from grassroots.cadres.selectors import dashboard as selectors
from grassroots.cadres.tests import builders
from grassroots.core.testing import grant, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(county):
    return builders.officer(county)


@pytest.fixture
def program(county):
    return builders.program(county, status=ProgramStatus.RUNNING)


def url(program, **query):
    from urllib.parse import urlencode

    base = reverse("cadres:program_dashboard", args=[program.pk])
    return f"{base}?{urlencode(query)}" if query else base


def report(secondment, month: int, *, due_on, submitted: bool):
    return Report.objects.create(
        secondment=secondment,
        kind=ReportKind.MONTHLY,
        period_start=date(2026, month, 1),
        period_end=date(2026, month, 28),
        due_on=due_on,
        submitted_at=timezone.now() if submitted else None,
    )


def leave(secondment, days: int, status: str, start: date):
    return LeaveRequest.objects.create(
        secondment=secondment,
        kind=LeaveKind.PERSONAL,
        starts_on=start,
        ends_on=start + timedelta(days=days),
        days=days,
        reason="家中有事",
        status=status,
    )


def appraisal_round(program, stage=AppraisalStage.MIDTERM):
    from grassroots.evaluations.models import Campaign

    campaign = Campaign.objects.create(
        organization=program.organization,
        title="中期考核",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
    )
    return AppraisalRound.objects.create(program=program, stage=stage, campaign=campaign)


def busy_cadre(county, program, n: int = 0):
    """A cadre with reports (one late, one submitted, one not yet due), leave taken, pending
    leave and a work plan."""
    placed = builders.secondment(county, program_obj=program)
    secondment = placed.secondment
    today = timezone.localdate()
    report(secondment, 3, due_on=today - timedelta(days=20), submitted=False)
    report(secondment, 4, due_on=today - timedelta(days=10), submitted=True)
    report(secondment, 5, due_on=today + timedelta(days=10), submitted=False)
    leave(secondment, 2, LeaveStatus.APPROVED, date(2026, 4, 1))
    leave(secondment, 3, LeaveStatus.RETURNED, date(2026, 5, 4))
    leave(secondment, 4, LeaveStatus.REJECTED, date(2026, 6, 1))
    leave(secondment, 1, LeaveStatus.PENDING, date(2026, 7, 1))
    WorkPlan.objects.create(secondment=secondment, goals="目标", status=PlanStatus.APPROVED)
    return placed


def test_figures_are_right(county, program):
    busy = busy_cadre(county, program)
    quiet = builders.secondment(county, program_obj=program)
    rnd = appraisal_round(program)
    Appraisal.objects.create(round=rnd, secondment=busy.secondment, result=AppraisalResult.GOOD)
    listed = list(selectors.dashboard_rows(program, selectors.DashboardFilter()))
    rows = {r["pk"]: r for r in selectors.with_figures(listed)}
    row = rows[busy.secondment.pk]
    # Due so far: the late one and the filed one; the one due next month is not yet owed.
    assert (row["late_reports"], row["reports_submitted"], row["reports_total"]) == (1, 1, 2)
    assert (row["leave_days"], row["leave_pending"]) == (5, 1)
    assert row["plan_status"] == PlanStatus.APPROVED
    assert selectors.appraisal_cells(row, selectors.program_rounds(program)) == [
        ("中期考核", "良好")
    ]
    selectors.with_names(listed)
    s = busy.secondment
    assert (row["post__title"], row["post__host__name"]) == (s.post.title, s.post.host.name)
    assert row["sending_org__name"] == s.sending_org.name
    assert row["host_leader__name"] == (s.host_leader.name if s.host_leader else None)
    assert row["group__name"] == (s.group.name if s.group else None)
    other = rows[quiet.secondment.pk]
    figures = ("late_reports", "reports_total", "leave_days", "leave_pending")
    assert [other[name] for name in figures] == [0, 0, 0, 0]
    assert other["plan_status"] is None


def shown(response) -> set[int]:
    """The secondments the dashboard lists, each checked to link to its secondment's page.
    By row id, not by name: generated names may repeat or be part of another name (a host
    leader's, a group leader's) on the same page."""
    rows = re.findall(
        r'data-testid="dashboard-row" data-secondment="(\d+)">\s*<td><a href="([^"]+)"',
        response.content.decode(),
    )
    for pk, href in rows:
        assert href == reverse("cadres:secondment_detail", args=[int(pk)])
    return {int(pk) for pk, _href in rows}


def test_filters_by_stage_group_and_late(client, county, program, officer):
    busy = busy_cadre(county, program).secondment
    quiet = builders.secondment(county, program_obj=program).secondment
    confirmed = builders.secondment(
        county, program_obj=program, status=SecondmentStatus.CONFIRMED
    ).secondment
    builders.secondment(county, program_obj=program, status=SecondmentStatus.WITHDRAWN)
    client.force_login(officer)
    page = client.get(url(program))
    assert page.content.decode().count('data-testid="dashboard-row"') == 3
    assert shown(page) == {busy.pk, quiet.pk, confirmed.pk}  # not the withdrawn one
    assert shown(client.get(url(program, late="1"))) == {busy.pk}
    assert shown(client.get(url(program, stage="confirmed"))) == {confirmed.pk}
    assert shown(client.get(url(program, group=quiet.group_id))) == {quiet.pk}


def test_query_count_is_the_same_for_3_and_40_cadres(client, county, program, officer):
    appraisal_round(program)
    for n in range(3):
        busy_cadre(county, program, n)
    client.force_login(officer)
    few = queries_of(client, url(program))
    for n in range(37):
        busy_cadre(county, program, n)
    many = queries_of(client, url(program))
    assert many == few
    page = client.get(url(program))
    assert page.content.decode().count('data-testid="dashboard-row"') == 40
    assert page.context["totals"] == {
        "cadres": 40,
        "late": 40,
        "leave_days": 200,
        "leave_pending": 40,
    }


def test_dashboard_refused_to_parties_and_other_subtrees(client, county, program):
    placed = builders.secondment(county, program_obj=program)
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    for user in (placed.cadre_user, placed.host_user, placed.group_user, elsewhere):
        client.force_login(user)
        assert client.get(url(program)).status_code == 404
        export = reverse("cadres:program_dashboard_export", args=[program.pk])
        assert client.get(export).status_code == 404
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    client.force_login(viewer)
    assert client.get(url(program)).status_code == 200


def test_export_has_a_row_per_cadre(client, county, program, officer):
    from openpyxl import load_workbook

    busy = busy_cadre(county, program)
    builders.secondment(county, program_obj=program)
    # Generated names may repeat: the busy cadre gets one nobody else has.
    type(busy.cadre).objects.filter(pk=busy.cadre.pk).update(name="甲某某")
    busy.cadre.name = "甲某某"
    client.force_login(officer)
    response = client.get(reverse("cadres:program_dashboard_export", args=[program.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 3
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[busy.cadre.name][7] == 1  # late reports
    assert by_name[busy.cadre.name][10] == 5  # leave days
    assert by_name[busy.cadre.name][2] == busy.secondment.post.host.name


def test_export_writes_formula_like_text_as_text(client, county, program, officer):
    from openpyxl import load_workbook

    placed = builders.secondment(county, program_obj=program)
    type(placed.secondment.post).objects.filter(pk=placed.secondment.post_id).update(
        title='=HYPERLINK("http://x")'
    )
    client.force_login(officer)
    response = client.get(reverse("cadres:program_dashboard_export", args=[program.pk]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    row = list(sheet.iter_rows(values_only=True))[1]
    assert row[3] == '\'=HYPERLINK("http://x")'


def test_dashboard_renders_in_english(english_client, county, program, officer):
    busy_cadre(county, program)
    english_client.force_login(officer)
    assert english_client.get(url(program)).status_code == 200


def test_dashboard_pages_and_totals_cover_every_page(client, county, program, officer, monkeypatch):
    from grassroots.cadres.views import dashboard as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        busy_cadre(county, program, n)
    client.force_login(officer)
    second = client.get(url(program, page=2))
    assert second.content.decode().count('data-testid="dashboard-row"') == 1
    assert second.context["totals"]["cadres"] == 3

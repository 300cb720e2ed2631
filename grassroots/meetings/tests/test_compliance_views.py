"""The compliance page of a subtree: summary, table, filter, pagination, periods, scoping and
query budget; the meetings behind a cell; the Excel export."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.core.testing import queries_of
from grassroots.meetings.compliance import HELD, MISSING, PENDING
from grassroots.meetings.enums import MeetingStatus
from grassroots.orgs.tests.factories import add_org

from .test_compliance import local, meeting

pytestmark = pytest.mark.django_db
URL = "/meetings/compliance/"


@pytest.fixture
def today(monkeypatch):
    """Pages see 10 May 2026 as today."""
    fixed = date(2026, 5, 10)
    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return fixed if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return fixed


@pytest.fixture
def officer(county, make_user, client):
    user = make_user("org_dept_admin", county.root)
    client.force_login(user)
    return user


def hold_all_of_q1(branch):
    for month in (1, 2, 3):
        meeting(branch, "committee_meeting", local(2026, month, 5, 9))
        meeting(branch, "theme_day", local(2026, month, 6, 9))
    meeting(branch, "general_meeting", local(2026, 2, 10, 9))
    meeting(branch, "party_lecture", local(2026, 3, 10, 9))
    meeting(branch, "life_meeting", local(2026, 1, 20, 9))
    meeting(branch, "member_appraisal", local(2026, 1, 21, 9))


def test_url_names():
    assert reverse("meetings:compliance") == URL
    for name in ("compliance_drill", "compliance_export", "rules", "rule_create"):
        assert reverse(f"meetings:{name}").startswith(URL)
    assert reverse("meetings:rule_edit", args=[1]).startswith(URL)


def test_the_summary_and_the_table(client, county, officer, today):
    hold_all_of_q1(county.branch1)
    meeting(county.branch2, "committee_meeting", local(2026, 1, 5, 9))
    response = client.get(URL, {"period": "quarter", "at": "2026-Q1"})
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.view.label == "2026年第1季度"
    assert [r.organization.name for r in overview.rows] == [
        "县司法局第一党支部",
        "县司法局第二党支部",
        "东街社区党支部",
    ]
    summary = overview.summary
    assert (summary.checked, summary.all_met, summary.with_missing) == (3, 1, 2)
    lines = {line.rule.meeting_kind.code: line for line in summary.rules}
    assert (lines["committee_meeting"].missing, lines["committee_meeting"].pending) == (2, 0)
    assert lines["general_meeting"].not_met == 2
    # Yearly rules in a quarter: the year is not over, so branch 2 and the community are
    # pending, not missing.
    assert (lines["life_meeting"].missing, lines["life_meeting"].pending) == (0, 2)
    page = response.content.decode()
    assert "支部委员会：2 个组织未达到要求（共 3 个）" in page
    row1, row2, _row3 = response.context["page_obj"].object_list
    statuses = {c["check"].rule.meeting_kind.code: c["check"].status for c in row2.cells if c}
    assert statuses["committee_meeting"] == MISSING and statuses["life_meeting"] == PENDING
    committee = next(
        c for c in row2.cells if c and c["check"].rule.meeting_kind.code == "committee_meeting"
    )
    assert committee["text"] == "未召开（1/3 个月达标）"
    assert all(c["check"].status == HELD for c in row1.cells if c)
    life = next(c for c in row1.cells if c and c["check"].rule.meeting_kind.code == "life_meeting")
    assert life["own_period"] == "2026年"
    assert row1.indent == 2  # 县委 → 党总支 → 支部
    assert 'data-status="missing"' in page and 'data-status="pending"' in page


def test_only_organizations_with_something_missing(client, county, officer, today):
    hold_all_of_q1(county.branch1)
    response = client.get(URL, {"period": "quarter", "at": "2026-Q1", "missing": "1"})
    names = [r.organization.name for r in response.context["page_obj"]]
    assert names == ["县司法局第二党支部", "东街社区党支部"]
    # The summary still covers every organization.
    assert response.context["overview"].summary.checked == 3


def test_a_month_not_over_is_pending_and_no_next_period(client, county, officer, today):
    response = client.get(URL)  # this month by default
    assert response.context["view"].key == "2026-05"
    overview = response.context["overview"]
    assert overview.summary.with_missing == 0
    assert {c.status for row in overview.rows for c in row.checks} == {PENDING}
    assert response.context["next_query"] == ""
    assert "at=2026-04" in response.context["previous_query"]
    april = client.get(URL + "?" + response.context["previous_query"])
    assert april.context["view"].key == "2026-04" and "at=2026-05" in april.context["next_query"]


def test_a_year_view_of_a_monthly_rule_shows_months_met(client, county, officer, today):
    for month in range(1, 12):
        meeting(county.branch1, "committee_meeting", local(2025, month, 10, 9))
    response = client.get(URL, {"period": "year", "at": "2025", "org": county.branch1.pk})
    (row,) = response.context["page_obj"].object_list
    cell = next(c for c in row.cells if c["check"].rule.meeting_kind.code == "committee_meeting")
    assert cell["text"] == "未召开（11/12 个月达标）" and cell["css"] == "danger"
    assert "11/12 个月达标" in response.content.decode()


def test_a_secretary_sees_the_own_branch_only(client, county, make_user, today):
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)
    response = client.get(URL)
    assert response.context["organization"] == county.branch1
    assert [r.organization for r in response.context["overview"].rows] == [county.branch1]
    assert client.get(URL, {"org": county.branch2.pk}).status_code == 404
    assert client.get(URL, {"org": county.justice.pk}).status_code == 404
    drill = reverse("meetings:compliance_drill")
    kind = meeting(county.branch2, "committee_meeting", local(2026, 4, 5, 9)).kind
    assert client.get(drill, {"org": county.branch2.pk, "kind": kind.pk}).status_code == 404
    export = reverse("meetings:compliance_export")
    assert client.get(export, {"org": county.branch2.pk}).status_code == 404


def test_a_member_without_a_role_is_refused(client, make_user, county):
    client.force_login(make_user())
    assert client.get(URL).status_code == 403
    assert client.get(reverse("meetings:compliance_export")).status_code == 403


def test_organizations_are_paginated(client, county, officer, today):
    for n in range(55):
        add_org(county.town, f"城关镇第{n:02d}党支部", "branch")
    response = client.get(URL)
    page = response.context["page_obj"]
    assert page.paginator.count == 58 and len(page.object_list) == 50
    assert response.context["overview"].summary.checked == 58
    second = client.get(URL, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 8
    assert [r.organization.name for r in second.context["page_obj"]][-1] == "城关镇第54党支部"


def test_the_page_costs_the_same_queries_for_more_organizations(client, county, officer, today):
    url = f"{URL}?period=quarter&at=2026-Q1"
    hold_all_of_q1(county.branch1)
    few = queries_of(client, url)
    for n in range(12):
        branch = add_org(county.town, f"城关镇第{n:02d}党支部", "branch")
        hold_all_of_q1(branch)
        meeting(branch, "theme_day", local(2026, 2, 9, 9), MeetingStatus.CANCELLED)
    assert queries_of(client, url) == few


def test_the_drill_down_lists_the_meetings_of_a_cell(client, county, officer, today):
    held = meeting(county.branch1, "committee_meeting", local(2026, 3, 31, 23, 30))
    cancelled = meeting(
        county.branch1, "committee_meeting", local(2026, 3, 2, 9), MeetingStatus.CANCELLED
    )
    meeting(county.branch1, "committee_meeting", local(2026, 4, 1, 0, 10))  # April's
    meeting(county.branch2, "committee_meeting", local(2026, 3, 3, 9))  # another branch
    response = client.get(URL, {"period": "month", "at": "2026-03"})
    (cell,) = [
        c
        for c in response.context["page_obj"].object_list[0].cells
        if c and c["check"].rule.meeting_kind.code == "committee_meeting"
    ]
    drill = client.get(cell["url"])
    assert drill.status_code == 200
    assert [m.pk for m in drill.context["meetings"]] == [cancelled.pk, held.pk]
    assert drill.context["held"] == 1
    page = drill.content.decode()
    assert "不计入" in page and held.title in page
    assert reverse("meetings:meeting_detail", args=[held.pk]) in page
    assert drill.context["span"].key == "2026-03"


def test_the_export_holds_the_same_view(client, county, officer, today):
    hold_all_of_q1(county.branch1)
    meeting(county.branch2, "committee_meeting", local(2026, 1, 5, 9))
    response = client.get(
        reverse("meetings:compliance_export"), {"period": "quarter", "at": "2026-Q1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.freeze_panes == "B3"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "组织生活合规情况：某县委，2026年第1季度"
    header = rows[1]
    assert header[:2] == ("组织", "组织编码")
    assert "支部委员会（每月至少 1 次）" in header and header[-1] == "总体"
    by_name = {row[0].strip("　"): dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert set(by_name) == {"县司法局第一党支部", "县司法局第二党支部", "东街社区党支部"}
    first, second = by_name["县司法局第一党支部"], by_name["县司法局第二党支部"]
    assert first["支部党员大会（每季度至少 1 次）"] == "已召开 1"
    assert first["总体"] == "全部达标"
    assert second["支部党员大会（每季度至少 1 次）"] == "未召开"
    assert second["组织生活会（每年至少 1 次）"] == "进行中"
    assert second["支部委员会（每月至少 1 次）"] == "未召开（1/3 个月达标）"
    assert second["总体"] == "有未召开"
    only = client.get(
        reverse("meetings:compliance_export"),
        {"period": "quarter", "at": "2026-Q1", "missing": "1"},
    )
    rows = list(load_workbook(BytesIO(b"".join(only.streaming_content))).active.values)
    assert len(rows) == 4  # title, header, the two branches with something missing


def test_the_drill_down_costs_the_same_queries_for_more_meetings(client, county, officer, today):
    kind = meeting(county.branch1, "theme_day", local(2026, 2, 1, 9)).kind
    url = (
        reverse("meetings:compliance_drill")
        + f"?org={county.branch1.pk}&kind={kind.pk}&period=quarter&at=2026-Q1"
    )
    few = queries_of(client, url)
    for day in range(2, 12):
        meeting(county.branch1, "theme_day", local(2026, 3, day, 9))
    assert queries_of(client, url) == few
    assert len(client.get(url).context["meetings"]) == 11


def test_a_drill_down_without_an_organization_or_with_a_bad_kind_is_not_found(
    client, county, officer
):
    drill = reverse("meetings:compliance_drill")
    assert client.get(drill).status_code == 404
    assert client.get(drill, {"org": county.branch1.pk, "kind": "x"}).status_code == 404
    assert client.get(drill, {"org": county.branch1.pk, "kind": 99999}).status_code == 404

"""The 计划与报告 tab, a report's page and the host leader's inbox: who sees which form, the
forms doing their job, refusals, query budgets, English pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.cadres.enums import PlanStatus, ReportKind, SecondmentStatus
from grassroots.cadres.models import Report, Secondment, WorkPlan
from grassroots.cadres.services import plans, reports
from grassroots.cadres.tests import builders
from grassroots.core.testing import queries_of


@pytest.fixture
def placed(county):
    return builders.secondment(county)


def work_url(placed):
    return reverse("cadres:secondment_work", args=[placed.secondment.pk])


def report_url(report):
    return reverse("cadres:report_detail", args=[report.secondment_id, report.pk])


INBOX = "/cadres/work/inbox/"


def add_reports(secondment, count, *, filed=False):
    today = timezone.localdate()
    rows = []
    for i in range(count):
        start = today - timedelta(days=31 * (i + 1))
        rows.append(
            Report(
                secondment=secondment,
                kind=ReportKind.MONTHLY,
                period_start=start,
                period_end=start + timedelta(days=27),
                due_on=start + timedelta(days=35),
                content="内容" if filed else "",
                submitted_at=timezone.now() if filed else None,
            )
        )
    return Report.objects.bulk_create(rows)


def test_urls_kept():
    assert reverse("cadres:secondment_work", args=[5]) == "/cadres/secondments/5/work/"
    assert reverse("cadres:work_inbox") == INBOX


def test_strangers_get_404(client, county, placed):
    [report] = add_reports(placed.secondment, 1)
    client.force_login(builders.person_with_user(county.town).user)
    assert client.get(work_url(placed)).status_code == 404
    assert client.get(report_url(report)).status_code == 404


def test_cadre_writes_and_submits_the_plan_on_the_tab(client, placed):
    client.force_login(placed.cadre_user)
    page = client.get(work_url(placed))
    assert page.status_code == 200
    assert b'data-testid="plan-form"' in page.content
    assert b'data-testid="final-summary"' in page.content
    response = client.post(
        work_url(placed),
        {"action": "plan_save", "plan-goals": "目标一", "plan-measures": ""},
    )
    assert response.status_code == 302
    assert WorkPlan.objects.get().status == PlanStatus.DRAFT
    response = client.post(
        work_url(placed),
        {"action": "plan_submit", "plan-goals": "目标一", "plan-measures": "措施"},
    )
    assert response.status_code == 302
    assert WorkPlan.objects.get().status == PlanStatus.SUBMITTED
    page = client.get(work_url(placed))
    assert b'data-testid="plan-form"' not in page.content
    assert b'data-testid="plan-decision-form"' not in page.content


def test_empty_goals_stay_on_the_page_with_the_message(client, placed):
    client.force_login(placed.cadre_user)
    response = client.post(work_url(placed), {"action": "plan_submit", "plan-goals": ""})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not WorkPlan.objects.exists()


def test_host_leader_approves_or_returns_on_the_tab(client, placed):
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    client.force_login(placed.host_user)
    page = client.get(work_url(placed))
    assert b'data-testid="plan-decision-form"' in page.content
    response = client.post(work_url(placed), {"action": "plan_return", "decision-comment": ""})
    assert response.status_code == 200  # a return needs a reason
    assert "退回工作计划时请写明退回理由" in response.content.decode()
    response = client.post(
        work_url(placed), {"action": "plan_return", "decision-comment": "请细化"}
    )
    assert response.status_code == 302
    assert WorkPlan.objects.get().status == PlanStatus.RETURNED


def test_group_leader_sees_but_may_not_decide(client, placed):
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    client.force_login(placed.group_user)
    page = client.get(work_url(placed))
    assert page.status_code == 200
    assert "目标" in page.content.decode()
    assert b'data-testid="plan-decision-form"' not in page.content
    response = client.post(work_url(placed), {"action": "plan_approve", "decision-comment": ""})
    assert response.status_code == 403
    assert WorkPlan.objects.get().status == PlanStatus.SUBMITTED


def test_report_filed_by_the_cadre_and_commented_by_the_host_leader(client, placed):
    [report] = add_reports(placed.secondment, 1)
    Report.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(placed.cadre_user)
    page = client.get(work_url(placed))
    assert report_url(report) in page.content.decode()
    assert b'data-testid="reports-overdue"' in page.content
    assert b'data-testid="report-form"' in client.get(report_url(report)).content
    response = client.post(report_url(report), {"action": "submit", "report-content": "月报"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.content == "月报"
    assert b'data-testid="report-late"' in client.get(work_url(placed)).content
    # the cadre may not comment
    response = client.post(report_url(report), {"action": "comment", "comment-comment": "好"})
    assert response.status_code == 403
    client.force_login(placed.host_user)
    assert b'data-testid="comment-form"' in client.get(report_url(report)).content
    response = client.post(report_url(report), {"action": "comment", "comment-comment": "很好"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.host_comment == "很好"
    page = client.get(report_url(report))
    assert b'data-testid="report-comment"' in page.content
    assert b'data-testid="comment-form"' not in page.content


def test_host_leader_may_not_file_a_report(client, placed):
    [report] = add_reports(placed.secondment, 1)
    client.force_login(placed.host_user)
    response = client.post(report_url(report), {"action": "submit", "report-content": "代写"})
    assert response.status_code == 403


def test_final_summary_form_once(client, county):
    completed = builders.secondment(county, status=SecondmentStatus.COMPLETED)
    url = reverse("cadres:secondment_work", args=[completed.secondment.pk])
    client.force_login(completed.cadre_user)
    assert b'data-testid="summary-form"' in client.get(url).content
    response = client.post(url, {"action": "summary", "summary-text": "一年来的总结"})
    assert response.status_code == 302
    assert Secondment.objects.get(pk=completed.secondment.pk).final_summary == "一年来的总结"
    page = client.get(url)
    assert b'data-testid="summary-form"' not in page.content
    assert "一年来的总结" in page.content.decode()


def test_no_summary_form_before_placement(client, county):
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    client.force_login(confirmed.cadre_user)
    page = client.get(reverse("cadres:secondment_work", args=[confirmed.secondment.pk]))
    assert b'data-testid="final-summary"' not in page.content
    assert b'data-testid="plan-form"' in page.content


def test_inbox_lists_what_awaits_the_host_leader(client, county, placed):
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    [filed, commented] = add_reports(placed.secondment, 2, filed=True)
    reports.report_comment(report=commented, comment="阅", actor=placed.host_user)
    other = builders.secondment(county, title="副镇长")
    [not_mine] = add_reports(other.secondment, 1, filed=True)
    client.force_login(placed.host_user)
    page = client.get(INBOX).content.decode()
    assert report_url(filed) in page
    assert report_url(commented) not in page
    assert report_url(not_mine) not in page
    assert work_url(placed) in page
    client.force_login(placed.group_user)
    page = client.get(INBOX).content.decode()
    assert report_url(filed) not in page
    assert work_url(placed) not in page


def test_tab_queries_constant(client, county):
    few = builders.secondment(county)
    many = builders.secondment(county, title="副镇长")
    for placed in (few, many):
        plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
        plans.plan_approve(secondment=placed.secondment, actor=placed.host_user)
    add_reports(few.secondment, 2, filed=True)
    filed = add_reports(many.secondment, 12, filed=True)
    for report in filed[:6]:
        reports.report_comment(report=report, comment="阅", actor=many.host_user)
    officer = builders.officer(county)
    client.force_login(officer)
    assert queries_of(client, work_url(few)) == queries_of(client, work_url(many))


def test_inbox_queries_constant(client, county):
    host = builders.person_with_user(county.town)
    placed = [builders.secondment(county, title=f"岗位{i}") for i in range(3)]
    Secondment.objects.filter(pk__in=[p.secondment.pk for p in placed]).update(host_leader=host)
    add_reports(placed[0].secondment, 1, filed=True)
    client.force_login(host.user)
    few = queries_of(client, INBOX)
    for p in placed:
        if p is not placed[0]:
            add_reports(p.secondment, 5, filed=True)
        plans.plan_submit(secondment=p.secondment, goals="目标", actor=p.cadre_user)
    assert queries_of(client, INBOX) == few
    assert len(client.get(INBOX).context["inbox"].reports) == 11


def test_english_pages_render(english_client, placed):
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    [report] = add_reports(placed.secondment, 1, filed=True)
    english_client.force_login(placed.host_user)
    for url in (work_url(placed), report_url(report), INBOX):
        response = english_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "en"

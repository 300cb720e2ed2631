"""At the same instant: two decisions on one plan, two comments on one report, two filings of
the same report: one wins, each step logged once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.cadres.enums import EventAction, PlanStatus, ReportKind
from grassroots.cadres.models import Report, SecondmentEvent, WorkPlan
from grassroots.cadres.services import plans, reports
from grassroots.cadres.tests import builders
from grassroots.core.testing import at_once, together

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


def _report(secondment):
    today = timezone.localdate()
    return Report.objects.create(
        secondment=secondment,
        kind=ReportKind.MONTHLY,
        period_start=today.replace(day=1),
        period_end=today,
        due_on=today,
    )


@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_once_one_wins(county):
    placed = builders.secondment(county)
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    results = at_once(
        lambda: plans.plan_approve(secondment=placed.secondment, actor=placed.host_user),
        lambda: plans.plan_return(
            secondment=placed.secondment, comment="退回", actor=placed.host_user
        ),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert WorkPlan.objects.get().status in (PlanStatus.APPROVED, PlanStatus.RETURNED)
    decided = SecondmentEvent.objects.filter(
        action__in=[EventAction.PLAN_APPROVED, EventAction.PLAN_RETURNED]
    )
    assert decided.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_filings_at_once_log_one_submission(county):
    placed = builders.secondment(county)
    report = _report(placed.secondment)
    results = together(
        2,
        lambda i: reports.report_submit(report=report, content=f"第{i}稿", actor=placed.cadre_user),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert SecondmentEvent.objects.filter(action=EventAction.REPORT_SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_comments_at_once_one_kept(county):
    placed = builders.secondment(county)
    report = _report(placed.secondment)
    reports.report_submit(report=report, content="内容", actor=placed.cadre_user)
    results = together(
        2,
        lambda i: reports.report_comment(report=report, comment=f"意见{i}", actor=placed.host_user),
    )
    assert len([r for r in results if isinstance(r, ValidationError)]) == 1, results
    assert SecondmentEvent.objects.filter(action=EventAction.REPORT_COMMENTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_summaries_at_once_one_kept(county):
    placed = builders.secondment(county)
    results = together(
        2,
        lambda i: reports.summary_submit(
            secondment=placed.secondment, text=f"总结{i}", actor=placed.cadre_user
        ),
    )
    assert len([r for r in results if isinstance(r, ValidationError)]) == 1, results
    assert SecondmentEvent.objects.filter(action=EventAction.SUMMARY_SUBMITTED).count() == 1

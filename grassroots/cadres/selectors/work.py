"""Reads of the work tab (计划与报告): a secondment's plan and reports with their display state,
one report the user may see, and the host leader's inbox of plans and reports awaiting them.
Every read goes through access.secondments_for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core import permissions

from ..enums import PlanStatus, SecondmentStatus
from ..models import Report, Secondment, WorkPlan
from ..selectors.access import APPROVE, Relation, secondments_for
from ..services.plans import EDITABLE, PLAN_STAGES, may_decide
from ..services.reports import REPORT_STAGES, SUMMARY_STAGES, period_label

INBOX_LIMIT = 200

# The state a report shows in the table (derived: the model keeps dates, not a status).
UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"
SUBMITTED = "submitted"
COMMENTED = "commented"
STATE_LABELS = {
    UPCOMING: _("未开始"),
    DUE: _("待提交"),
    OVERDUE: _("已逾期"),
    SUBMITTED: _("已提交"),
    COMMENTED: _("已批阅"),
}
STATE_BADGES = {
    UPCOMING: "text-bg-light border",
    DUE: "text-bg-warning",
    OVERDUE: "text-bg-danger",
    SUBMITTED: "text-bg-primary",
    COMMENTED: "text-bg-success",
}


def report_state(report: Report, today: date) -> str:
    if report.commented_at is not None:
        return COMMENTED
    if report.submitted_at is not None:
        return SUBMITTED
    if report.due_on < today:
        return OVERDUE
    if report.period_start > today:
        return UPCOMING
    return DUE


def is_late(report: Report) -> bool:
    """Filed after its due date (a day in Beijing time)."""
    return (
        report.submitted_at is not None and timezone.localdate(report.submitted_at) > report.due_on
    )


def decorate(report: Report, today: date) -> Report:
    """Give a report what its row shows: state, label, badge, late mark."""
    report.state = report_state(report, today)
    report.state_label = STATE_LABELS[report.state]
    report.state_badge = STATE_BADGES[report.state]
    report.late = is_late(report)
    report.label = period_label(report)
    return report


@dataclass
class WorkTab:
    plan: WorkPlan | None
    reports: list[Report]
    can_edit_plan: bool
    can_decide_plan: bool
    can_file_reports: bool
    can_comment: bool
    can_submit_summary: bool
    overdue: int


def work_tab(secondment: Secondment, rel: Relation, today: date) -> WorkTab:
    """The tab of one secondment the user already may see (access_secondment): 2 queries."""
    plan = WorkPlan.objects.filter(secondment=secondment).select_related("decided_by").first()
    reports = [
        decorate(r, today)
        for r in Report.objects.filter(secondment=secondment).select_related("commented_by")
    ]
    is_cadre = "cadre" in rel
    decider = may_decide(rel, secondment)
    return WorkTab(
        plan=plan,
        reports=reports,
        can_edit_plan=is_cadre
        and secondment.status in PLAN_STAGES
        and (plan is None or plan.status in EDITABLE),
        can_decide_plan=decider
        and secondment.status in PLAN_STAGES
        and plan is not None
        and plan.status == PlanStatus.SUBMITTED,
        can_file_reports=is_cadre and secondment.status in REPORT_STAGES,
        can_comment=decider and secondment.status in REPORT_STAGES,
        can_submit_summary=is_cadre
        and secondment.status in SUMMARY_STAGES
        and secondment.summary_submitted_at is None,
        overdue=sum(1 for r in reports if r.state == OVERDUE),
    )


def access_report(user, secondment_pk, report_pk) -> tuple[Report, Relation]:
    """One report of a secondment the user may see, with the user's relation; 404 otherwise."""
    from ..selectors.access import access_secondment

    secondment, rel = access_secondment(user, secondment_pk)
    try:
        report = Report.objects.select_related("commented_by").get(
            pk=int(report_pk), secondment=secondment
        )
    except (Report.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    report.secondment = secondment
    return report, rel


def _awaiting_q(user, prefix: str) -> Q | None:
    """Rows (reached from a secondment by `prefix`) the user decides on: as host leader, or
    as an approving officer where no host leader is set."""
    q = None
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        q = Q(**{f"{prefix}host_leader_id": person_id}) & ~Q(**{f"{prefix}person_id": person_id})
    officer = permissions.scope_q(user, APPROVE, f"{prefix}program__organization__path")
    if officer is not None:
        officer &= Q(**{f"{prefix}host_leader__isnull": True})
        q = officer if q is None else (q | officer)
    return q


@dataclass
class Inbox:
    plans: list[WorkPlan]
    reports: list[Report]
    more: bool


def _awaiting(user) -> tuple[QuerySet, QuerySet] | None:
    """The plans awaiting the user's decision and the reports awaiting their comment."""
    plans_q = _awaiting_q(user, "secondment__")
    if plans_q is None:
        return None
    plans: QuerySet = (
        secondments_for(user, WorkPlan.objects.all(), "secondment__")
        .filter(
            plans_q,
            status=PlanStatus.SUBMITTED,
            secondment__status__in=PLAN_STAGES,
        )
        .select_related("secondment__person", "secondment__post__host", "secondment__program")
        .order_by("submitted_at", "pk")
    )
    reports: QuerySet = (
        secondments_for(user, Report.objects.all(), "secondment__")
        .filter(
            plans_q,
            submitted_at__isnull=False,
            commented_at__isnull=True,
            secondment__status__in=(SecondmentStatus.PLACED, SecondmentStatus.COMPLETED),
        )
        .select_related("secondment__person", "secondment__post__host", "secondment__program")
        .order_by("submitted_at", "pk")
    )
    return plans, reports


def work_inbox_count(user) -> int:
    """What waits for the user, counted (the home page's counter): 2 queries."""
    awaiting = _awaiting(user)
    if awaiting is None:
        return 0
    plans, reports = awaiting
    return plans.count() + reports.count()


def work_inbox(user) -> Inbox:
    """Plans awaiting the user's decision and reports awaiting their comment: 2 queries."""
    awaiting = _awaiting(user)
    if awaiting is None:
        return Inbox([], [], False)
    plans, reports = awaiting
    plan_rows = list(plans[: INBOX_LIMIT + 1])
    report_rows = list(reports[: INBOX_LIMIT + 1])
    today = timezone.localdate()
    for report in report_rows:
        decorate(report, today)
    more = len(plan_rows) > INBOX_LIMIT or len(report_rows) > INBOX_LIMIT
    return Inbox(plan_rows[:INBOX_LIMIT], report_rows[:INBOX_LIMIT], more)

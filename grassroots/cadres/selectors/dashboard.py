"""The program dashboard (挂职干部情况一览): one row per cadre with stage, host, managers, late
reports, leave taken, work plan and appraisal, in one query of secondments whose figures are
correlated subqueries (one per figure), whatever the number of cadres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..enums import AppraisalResult, AppraisalStage, LeaveStatus, PlanStatus, SecondmentStatus
from ..models import (
    Appraisal,
    AppraisalRound,
    CadreGroup,
    LeaveRequest,
    Program,
    Report,
    Secondment,
    WorkPlan,
)

LEAVE_TAKEN = (LeaveStatus.APPROVED, LeaveStatus.RETURNED)


@dataclass(frozen=True)
class DashboardFilter:
    stage: str = ""
    group: int | None = None
    late_only: bool = False


def _count(queryset: QuerySet, column: str = "secondment") -> Subquery:
    """COUNT(*) of `queryset` (already correlated to the outer secondment), 0 when none."""
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Plain values, not model instances: a program of 500 cadres renders in a fraction of the time.
ROW_FIELDS = (
    "pk",
    "status",
    "person__name",
    "sending_org__name",
    "post__title",
    "post__host__name",
    "host_leader__name",
    "group__name",
    "late_reports",
    "reports_submitted",
    "reports_total",
    "leave_days",
    "leave_pending",
    "plan_status",
    "midterm_result",
    "final_result",
)


def dashboard_rows(program: Program, flt: DashboardFilter, today: date | None = None):
    """The program's secondments as dicts of ROW_FIELDS with the dashboard figures."""
    today = today or timezone.localdate()
    reports = Report.objects.filter(secondment=OuterRef("pk"))
    leave = LeaveRequest.objects.filter(secondment=OuterRef("pk"))
    leave_days = (
        leave.filter(status__in=LEAVE_TAKEN)
        .order_by()
        .values("secondment")
        .annotate(d=Sum("days"))
        .values("d")
    )
    appraisals = Appraisal.objects.filter(secondment=OuterRef("pk"))
    qs = (
        program.secondments.annotate(
            late_reports=_count(reports.filter(due_on__lt=today, submitted_at__isnull=True)),
            reports_submitted=_count(reports.filter(submitted_at__isnull=False)),
            reports_total=_count(reports),
            leave_days=Coalesce(Subquery(leave_days, output_field=IntegerField()), Value(0)),
            leave_pending=_count(leave.filter(status=LeaveStatus.PENDING)),
            plan_status=Subquery(
                WorkPlan.objects.filter(secondment=OuterRef("pk")).values("status")[:1]
            ),
            midterm_result=Subquery(
                appraisals.filter(round__stage=AppraisalStage.MIDTERM).values("result")[:1]
            ),
            final_result=Subquery(
                appraisals.filter(round__stage=AppraisalStage.FINAL).values("result")[:1]
            ),
        )
        .order_by("post__sort_order", "post_id", "person__name_pinyin", "pk")
        .values(*ROW_FIELDS)
    )
    if flt.stage:
        qs = qs.filter(status=flt.stage)
    else:
        qs = qs.exclude(status=SecondmentStatus.WITHDRAWN)
    if flt.group:
        qs = qs.filter(group_id=flt.group)
    if flt.late_only:
        qs = qs.filter(late_reports__gt=0)
    return qs


_RESULTS = dict(AppraisalResult.choices)
_STAGE_RESULT = {AppraisalStage.MIDTERM: "midterm_result", AppraisalStage.FINAL: "final_result"}


def appraisal_cells(row: dict, stages: list[str]) -> list[tuple[str, str]]:
    """[(stage label, result label or "")] for the rounds the program has."""
    labels = dict(AppraisalStage.choices)
    return [(labels[s], _RESULTS.get(row[_STAGE_RESULT[s]] or "", "")) for s in stages]


def labelled(rows, stages: list[str]):
    """Each row with its link, its status, work plan and appraisal labels and its figures as
    text added (no query): a page of 500 rows then costs little to render."""
    from django.urls import reverse

    statuses = dict(SecondmentStatus.choices)
    plans = dict(PlanStatus.choices)
    link = reverse("cadres:secondment_detail", args=[0])[: -len("0/")]
    for row in rows:
        row["url"] = f"{link}{row['pk']}/"
        row["reports"] = f"{row['reports_submitted']}/{row['reports_total']}"
        for name in ("late_reports", "leave_days", "leave_pending"):
            row[f"{name}_text"] = str(row[name])
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["plan_label"] = plans.get(row["plan_status"] or "", "")
        row["appraisal"] = appraisal_cells(row, stages)
        yield row


def program_rounds(program: Program) -> list[str]:
    """The appraisal stages the program has started, in order."""
    order = [AppraisalStage.MIDTERM, AppraisalStage.FINAL]
    have = set(AppraisalRound.objects.filter(program=program).values_list("stage", flat=True))
    return [s for s in order if s in have]


def program_groups(program: Program) -> list[CadreGroup]:
    return list(CadreGroup.objects.filter(program=program).select_related("leader"))


def stage_counts(program: Program) -> dict[str, int]:
    return dict(
        Secondment.objects.filter(program=program)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def totals(rows) -> dict[str, int]:
    """Sums of the figures over the filtered rows (all pages), in one query."""
    from django.db.models import Q

    # Aliases apart from the rows' own annotations (an aggregate may not reuse their names).
    sums = rows.aggregate(
        sum_cadres=Count("pk"),
        sum_late=Count("pk", filter=Q(late_reports__gt=0)),
        sum_leave_days=Sum("leave_days"),
        sum_leave_pending=Sum("leave_pending"),
    )
    return {key.removeprefix("sum_"): value or 0 for key, value in sums.items()}

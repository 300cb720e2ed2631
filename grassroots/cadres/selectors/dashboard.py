"""The program dashboard (挂职干部情况一览): one row per cadre with stage, host, managers, late
reports, leave taken, work plan and appraisal.

The rows are read first, a page at a time (plain values, ordered and filtered in one query);
their figures then come in four grouped queries over just those rows (reports, leave, work
plans, appraisals), so a page costs the same whether the program has 20 cadres or 2,000, and
no figure is computed for a row that is not shown. The totals above the table are two
aggregates over all filtered rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from grassroots.orgs.models import Organization, Person

from ..enums import AppraisalResult, AppraisalStage, LeaveStatus, PlanStatus, SecondmentStatus
from ..models import (
    Appraisal,
    AppraisalRound,
    CadreGroup,
    LeaveRequest,
    Post,
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


# Plain values, not model instances: a page of rows renders in a fraction of the time. The
# names of the units, the post, the host leader and the group come afterwards for the page's rows
# (`with_names`): a query joining all of them costs PostgreSQL more to plan (10–35 ms) than to run.
ROW_FIELDS = (
    "pk",
    "status",
    "person__name",
    "sending_org_id",
    "post_id",
    "host_leader_id",
    "group_id",
)


def _late_q(today: date) -> Q:
    """Reports past their due date and not filed: on Report."""
    return Q(due_on__lt=today, submitted_at__isnull=True)


def _has_late(today: date) -> Exists:
    return Exists(Report.objects.filter(_late_q(today), secondment=OuterRef("pk")))


def _kept(program: Program, flt: DashboardFilter, today: date) -> QuerySet:
    """The program's secondments the filter keeps (no joins, no order)."""
    qs = program.secondments.all()
    if flt.stage:
        qs = qs.filter(status=flt.stage)
    else:
        qs = qs.exclude(status=SecondmentStatus.WITHDRAWN)
    if flt.group:
        qs = qs.filter(group_id=flt.group)
    if flt.late_only:
        qs = qs.filter(_has_late(today))
    return qs


def dashboard_rows(program: Program, flt: DashboardFilter, today: date | None = None) -> QuerySet:
    """The program's secondments the filter keeps, in the order of posts and names, as dicts of
    ROW_FIELDS; `with_names` and `with_figures` complete the rows actually shown."""
    today = today or timezone.localdate()
    return (
        _kept(program, flt, today)
        .order_by("post__sort_order", "post_id", "person__name_pinyin", "pk")
        .values(*ROW_FIELDS)
    )


def with_names(rows: list[dict]) -> list[dict]:
    """`rows` with sending_org__name, post__title, post__host__name, host_leader__name and
    group__name set, in four small queries."""
    posts = {
        pk: (title, host_id)
        for pk, title, host_id in Post.objects.filter(
            pk__in={row["post_id"] for row in rows}
        ).values_list("pk", "title", "host_id")
    }
    org_ids = {row["sending_org_id"] for row in rows} | {h for _t, h in posts.values()}
    orgs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    leaders = dict(
        Person.objects.filter(pk__in={row["host_leader_id"] for row in rows} - {None}).values_list(
            "pk", "name"
        )
    )
    groups = dict(
        CadreGroup.objects.filter(pk__in={row["group_id"] for row in rows} - {None}).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        title, host_id = posts.get(row["post_id"], ("", None))
        row["post__title"] = title
        row["post__host__name"] = orgs.get(host_id, "")
        row["sending_org__name"] = orgs.get(row["sending_org_id"], "")
        row["host_leader__name"] = leaders.get(row["host_leader_id"])
        row["group__name"] = groups.get(row["group_id"])
    return rows


def with_figures(rows: list[dict], today: date | None = None) -> list[dict]:
    """`rows` (dicts with "pk") with late_reports, reports_submitted, reports_total, leave_days,
    leave_pending, plan_status, midterm_result and final_result set, in four queries."""
    today = today or timezone.localdate()
    ids = [row["pk"] for row in rows]
    if not ids:
        return rows
    reports = {
        r["secondment"]: r
        for r in Report.objects.filter(secondment__in=ids)
        .order_by()
        .values("secondment")
        .annotate(
            late=Count("pk", filter=_late_q(today)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            # 应交: those due by today (or filed early), not the whole term's schedule.
            total=Count("pk", filter=Q(due_on__lte=today) | Q(submitted_at__isnull=False)),
        )
    }
    leave = {
        r["secondment"]: r
        for r in LeaveRequest.objects.filter(secondment__in=ids)
        .order_by()
        .values("secondment")
        .annotate(
            days=Sum("days", filter=Q(status__in=LEAVE_TAKEN)),
            pending=Count("pk", filter=Q(status=LeaveStatus.PENDING)),
        )
    }
    plans = dict(
        WorkPlan.objects.filter(secondment__in=ids).order_by().values_list("secondment", "status")
    )
    results: dict[tuple[int, str], str] = {}
    for secondment, stage, result in Appraisal.objects.filter(secondment__in=ids).values_list(
        "secondment", "round__stage", "result"
    ):
        results[(secondment, stage)] = result
    none: dict = {}
    for row in rows:
        pk = row["pk"]
        rep, lv = reports.get(pk, none), leave.get(pk, none)
        row["late_reports"] = rep.get("late", 0)
        row["reports_submitted"] = rep.get("submitted", 0)
        row["reports_total"] = rep.get("total", 0)
        row["leave_days"] = lv.get("days") or 0
        row["leave_pending"] = lv.get("pending", 0)
        row["plan_status"] = plans.get(pk)
        row["midterm_result"] = results.get((pk, AppraisalStage.MIDTERM))
        row["final_result"] = results.get((pk, AppraisalStage.FINAL))
    return rows


def in_batches(rows, size: int = 1000):
    """The rows of an iterator in lists of `size` (for the export: figures per batch)."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


_STAGE_RESULT = {AppraisalStage.MIDTERM: "midterm_result", AppraisalStage.FINAL: "final_result"}


def _texts(choices) -> dict[str, str]:
    """The labels of `choices` as plain text in the active language (translated once, not once
    per row and cell)."""
    return {value: str(label) for value, label in choices}


def appraisal_cells(row: dict, stages: list[str], results=None) -> list[tuple[str, str]]:
    """[(stage label, result label or "")] for the rounds the program has."""
    labels = _texts(AppraisalStage.choices)
    results = results or _texts(AppraisalResult.choices)
    return [(labels[s], results.get(row[_STAGE_RESULT[s]] or "", "")) for s in stages]


def labelled(rows: list[dict], stages: list[str], today: date | None = None):
    """Each row with its names and figures (`with_names`, `with_figures`), its link, its status, work plan and
    appraisal labels and its figures as text: a page then costs little to render."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    with_names(rows)
    with_figures(rows, today)
    statuses = _texts(SecondmentStatus.choices)
    plans = _texts(PlanStatus.choices)
    results = _texts(AppraisalResult.choices)
    cell, pending = _("%(stage)s：%(result)s"), _("待定")
    link = reverse("cadres:secondment_detail", args=[0])[: -len("0/")]
    for row in rows:
        row["url"] = f"{link}{row['pk']}/"
        row["reports"] = f"{row['reports_submitted']}/{row['reports_total']}"
        for name in ("late_reports", "leave_days", "leave_pending"):
            row[f"{name}_text"] = str(row[name])
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["plan_label"] = plans.get(row["plan_status"] or "", "")
        row["appraisal"] = appraisal_cells(row, stages, results)
        row["appraisal_text"] = [
            cell % {"stage": stage, "result": result or pending}
            for stage, result in row["appraisal"]
        ]
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


def totals(program: Program, flt: DashboardFilter, today: date | None = None) -> dict[str, int]:
    """Over every row the filter keeps (all pages): cadres, those with a late report, leave days
    taken and pending leave requests; two queries."""
    today = today or timezone.localdate()
    rows = _kept(program, flt, today)
    people = rows.aggregate(cadres=Count("pk"), late=Count("pk", filter=Q(_has_late(today))))
    leave = LeaveRequest.objects.filter(secondment__in=rows.values("pk")).aggregate(
        leave_days=Sum("days", filter=Q(status__in=LEAVE_TAKEN)),
        leave_pending=Count("pk", filter=Q(status=LeaveStatus.PENDING)),
    )
    return {key: value or 0 for key, value in (people | leave).items()}

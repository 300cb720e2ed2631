"""The program dashboard (挂职干部情况一览) and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.views import querystring_base
from grassroots.core.workbooks import append_header, append_row, workbook_response

from ..enums import AppraisalStage, SecondmentStatus
from ..forms_placement import DashboardFilterForm
from ..selectors import dashboard as selectors
from ..selectors import secondments as secondment_selectors
from ..selectors.access import APPROVE, MANAGE
from .common import program_crumbs


def _filtered(request, program):
    groups = selectors.program_groups(program)
    form = DashboardFilterForm(request.GET or None, groups=groups)
    cleaned = form.cleaned_data if form.is_valid() else {}
    flt = selectors.DashboardFilter(
        stage=cleaned.get("stage") or "",
        group=cleaned.get("group"),
        late_only=bool(cleaned.get("late")),
    )
    return form, flt, groups


# A page of the dashboard; the Excel export has every row.
PAGE_SIZE = 50


@login_required
def program_dashboard(request, pk):
    program = secondment_selectors.program_for_officer(request.user, pk)
    form, flt, groups = _filtered(request, program)
    today = timezone.localdate()
    stages = selectors.program_rounds(program)
    totals = selectors.totals(program, flt, today)
    paginator = Paginator(selectors.dashboard_rows(program, flt, today), PAGE_SIZE)
    paginator.count = totals["cadres"]  # counted already, with the other totals
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(selectors.labelled(list(page.object_list), stages, today))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cadres/dashboard/program_dashboard.html",
        {
            "program": program,
            "can_approve": secondment_selectors.may(request.user, APPROVE, program),
            "can_manage": secondment_selectors.may(request.user, MANAGE, program),
            "rows": page.object_list,
            "page_obj": page,
            "querystring_base": querystring_base(request),
            "form": form,
            "flt": flt,
            "groups": groups,
            "stages": SecondmentStatus.choices,
            "rounds": stages,
            "totals": totals,
            "export_query": query.urlencode(),
            "crumbs": program_crumbs(program, {"label": _("挂职干部情况一览")}),
        },
    )


@login_required
def program_dashboard_export(request, pk):
    from openpyxl import Workbook

    program = secondment_selectors.program_for_officer(request.user, pk)
    _form, flt, _groups = _filtered(request, program)
    stages = selectors.program_rounds(program)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("挂职干部情况"))
    round_labels = [AppraisalStage(s).label for s in stages]
    append_header(
        sheet,
        [
            _("姓名"),
            _("派出单位"),
            _("接收单位"),
            _("挂职岗位"),
            _("阶段"),
            _("联系领导"),
            _("所在小组"),
            _("逾期报告"),
            _("已交报告"),
            _("应交报告"),
            _("已请假（工作日）"),
            _("待审批请假"),
            _("工作计划"),
            *round_labels,
        ],
    )
    today = timezone.localdate()
    rows = selectors.dashboard_rows(program, flt, today).iterator(chunk_size=1000)
    for batch in selectors.in_batches(rows, 500):
        for row in selectors.labelled(batch, stages, today):
            append_row(
                sheet,
                [
                    row["person__name"],
                    row["sending_org__name"],
                    row["post__host__name"],
                    row["post__title"],
                    str(row["status_label"]),
                    row["host_leader__name"] or "",
                    row["group__name"] or "",
                    row["late_reports"],
                    row["reports_submitted"],
                    row["reports_total"],
                    row["leave_days"],
                    row["leave_pending"],
                    str(row["plan_label"]),
                    *[str(result) for _label, result in row["appraisal"]],
                ],
            )
    filename = _("挂职干部情况-%(title)s.xlsx") % {"title": program.title}
    return workbook_response(workbook, filename)

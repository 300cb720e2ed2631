"""Pages of the work tab (计划与报告): the plan, the reports table and the final summary of one
secondment; one report with its submission or comment; the host leader's inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.forms import apply_service_errors

from ..forms_work import PlanDecisionForm, PlanForm, ReportCommentForm, ReportForm, SummaryForm
from ..selectors import work as selectors
from ..selectors.access import access_secondment
from ..services import plans, reports
from .common import secondment_crumbs


def _plan_form(request, tab, post: bool) -> PlanForm:
    initial = None
    if tab.plan is not None:
        initial = {"goals": tab.plan.goals, "measures": tab.plan.measures}
    return PlanForm(request.POST if post else None, initial=initial, prefix="plan")


@login_required
def secondment_work(request, pk):
    """The tab; its forms post here with `action`: plan_save, plan_submit, plan_approve,
    plan_return, summary. A refusal stays on the page with the form's errors."""
    user = request.user
    secondment, rel = access_secondment(user, pk)
    today = timezone.localdate()
    tab = selectors.work_tab(secondment, rel, today)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    plan_form = _plan_form(request, tab, action in ("plan_save", "plan_submit"))
    decision_form = PlanDecisionForm(
        request.POST if action in ("plan_approve", "plan_return") else None, prefix="decision"
    )
    summary_form = SummaryForm(request.POST if action == "summary" else None, prefix="summary")
    here = reverse("cadres:secondment_work", args=[secondment.pk])

    def attempt(form, act, done: str):
        if not form.is_valid():
            return None
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return None
        messages.success(request, done)
        return redirect(here)

    response = None
    if action == "plan_save":
        response = attempt(
            plan_form,
            lambda d: plans.plan_save(
                secondment=secondment, goals=d["goals"], measures=d["measures"], actor=user
            ),
            _("工作计划已保存。"),
        )
    elif action == "plan_submit":
        response = attempt(
            plan_form,
            lambda d: plans.plan_submit(
                secondment=secondment, goals=d["goals"], measures=d["measures"], actor=user
            ),
            _("工作计划已提交，等待接收单位联系领导审核。"),
        )
    elif action == "plan_approve":
        response = attempt(
            decision_form,
            lambda d: plans.plan_approve(secondment=secondment, comment=d["comment"], actor=user),
            _("已同意该工作计划。"),
        )
    elif action == "plan_return":
        response = attempt(
            decision_form,
            lambda d: plans.plan_return(secondment=secondment, comment=d["comment"], actor=user),
            _("已退回该工作计划。"),
        )
    elif action == "summary":
        response = attempt(
            summary_form,
            lambda d: reports.summary_submit(secondment=secondment, text=d["text"], actor=user),
            _("挂职总结已提交。"),
        )
    elif action:
        messages.error(request, _("无法识别的操作。"))
        return redirect(here)
    if response is not None:
        return response
    return render(
        request,
        "cadres/work/secondment_work.html",
        {
            "secondment": secondment,
            "relation": rel,
            "tab": "work",
            "work": tab,
            "plan_form": plan_form,
            "decision_form": decision_form,
            "summary_form": summary_form,
            "crumbs": secondment_crumbs(secondment, rel, {"label": _("计划与报告")}),
        },
    )


@login_required
def report_detail(request, pk, report_pk):
    """One report: its content and comment; the cadre files or revises it, the host leader
    comments on it."""
    user = request.user
    report, rel = selectors.access_report(user, pk, report_pk)
    secondment = report.secondment
    today = timezone.localdate()
    selectors.decorate(report, today)
    is_cadre = "cadre" in rel
    can_file = (
        is_cadre
        and secondment.status in reports.REPORT_STAGES
        and report.commented_at is None
        and report.period_start <= today
    )
    can_comment = (
        plans.may_decide(rel, secondment)
        and secondment.status in reports.REPORT_STAGES
        and report.submitted_at is not None
        and report.commented_at is None
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    report_form = ReportForm(
        request.POST if action == "submit" else None,
        initial={"content": report.content},
        prefix="report",
    )
    comment_form = ReportCommentForm(
        request.POST if action == "comment" else None, prefix="comment"
    )
    form, act, done = None, None, ""
    if action == "submit":
        form, done = report_form, _("报告已提交。")

        def act(d):
            return reports.report_submit(report=report, content=d["content"], actor=user)

    elif action == "comment":
        form, done = comment_form, _("已提出意见。")

        def act(d):
            return reports.report_comment(report=report, comment=d["comment"], actor=user)

    if form is not None and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cadres:secondment_work", secondment.pk)
    title = f"{report.get_kind_display()} · {reports.period_label(report)}"
    return render(
        request,
        "cadres/work/report_detail.html",
        {
            "secondment": secondment,
            "relation": rel,
            "tab": "work",
            "report": report,
            "title": title,
            "can_file": can_file,
            "can_comment": can_comment,
            "report_form": report_form,
            "comment_form": comment_form,
            "crumbs": secondment_crumbs(
                secondment,
                rel,
                {
                    "label": _("计划与报告"),
                    "url": reverse("cadres:secondment_work", args=[secondment.pk]),
                },
                {"label": title},
            ),
        },
    )


@login_required
def work_inbox(request):
    """待批阅: plans and reports awaiting the user (host leader, or officer where no host
    leader is set)."""
    inbox = selectors.work_inbox(request.user)
    return render(
        request,
        "cadres/work/work_inbox.html",
        {"inbox": inbox, "crumbs": [{"label": _("待批阅的计划和报告")}]},
    )

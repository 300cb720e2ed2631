"""Pages of leave (请销假): the secondment's 请销假 tab (requests with their levels, the
cadre's request form, the approver's buttons, 销假), the approver's inbox, the attachment
download, and a program's approval rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from grassroots.core.downloads import attachment_response
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base

from ..enums import LeaveStatus
from ..forms_leave import LeaveDecisionForm, LeaveRequestForm, LeaveReturnForm, LeaveRuleForm
from ..selectors import leave as selectors
from ..selectors.access import CADRE, access_program, access_secondment
from ..services import leave as services
from .common import post_action, program_crumbs, refused, secondment_crumbs

INBOX_PAGE_SIZE = 30


def _tab_url(secondment_id: int) -> str:
    return reverse("cadres:secondment_leave", args=[secondment_id])


def _may_request(rel, secondment) -> bool:
    return CADRE in rel and secondment.status in services.LEAVE_OPEN


@login_required
def secondment_leave(request, pk):
    """请销假: the secondment's requests, newest first, each with its levels; the cadre asks
    for leave here (POST)."""
    user = request.user
    secondment, rel = access_secondment(user, pk)
    max_mb = services.attachment_max_bytes() // (1024 * 1024)
    form = None
    if _may_request(rel, secondment):
        form = LeaveRequestForm(request.POST or None, request.FILES or None, max_mb=max_mb)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = services.leave_request(
                secondment=secondment,
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                attachment=data.get("attachment"),
                actor=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "已提交请假申请（%(n)d 个工作日），请等待审批。",
                    "已提交请假申请（%(n)d 个工作日），请等待审批。",
                    leave.days,
                )
                % {"n": leave.days},
            )
            return redirect(_tab_url(secondment.pk) + f"#leave-{leave.pk}")
    rows = selectors.secondment_leave(user, rel, secondment)
    return render(
        request,
        "cadres/leave/secondment_leave.html",
        {
            "secondment": secondment,
            "relation": rel,
            "tab": "leave",
            "rows": rows,
            "form": form,
            "max_mb": max_mb,
            "taken": sum(
                r.leave.days
                for r in rows
                if r.leave.status in (LeaveStatus.APPROVED, LeaveStatus.RETURNED)
            ),
            "decision_form": LeaveDecisionForm(),
            "return_form": LeaveReturnForm(),
            "next": request.get_full_path(),
            "crumbs": secondment_crumbs(secondment, rel, {"label": _("请销假")}),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _back(request, leave) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _tab_url(leave.secondment_id) + f"#leave-{leave.pk}"


@login_required
@require_POST
def leave_decide(request, pk):
    """The current approver approves (button `approve`) or refuses (`refuse`) with a comment."""
    user = request.user
    leave, _rel = selectors.access_leave(user, pk)
    form = LeaveDecisionForm(request.POST)
    approve = "approve" in request.POST
    if not approve and "refuse" not in request.POST:
        return redirect(_back(request, leave))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(request, leave))
    # The level the approver saw on the page: a level decided meanwhile is not decided again.
    try:
        leave.current_level = int(request.POST.get("level", leave.current_level))
    except (TypeError, ValueError):
        pass
    try:
        leave = services.leave_decide(
            request=leave, approve=approve, comment=form.cleaned_data["comment"], actor=user
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        if not approve:
            messages.success(request, _("已驳回该请假申请，并通知了申请人。"))
        elif leave.status == LeaveStatus.APPROVED:
            messages.success(request, _("已批准该请假，并通知了申请人。"))
        else:
            messages.success(request, _("已同意，已转下一级审批。"))
    return redirect(_back(request, leave))


@login_required
@require_POST
def leave_cancel(request, pk):
    user = request.user
    leave, _rel = selectors.access_leave(user, pk)
    return post_action(
        request,
        lambda: services.leave_cancel(request=leave, actor=user),
        done=_("已撤回请假申请。"),
        to=_back(request, leave),
    )


@login_required
@require_POST
def leave_return(request, pk):
    """销假: the cadre records the day they were back."""
    user = request.user
    leave, _rel = selectors.access_leave(user, pk)
    form = LeaveReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(request, leave))
    try:
        leave = services.leave_return(
            request=leave, returned_on=form.cleaned_data["returned_on"], actor=user
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        if leave.returned_on > leave.ends_on:
            late = (leave.returned_on - leave.ends_on).days
            messages.warning(
                request,
                ngettext(
                    "已销假，比计划结束日期晚 %(n)d 天。",
                    "已销假，比计划结束日期晚 %(n)d 天。",
                    late,
                )
                % {"n": late},
            )
        else:
            messages.success(request, _("已销假。"))
    return redirect(_back(request, leave))


@login_required
@require_GET
def leave_attachment(request, pk):
    """The request's attachment, as a download, to those who may see the request."""
    leave, _rel = selectors.access_leave(request.user, pk)
    return attachment_response(leave.attachment, leave.attachment_name or _("附件"))


@login_required
def leave_inbox(request):
    """待我审批的请假: the requests whose current level is the user's."""
    user = request.user
    page = Paginator(selectors.inbox_for(user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cadres/leave/inbox.html",
        {
            "rows": selectors.inbox_views(user, page.object_list),
            "page_obj": page,
            "querystring_base": querystring_base(request),
            "decision_form": LeaveDecisionForm(),
            "next": request.get_full_path(),
            "crumbs": [{"label": _("待我审批的请假")}],
        },
    )


# --- Rules -------------------------------------------------------------------------------------


@login_required
def leave_rules(request, pk):
    """The program's approval rules, or the defaults it uses while it has none."""
    user = request.user
    program = access_program(user, pk)
    own, defaults = selectors.program_rules(program)
    return render(
        request,
        "cadres/leave/rules.html",
        {
            "program": program,
            "own": own,
            "defaults": defaults,
            "can_manage": services.may_manage_rules(user, program),
            "crumbs": program_crumbs(program, {"label": _("请假审批规则")}),
        },
    )


def _rule_form(request, program, rule=None):
    user = request.user
    if not services.may_manage_rules(user, program):
        raise PermissionDenied
    initial = (
        {
            "level": rule.level,
            "approver": rule.approver,
            "above_days": rule.above_days,
            "rank": rule.rank,
        }
        if rule
        else None
    )
    form = LeaveRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                services.leave_rule_create(program=program, actor=user, **form.cleaned_data)
            else:
                services.leave_rule_update(rule=rule, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("审批规则已保存。"))
            return redirect("cadres:leave_rules", program.pk)
    title = _("新增审批规则") if rule is None else _("修改审批规则")
    return render(
        request,
        "cadres/leave/rule_form.html",
        {
            "form": form,
            "program": program,
            "rule": rule,
            "title": title,
            "crumbs": program_crumbs(
                program,
                {
                    "label": _("请假审批规则"),
                    "url": reverse("cadres:leave_rules", args=[program.pk]),
                },
                {"label": title},
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def leave_rule_create(request, pk):
    return _rule_form(request, access_program(request.user, pk))


@login_required
def leave_rule_edit(request, pk, rule_pk):
    program = access_program(request.user, pk)
    return _rule_form(request, program, selectors.access_rule(program, rule_pk))


@login_required
@require_POST
def leave_rule_delete(request, pk, rule_pk):
    user = request.user
    program = access_program(user, pk)
    rule = selectors.access_rule(program, rule_pk)
    services.leave_rule_delete(rule=rule, actor=user)
    messages.success(request, _("已删除该审批规则。"))
    return redirect("cadres:leave_rules", program.pk)


@login_required
@require_POST
def leave_rules_copy(request, pk):
    """Start the program's own rules from the defaults."""
    user = request.user
    program = access_program(user, pk)
    return post_action(
        request,
        lambda: services.leave_rules_copy_defaults(program=program, actor=user),
        done=_("已按默认规则设置本批次的审批规则，可在此基础上修改。"),
        to=reverse("cadres:leave_rules", args=[program.pk]),
    )


@login_required
@require_POST
def leave_rules_reset(request, pk):
    """Drop the program's own rules: the defaults apply again."""
    user = request.user
    program = access_program(user, pk)
    services.leave_rules_reset(program=program, actor=user)
    messages.success(request, _("本批次已恢复使用默认规则。"))
    return redirect("cadres:leave_rules", program.pk)

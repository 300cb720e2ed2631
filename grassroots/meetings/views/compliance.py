"""Pages of 组织生活合规: a subtree's compliance for a month, quarter or year with its summary
and Excel export, the meetings behind one cell, and the rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.forms import apply_service_errors
from grassroots.core.workbooks import workbook_response
from grassroots.orgs.selectors import subtree_choices

from ..compliance import HELD, MISSING, PENDING, SHORTNESS
from ..enums import MeetingStatus, Period
from ..exports import cell_text, met_text, rule_heading, write_overview
from ..forms_compliance import VIEW_PERIODS, ComplianceFilterForm, RuleForm
from ..models import ComplianceRule
from ..periods import PeriodRange, period_from_key
from ..selectors import compliance as selectors
from ..services import rules as services

VIEW = selectors.VIEW
PAGE_SIZE = 50
STATUS_CSS = {HELD: "success", MISSING: "danger", PENDING: "warning"}


def _crumbs(*extra):
    return [{"label": _("组织生活合规"), "url": reverse("meetings:compliance")}, *extra]


def _choice(request):
    """The organization, the period looked at and the filter, from the query string."""
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    form = ComplianceFilterForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("org"):
        organization = selectors.access_organization(user, cleaned["org"])
    else:
        organization = selectors.default_organization(request)
    if organization is None:
        raise PermissionDenied
    today = timezone.localdate()
    view = period_from_key(cleaned.get("period") or Period.MONTH, cleaned.get("at"), today)
    return organization, view, bool(cleaned.get("missing")), today


def _query(organization, view: PeriodRange, missing: bool = False, **extra) -> str:
    params = {"org": organization.pk, "period": view.period, "at": view.key}
    if missing:
        params["missing"] = "1"
    params.update(extra)
    return urlencode(params)


def _cells(rows, columns, view: PeriodRange):
    """What the table shows per organization and rule, built for the page's rows only."""
    drill = reverse("meetings:compliance_drill")
    for row in rows:
        row.cells = []
        for rule in columns:
            check = row.check_for(rule)
            if check is None:
                row.cells.append(None)
                continue
            span = check.span
            row.cells.append(
                {
                    "check": check,
                    "css": STATUS_CSS[check.status],
                    "text": cell_text(check),
                    "met": met_text(check) if len(check.periods) > 1 else "",
                    # A rule with a longer period than the view is checked over its own one.
                    "own_period": span.label
                    if SHORTNESS[rule.period] < SHORTNESS[view.period]
                    else "",
                    "url": f"{drill}?"
                    + urlencode(
                        {
                            "org": row.organization.pk,
                            "kind": rule.meeting_kind_id,
                            "period": span.period,
                            "at": span.key,
                        }
                    ),
                }
            )


@login_required
def compliance(request):
    """组织生活合规: each organization of a subtree against each rule of its kind."""
    user = request.user
    organization, view, missing, today = _choice(request)
    overview = selectors.compliance_overview(user, organization, view, today)
    rows = selectors.only_missing(overview.rows) if missing else overview.rows
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _cells(page.object_list, overview.columns, view)
    current = period_from_key(view.period, None, today)
    previous, following = view.shifted(-1), view.shifted(1)
    return render(
        request,
        "meetings/compliance/overview.html",
        {
            "overview": overview,
            "organization": organization,
            "view": view,
            "missing": missing,
            "is_current": view == current,
            "view_over": view.end <= today,
            "page_obj": page,
            "headings": [rule_heading(rule) for rule in overview.columns],
            "periods": VIEW_PERIODS,
            "previous_query": _query(organization, previous, missing),
            "next_query": _query(organization, following, missing)
            if following.start <= today
            else "",
            "current_query": _query(organization, current, missing),
            "querystring_base": _query(organization, view, missing) + "&",
            "export_query": _query(organization, view, missing),
            "org_choices": subtree_choices(user, VIEW),
            "can_manage_rules": services.may_manage_rules(user),
            "crumbs": _crumbs({"label": organization.display_name}),
        },
    )


@login_required
def compliance_export(request):
    user = request.user
    organization, view, missing, today = _choice(request)
    overview = selectors.compliance_overview(user, organization, view, today)
    rows = selectors.only_missing(overview.rows) if missing else overview.rows
    filename = _("组织生活合规-%(org)s-%(period)s.xlsx") % {
        "org": organization.display_name,
        "period": view.label,
    }
    return workbook_response(write_overview(overview, rows), filename)


@login_required
def compliance_drill(request):
    """The meetings behind one cell: one organization, one kind of meeting, one period."""
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    form = ComplianceFilterForm(request.GET)
    if not form.is_valid() or not form.cleaned_data.get("org"):
        raise Http404
    organization = selectors.access_organization(user, form.cleaned_data["org"])
    kind = selectors.meeting_kind(request.GET.get("kind"))
    today = timezone.localdate()
    span = period_from_key(
        form.cleaned_data.get("period") or Period.MONTH, request.GET.get("at"), today
    )
    meetings = list(selectors.cell_meetings(user, organization, kind, span))
    rule = ComplianceRule.objects.filter(
        org_kind_id=organization.kind_id, meeting_kind=kind, is_active=True
    ).first()
    for meeting in meetings:
        meeting.counts = meeting.status == MeetingStatus.HELD
    held = sum(1 for m in meetings if m.counts)
    back = reverse("meetings:compliance") + "?" + _query(organization, span)
    return render(
        request,
        "meetings/compliance/drill.html",
        {
            "organization": organization,
            "kind": kind,
            "span": span,
            "meetings": meetings,
            "held": held,
            "rule": rule,
            "back": back,
            "crumbs": _crumbs(
                {"label": organization.display_name, "url": back},
                {"label": f"{kind.label} · {span.label}"},
            ),
        },
    )


# --- Rules ---------------------------------------------------------------------------------


def _rule_crumbs(*extra):
    return _crumbs({"label": _("合规规则"), "url": reverse("meetings:rules")}, *extra)


@login_required
def rules(request):
    """组织生活要求: every rule, active or switched off; changed by who manages them."""
    user = request.user
    can_manage = services.may_manage_rules(user)
    if not (can_manage or permissions.has_any(user, VIEW)):
        raise PermissionDenied
    return render(
        request,
        "meetings/compliance/rules.html",
        {
            "rules": ComplianceRule.objects.select_related("org_kind", "meeting_kind").order_by(
                "-is_active", "org_kind__sort_order", "meeting_kind__sort_order", "pk"
            ),
            "can_manage": can_manage,
            "crumbs": _crumbs({"label": _("合规规则")}),
        },
    )


def _rule_form(request, rule=None):
    user = request.user
    if not services.may_manage_rules(user):
        raise PermissionDenied
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if rule is None:
                services.rule_create(
                    org_kind=data["org_kind"],
                    meeting_kind=data["meeting_kind"],
                    period=data["period"],
                    min_count=data["min_count"],
                    actor=user,
                )
            else:
                services.rule_update(rule=rule, actor=user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存组织生活合规规则。"))
            return redirect("meetings:rules")
    title = _("新增规则") if rule is None else _("修改规则")
    return render(
        request,
        "meetings/compliance/rule_form.html",
        {"form": form, "rule": rule, "title": title, "crumbs": _rule_crumbs({"label": title})},
    )


@login_required
def rule_create(request):
    return _rule_form(request)


def _rule_or_404(pk) -> ComplianceRule:
    rule = ComplianceRule.objects.select_related("org_kind", "meeting_kind").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


@login_required
def rule_edit(request, pk):
    if not services.may_manage_rules(request.user):
        raise PermissionDenied
    return _rule_form(request, _rule_or_404(pk))


@login_required
@require_POST
def rule_toggle(request, pk):
    """Switch a rule off (停用) or on again (启用)."""
    user = request.user
    if not services.may_manage_rules(user):
        raise PermissionDenied
    rule = _rule_or_404(pk)
    active = request.POST.get("active") == "1"
    try:
        services.rule_set_active(rule=rule, active=active, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            (_("已启用规则：%(r)s") if active else _("已停用规则：%(r)s"))
            % {"r": rule_heading(rule)},
        )
    return redirect("meetings:rules")

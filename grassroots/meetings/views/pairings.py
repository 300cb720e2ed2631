"""Pages of pairings (挂点联系 / 结对共建): the list with joint activities per quarter and its
Excel export, the form, the detail with the joint activities log, and ending early."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors, person_label
from grassroots.core.views import querystring_base, render_list
from grassroots.core.workbooks import append_header, workbook_response
from grassroots.orgs.models import Organization
from grassroots.orgs.selectors import subtree_choices

from ..enums import PairingKind
from ..forms_pairings import (
    CONTACTS_OFFERED,
    EndEarlyForm,
    PairingFilterForm,
    PairingForm,
)
from ..selectors import pairings as selectors
from ..services import pairings as services

PAGE_SIZE = 30
VIEW, MANAGE = selectors.VIEW, selectors.MANAGE


def _crumbs(*extra):
    return [{"label": _("结对共建"), "url": reverse("meetings:pairing_list")}, *extra]


def _pairing_crumbs(pairing, *extra):
    return _crumbs(
        {"label": str(pairing), "url": reverse("meetings:pairing_detail", args=[pairing.pk])},
        *extra,
    )


def _may_see_any(user) -> bool:
    return permissions.has_any(user, VIEW) or permissions.has_any(user, MANAGE)


def _filter(request) -> tuple[PairingFilterForm, selectors.PairingFilter]:
    form = PairingFilterForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    org = None
    if cleaned.get("org"):
        try:
            org = permissions.access(request.user, VIEW, Organization.objects.all(), cleaned["org"])
        except Http404:
            org = None
    flt = selectors.PairingFilter(
        year=form.year_or_current(),
        kind=cleaned.get("kind") or "",
        state=cleaned.get("state") or "",
        idle=bool(cleaned.get("idle")),
        organization=org,
    )
    return form, flt


def _with_cells(pairings, year, today):
    for pairing in pairings:
        pairing.cells = selectors.quarter_cells(pairing, year, today)
        pairing.state = selectors.pairing_state(pairing, today)
    return pairings


@login_required
def pairing_list(request):
    user = request.user
    if not _may_see_any(user):
        raise PermissionDenied
    form, flt = _filter(request)
    today = timezone.localdate()
    page = Paginator(selectors.pairing_list(user, flt, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _with_cells(page.object_list, flt.year, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "quarters": selectors.year_quarters(flt.year),
        "years": range(today.year + 1, today.year - 6, -1),
        "kinds": PairingKind.choices,
        "states": PairingFilterForm.STATES,
        "org_choices": subtree_choices(user, VIEW),
        "querystring_base": querystring_base(request),
        "export_query": query.urlencode(),
        "can_create": permissions.has_any(user, MANAGE),
        "crumbs": _crumbs(),
    }
    return render_list(
        request,
        "meetings/pairings/pairing_list.html",
        "meetings/pairings/_pairing_table.html",
        "pairing-table",
        context,
    )


@login_required
def pairing_export(request):
    user = request.user
    if not _may_see_any(user):
        raise PermissionDenied
    _form, flt = _filter(request)
    workbook = _write_pairings(user, flt)
    filename = _("结对共建-%(year)s.xlsx") % {"year": flt.year}
    return workbook_response(workbook, filename)


_STATE_LABELS = dict(PairingFilterForm.STATES)


def _write_pairings(user, flt: selectors.PairingFilter):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    today = timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(flt.year))
    headers = [
        _("类型"),
        _("派出单位"),
        _("派出单位负责人"),
        _("联系对象"),
        _("联系对象负责人"),
        _("开始日期"),
        _("结束日期"),
        _("状态"),
        *[_("第%(q)d季度活动") % {"q": n} for n in range(1, 5)],
        _("全年合计"),
    ]
    append_header(sheet, headers)
    fills = {
        "missing": PatternFill("solid", fgColor="F8D7DA"),
        "due": PatternFill("solid", fgColor="FFF3CD"),
    }
    kinds = dict(PairingKind.choices)
    for pairing in selectors.pairing_list(user, flt, today).iterator(chunk_size=2000):
        cells = selectors.quarter_cells(pairing, flt.year, today)
        state = selectors.pairing_state(pairing, today)
        quarter_cells = []
        for cell_info in cells:
            cell = WriteOnlyCell(sheet, value=None if cell_info.state == "na" else cell_info.count)
            if cell_info.state in fills:
                cell.fill = fills[cell_info.state]
            quarter_cells.append(cell)
        sheet.append(
            [
                str(kinds.get(pairing.kind, pairing.kind)),
                pairing.unit.name,
                pairing.unit_contact.name,
                pairing.partner.name,
                pairing.partner_contact.name,
                pairing.starts_on,
                pairing.ended_early_on or pairing.ends_on,
                str(_STATE_LABELS[state]),
                *quarter_cells,
                sum(c.count for c in cells),
            ]
        )
    return workbook


# --- Form ---------------------------------------------------------------------------------


def _form(request, instance=None) -> PairingForm:
    user = request.user
    initial = None
    if instance is None:
        current = getattr(request, "current_org", None)
        if current is not None and permissions.covers(user, MANAGE, current.path):
            initial = {"unit": current.pk}
    form = PairingForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        units=selectors.unit_choices(user),
        partners=selectors.partner_choices(),
        people=selectors.active_people(),
        contacts_for=selectors.contact_choices,
    )
    url = reverse("meetings:pairing_contact_options")
    for side in ("unit", "partner"):
        form.fields[side].widget.attrs.update(
            {
                "hx-get": f"{url}?side={side}",
                "hx-trigger": "change",
                "hx-target": f"#id_{side}_contact",
                "hx-swap": "innerHTML",
            }
        )
    return form


@login_required
def pairing_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已建立结对：%(p)s。") % {"p": pairing})
            return redirect("meetings:pairing_detail", pairing.pk)
    return render(
        request,
        "meetings/pairings/pairing_form.html",
        {
            "form": form,
            "title": _("建立结对"),
            "crumbs": _crumbs({"label": _("建立结对")}),
        },
    )


def _managed(request, pk):
    """A pairing the user sees (404 otherwise) and may manage (403 otherwise: the partner side
    sees it but does not write it)."""
    pairing = selectors.access_pairing(request.user, pk)
    if not selectors.may_manage(request.user, pairing):
        raise PermissionDenied
    return pairing


@login_required
def pairing_edit(request, pk):
    user = request.user
    pairing = _managed(request, pk)
    form = _form(request, pairing)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_update(pairing=pairing, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:pairing_detail", pairing.pk)
    return render(
        request,
        "meetings/pairings/pairing_form.html",
        {
            "form": form,
            "pairing": pairing,
            "title": _("编辑结对"),
            "crumbs": _pairing_crumbs(pairing, {"label": _("编辑")}),
        },
    )


@login_required
def pairing_end(request, pk):
    user = request.user
    pairing = _managed(request, pk)
    form = EndEarlyForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_end_early(
                pairing=pairing, ended_on=form.cleaned_data["ended_on"], actor=user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已提前结束该结对。"))
            return redirect("meetings:pairing_detail", pairing.pk)
    return render(
        request,
        "meetings/pairings/pairing_end.html",
        {
            "form": form,
            "pairing": pairing,
            "crumbs": _pairing_crumbs(pairing, {"label": pgettext("action", "提前结束")}),
        },
    )


@login_required
def pairing_detail(request, pk):
    user = request.user
    pairing = selectors.access_pairing(user, pk)
    today = timezone.localdate()
    years = selectors.activity_years(pairing)
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if year not in years:
        year = today.year if today.year in years else years[0]
    selectors.pairing_with_counts(pairing, year, today)
    cells = selectors.quarter_cells(pairing, year, today)
    activities = selectors.joint_activities(pairing)
    can_manage = selectors.may_manage(user, pairing)
    return render(
        request,
        "meetings/pairings/pairing_detail.html",
        {
            "pairing": pairing,
            "state": selectors.pairing_state(pairing, today),
            "last_day": pairing.ended_early_on or pairing.ends_on,
            "cells": cells,
            "year": year,
            "years": years,
            "activities": activities,
            "can_manage": can_manage,
            "can_end": can_manage and not pairing.ended_early_on and pairing.ends_on > today,
            "new_activity_url": (
                reverse("meetings:activity_create") + f"?pairing={pairing.pk}"
                if can_manage
                else None
            ),
            "history": history_for(user, pairing),
            "crumbs": _pairing_crumbs(pairing),
        },
    )


@login_required
@require_GET
def pairing_contact_options(request):
    """The <option>s of a contact list for the organization just chosen (htmx)."""
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    side = request.GET.get("side")
    if side not in ("unit", "partner"):
        raise Http404
    org = None
    try:
        pk = int(request.GET.get(side) or 0)
    except ValueError:
        pk = 0
    if pk:
        choices = selectors.unit_choices(user) if side == "unit" else selectors.partner_choices()
        org = choices.filter(pk=pk).first()
    people = list(selectors.contact_choices(org)[:CONTACTS_OFFERED]) if org else []
    html = mark_safe('<option value="">---------</option>') + format_html_join(
        "", '<option value="{}">{}</option>', ((p.pk, person_label(p)) for p in people)
    )
    return HttpResponse(html)

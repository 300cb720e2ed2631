"""Pages of the hours ledger: 我的学时 for a member, an organization's ledger with its Excel
export, the comparison of branches, the yearly targets, and self-study entries."""

from __future__ import annotations

from datetime import datetime

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
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors, year_or_current
from grassroots.core.views import render_list
from grassroots.core.workbooks import append_header, workbook_response
from grassroots.orgs.selectors import subtree_choices

from ..enums import ReviewStatus, StudyKind
from ..forms.sessions import (
    LedgerFilterForm,
    SelfStudyForm,
    TargetsForm,
)
from ..models import HoursTarget, StudyYear
from ..selectors import hours as selectors
from ..selectors import sessions as session_selectors
from ..services import hours as services
from .sessions import evidence_response, review_decision

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20
VIEW, REVIEW = session_selectors.VIEW, session_selectors.REVIEW


def _hours_crumbs(*extra):
    return [{"label": _("学时台账"), "url": reverse("study:ledger")}, *extra]


# --- 我的学时 ------------------------------------------------------------------------------


@login_required
def my_hours(request):
    user = request.user
    if not user.person_id:
        return render(
            request,
            "study/hours/my_hours.html",
            {"no_person": True, "crumbs": [{"label": _("我的学时")}]},
        )
    person = user.person
    year = year_or_current(request.GET.get("year"))
    history = selectors.attendance_history(person).filter(
        session__starts_at__gte=timezone.make_aware(datetime(year, 1, 1)),
        session__starts_at__lt=timezone.make_aware(datetime(year + 1, 1, 1)),
    )
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "study/hours/my_hours.html",
        {
            "person": person,
            "year": year,
            "years": selectors.years_of(person),
            "summary": selectors.year_view(person, year),
            "credits": selectors.credits_of(person, year),
            "page_obj": page,
            "querystring_base": f"year={year}&",
            "self_studies": selectors.self_studies_of(person).filter(studied_on__year=year),
            "can_view_ledger": permissions.has_any(user, VIEW),
            "now": now,
            "crumbs": [{"label": _("我的学时")}],
        },
    )


# --- The ledger of an organization ----------------------------------------------------------


def _ledger_filter(request) -> tuple[LedgerFilterForm, selectors.LedgerFilter]:
    user = request.user
    form = LedgerFilterForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    org = None
    if cleaned.get("org"):
        org = session_selectors.access_organization(user, cleaned["org"], VIEW)
    else:
        org = session_selectors.default_organization(request, VIEW)
    if org is None:
        raise PermissionDenied
    flt = selectors.LedgerFilter(
        organization=org,
        year=year_or_current(cleaned.get("year")),
        show=cleaned.get("show") or "",
        query=(cleaned.get("q") or "").strip(),
    )
    return form, flt


@login_required
def ledger(request):
    """学时台账: the people of an organization's subtree ranked by how much of their yearly
    target they have completed."""
    user = request.user
    if not permissions.has_any(user, VIEW):
        return redirect("study:my_hours")
    form, flt = _ledger_filter(request)
    page = Paginator(selectors.ledger(flt), PAGE_SIZE).get_page(request.GET.get("page"))
    expected = float(selectors.elapsed_fraction(flt.year) * 100)
    for line in page:
        line.behind = line.progress < expected
    query = request.GET.copy()
    query.pop("page", None)
    this_year = timezone.localdate().year
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "kinds": StudyKind.choices,
        "years": range(this_year, this_year - 6, -1),
        "expected_percent": int(expected),
        "org_choices": subtree_choices(user, VIEW),
        "querystring_base": (query.urlencode() + "&") if query else "",
        "export_query": query.urlencode(),
        "can_compare": flt.organization.numchild > 0,
        "can_set_targets": services.may_manage_targets(user),
        "crumbs": _hours_crumbs({"label": flt.organization.display_name}),
    }
    return render_list(
        request,
        "study/hours/ledger.html",
        "study/hours/_ledger_table.html",
        "ledger-table",
        context,
    )


@login_required
def ledger_export(request):
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    _form, flt = _ledger_filter(request)
    workbook = _write_ledger(flt)
    filename = _("学时台账-%(org)s-%(year)s.xlsx") % {
        "org": flt.organization.display_name,
        "year": flt.year,
    }
    return workbook_response(workbook, filename)


def _write_ledger(flt: selectors.LedgerFilter):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(flt.year))
    headers = [
        _("排名"),
        _("姓名"),
        _("所在组织"),
        *[str(label) for _kind, label in StudyKind.choices],
        _("合计学时"),
        _("年度要求"),
        _("完成率（%）"),
    ]
    append_header(sheet, headers)
    for rank, line in enumerate(selectors.ledger(flt), start=1):
        sheet.append(
            [
                rank,
                line.name,
                line.organization.name,
                float(line.concentrated),
                float(line.branch),
                float(line.training),
                float(line.self_study),
                float(line.total),
                float(line.target),
                round(line.progress, 1),
            ]
        )
    return workbook


@login_required
def compare(request):
    """Branches compared: each organization below the chosen one with its people, average
    hours and completion rate, as a table and a bar chart."""
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    form, flt = _ledger_filter(request)
    result = selectors.compare(flt.organization, flt.year)
    this_year = timezone.localdate().year
    return render(
        request,
        "study/hours/compare.html",
        {
            "form": form,
            "flt": flt,
            "result": result,
            "chart": selectors.chart_data(result),
            "expected_percent": int(result["fraction"] * 100),
            "years": range(this_year, this_year - 6, -1),
            "org_choices": subtree_choices(user, VIEW),
            "crumbs": _hours_crumbs({"label": _("各组织对比")}),
        },
    )


@login_required
def targets(request):
    """年度学时要求: the targets for members and for secretaries and committee members."""
    user = request.user
    if not services.may_manage_targets(user):
        raise PermissionDenied
    current = services.current_targets()
    form = TargetsForm(
        request.POST or None,
        initial={
            "member_hours": current.member,
            "leader_hours": current.leader,
            "leader_keywords": ",".join(current.keywords),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.targets_update(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存年度学时要求，本年度台账已按新要求更新。"))
            return redirect("study:targets")
    year = timezone.localdate().year
    rows = StudyYear.objects.filter(year=year)
    return render(
        request,
        "study/hours/targets.html",
        {
            "form": form,
            "year": year,
            "leaders": rows.filter(target=current.leader).count()
            if current.leader != current.member
            else None,
            "categories": HoursTarget.Category.choices,
            "crumbs": _hours_crumbs({"label": _("年度学时要求")}),
        },
    )


# --- Self-study (自学) -----------------------------------------------------------------------


def _self_crumbs(*extra):
    return [{"label": _("我的学时"), "url": reverse("study:my_hours")}, *extra]


def _materials_for(user):
    if not user.person_id:
        return None
    return services.materials_visible_to(user.person).order_by("-created_at", "-id")


@login_required
def self_study_create(request):
    user = request.user
    if not user.person_id:
        raise PermissionDenied(_("您的账号未关联人员信息，无法记录学习。"))
    form = SelfStudyForm(
        request.POST or None, request.FILES or None, materials=_materials_for(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.self_study_create(actor=user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已提交自学记录，审核通过后计入学时。"))
            return redirect("study:self_study_detail", entry.pk)
    return render(
        request,
        "study/hours/self_study_form.html",
        {"form": form, "title": _("记录自学"), "crumbs": _self_crumbs({"label": _("记录自学")})},
    )


@login_required
def self_study_edit(request, pk):
    user = request.user
    entry = session_selectors.access_own_self_study(user, pk)
    if entry.status != ReviewStatus.RETURNED:
        messages.error(request, _("只有被退回的自学记录可以修改后重新提交。"))
        return redirect("study:self_study_detail", entry.pk)
    form = SelfStudyForm(
        request.POST or None, request.FILES or None, instance=entry, materials=_materials_for(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.self_study_resubmit(entry=entry, actor=user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已重新提交自学记录。"))
            return redirect("study:self_study_detail", entry.pk)
    return render(
        request,
        "study/hours/self_study_form.html",
        {
            "form": form,
            "entry": entry,
            "title": _("修改自学记录"),
            "crumbs": _self_crumbs({"label": _("修改自学记录")}),
        },
    )


@login_required
@require_POST
def self_study_withdraw(request, pk):
    user = request.user
    entry = session_selectors.access_own_self_study(user, pk)
    try:
        services.self_study_withdraw(entry=entry, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("study:self_study_detail", entry.pk)
    messages.success(request, _("已撤回自学记录。"))
    return redirect("study:my_hours")


@login_required
def self_study_detail(request, pk):
    user = request.user
    entry = session_selectors.access_self_study(user, pk)
    form, can_review, done = review_decision(
        request,
        entry,
        author_id=entry.person_id,
        approve=lambda comment: services.self_study_approve(
            entry=entry, actor=user, comment=comment
        ),
        send_back=lambda comment: services.self_study_return(
            entry=entry, actor=user, comment=comment
        ),
        approved=_("已通过该自学记录，学时已计入。"),
        returned=_("已退回该自学记录。"),
    )
    if done:
        return redirect(reverse("study:review_queue") + "?tab=self")
    return render(
        request,
        "study/hours/self_study_detail.html",
        {
            "entry": entry,
            "form": form,
            "can_review": can_review,
            "is_owner": entry.person_id == user.person_id,
            "history": history_for(user, entry),
            "crumbs": _self_crumbs({"label": entry.title})
            if entry.person_id == user.person_id
            else [
                {"label": _("学习审核"), "url": reverse("study:review_queue") + "?tab=self"},
                {"label": entry.title},
            ],
        },
    )


@login_required
def self_study_file(request, pk):
    entry = session_selectors.access_self_study(request.user, pk)
    if not entry.file:
        raise Http404
    return evidence_response(entry.file, _("自学佐证材料"))


# --- Contributions to other pages (registered in apps.py) ------------------------------------


def person_panel(request, person) -> str | None:
    """学时 on a person's page: this year's hours against the target, for those who may see."""
    from django.template.loader import render_to_string

    user = request.user
    is_self = user.person_id == person.pk
    if not (is_self or permissions.user_can(user, VIEW, person)):
        return None
    year = timezone.localdate().year
    return render_to_string(
        "study/hours/_person_panel.html",
        {"summary": selectors.year_view(person, year), "is_self": is_self, "person": person},
        request=request,
    )


def counter_my_hours(request):
    user = request.user
    if not user.person_id:
        return None
    summary = selectors.year_view(user.person, timezone.localdate().year)
    return {
        "label": _("本年学时"),
        "value": f"{selectors.hours_text(summary.total)} / {selectors.hours_text(summary.target)}",
        "url": reverse("study:my_hours"),
    }


def counter_reviews(request):
    user = request.user
    if not permissions.has_any(user, REVIEW):
        return None
    # current_org is lazy: its truth, not its identity, says whether there is one.
    org = request.current_org or None
    if org and not permissions.covers(user, REVIEW, org.path):
        org = None
    return {
        "label": _("待审核补学、自学"),
        "value": session_selectors.waiting_reviews(user, org),
        "url": reverse("study:review_queue") + (f"?org={org.pk}" if org else ""),
    }


def counter_upcoming(request):
    user = request.user
    if not user.person_id:
        return None
    flt = session_selectors.SessionFilter(when="upcoming", mine=True)
    count = session_selectors.session_list(user, flt).exclude(status="cancelled").count()
    return {
        "label": _("我的待参加学习"),
        "value": count,
        "url": reverse("study:sessions") + "?mine=on",
    }

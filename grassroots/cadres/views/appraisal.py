"""Pages of appraisal and archive: a secondment's 考核与总结 tab (tally, decision, commendation,
final summary, archive), a program's appraisal page (rounds, the cadres' totals, the exchange
meeting, archiving the batch) and the officers' archive search with its Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from grassroots.core import permissions
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list, simple_form_page
from grassroots.core.workbooks import append_header, append_row, workbook_response

from ..enums import AppraisalResult, AppraisalStage, SecondmentStatus
from ..forms_appraisal import (
    ArchiveFilterForm,
    CommendForm,
    DecideForm,
    ExchangeMeetingForm,
    RoundStartForm,
)
from ..models import AppraisalRound
from ..selectors import appraisal as selectors
from ..selectors import archive as archive_selectors
from ..selectors.access import APPROVE, MANAGE, VIEW, access_program, access_secondment
from ..services import appraisal as services
from ..services import archive as archive_services
from .common import program_crumbs, secondment_crumbs

PAGE_SIZE = 30


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- The secondment's tab ------------------------------------------------------------------------


@login_required
def secondment_appraisal(request, pk):
    secondment, rel = access_secondment(request.user, pk)
    rounds = selectors.secondment_rounds(secondment, rel)
    may_decide = rel.can_approve and secondment.status in services.DECIDABLE
    for view in rounds:
        view.form = None
        if may_decide and view.is_closed:
            initial = {}
            if view.appraisal is not None:
                initial = {"result": view.appraisal.result, "note": view.appraisal.note}
            view.form = DecideForm(initial=initial, prefix=f"r{view.round.pk}")
    may_archive = rel.can_approve and secondment.status == SecondmentStatus.COMPLETED
    context = {
        "secondment": secondment,
        "relation": rel,
        "tab": "appraisal",
        "rounds": rounds,
        "may_commend": rel.can_approve and secondment.status in services.COMMENDABLE,
        "may_archive": may_archive,
        "archive_problems": archive_services.archive_problems(secondment) if may_archive else [],
        "crumbs": secondment_crumbs(secondment, rel, {"label": _("考核与总结")}),
    }
    return render(request, "cadres/appraisal/secondment_appraisal.html", context)


@login_required
@require_POST
def appraisal_decide(request, pk, round_pk):
    secondment, rel = access_secondment(request.user, pk)
    round_ = get_object_or_404(
        AppraisalRound.objects.select_related("campaign"), pk=round_pk, program=secondment.program
    )
    if not rel.can_approve:
        raise PermissionDenied
    form = DecideForm(request.POST, prefix=f"r{round_.pk}")
    back = reverse("cadres:secondment_appraisal", args=[secondment.pk])
    if not form.is_valid():
        messages.error(request, _("请选择考核结果。"))
        return redirect(back)
    try:
        appraisal = services.appraisal_decide(
            round=round_,
            secondment=secondment,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("已确定%(stage)s结果：%(result)s。")
            % {"stage": round_.get_stage_display(), "result": appraisal.get_result_display()},
        )
    return redirect(back)


@login_required
def secondment_commend(request, pk):
    secondment, rel = access_secondment(request.user, pk)
    if not rel.can_approve:
        raise PermissionDenied
    back = reverse("cadres:secondment_appraisal", args=[secondment.pk])
    form = CommendForm(
        request.POST or None,
        initial={"text": secondment.commendation} if secondment.commended else None,
    )
    return simple_form_page(
        request,
        form,
        act=lambda data: services.secondment_commend(
            secondment=secondment, text=data["text"], actor=request.user
        ),
        done=_("已记录表彰。"),
        back=back,
        title=_("表彰"),
        subject=f"{secondment.person.name} · {secondment.program.title}",
        crumbs=secondment_crumbs(
            secondment, rel, {"label": _("考核与总结"), "url": back}, {"label": _("表彰")}
        ),
        form_testid="commend-form",
    )


@login_required
@require_POST
def secondment_archive(request, pk):
    secondment, rel = access_secondment(request.user, pk)
    if not rel.can_approve:
        raise PermissionDenied
    try:
        archive_services.secondment_archive(secondment=secondment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已归档，挂职经历已记入本人档案。"))
    return redirect("cadres:secondment_appraisal", secondment.pk)


# --- The program's appraisal page ----------------------------------------------------------------


def _program(request, pk, codename: str = VIEW):
    """A program the user may see (404 otherwise), and may act on with `codename`."""
    program = access_program(request.user, pk)
    if codename != VIEW and not permissions.covers(
        request.user, codename, program.organization.path
    ):
        raise PermissionDenied
    return program


@login_required
@require_GET
def program_appraisal(request, pk):
    program = _program(request, pk)
    user = request.user
    path = program.organization.path
    data = selectors.program_appraisal(program)
    meeting_url = ""
    if program.exchange_meeting_id:
        meeting_url = reverse("meetings:meeting_detail", args=[program.exchange_meeting_id])
    context = {
        "program": program,
        "data": data,
        "can_manage": permissions.covers(user, MANAGE, path),
        "can_approve": permissions.covers(user, APPROVE, path),
        "may_start": len(data.rounds) < len(AppraisalStage) and program.status == "running",
        "meeting": program.exchange_meeting if program.exchange_meeting_id else None,
        "may_meet": program.status in services.MEETING_STATUSES
        and services.exchange_meeting_open(program),
        "meeting_url": meeting_url,
        "crumbs": program_crumbs(program, {"label": _("考核与归档")}),
    }
    return render(request, "cadres/appraisal/program_appraisal.html", context)


@login_required
def round_start(request, pk):
    program = _program(request, pk, MANAGE)
    back = reverse("cadres:program_appraisal", args=[program.pk])
    taken = set(AppraisalRound.objects.filter(program=program).values_list("stage", flat=True))
    form = RoundStartForm(request.POST or None, taken=taken)
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_round_start(program=program, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("考核测评已开始，测评人已收到通知。"))
            return redirect(back)
    return render(
        request,
        "includes/simple_form.html",
        {
            "form": form,
            "form_testid": "round-start-form",
            "title": _("开展考核测评"),
            "subject": program.title,
            "back": back,
            "crumbs": program_crumbs(
                program, {"label": _("考核与归档"), "url": back}, {"label": _("开展考核测评")}
            ),
        },
    )


@login_required
@require_POST
def round_close(request, pk, round_pk):
    program = _program(request, pk, MANAGE)
    round_ = get_object_or_404(
        AppraisalRound.objects.select_related("campaign", "program__organization"),
        pk=round_pk,
        program=program,
    )
    try:
        services.appraisal_round_close(round=round_, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("测评已结束，可以确定考核结果。"))
    return redirect("cadres:program_appraisal", program.pk)


@login_required
def exchange_meeting(request, pk):
    program = _program(request, pk, MANAGE)
    back = reverse("cadres:program_appraisal", args=[program.pk])
    return simple_form_page(
        request,
        ExchangeMeetingForm(request.POST or None),
        act=lambda data: services.exchange_meeting_schedule(
            program=program,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            place=data["place"],
            topic=data.get("topic", ""),
            actor=request.user,
        ),
        done=_("已安排座谈会并通知挂职干部。"),
        back=back,
        title=_("安排挂职干部座谈会"),
        subject=program.title,
        crumbs=program_crumbs(
            program, {"label": _("考核与归档"), "url": back}, {"label": _("座谈会")}
        ),
        form_testid="exchange-meeting-form",
    )


@login_required
@require_POST
def program_archive(request, pk):
    program = _program(request, pk, APPROVE)
    try:
        outcome = archive_services.program_archive_all(program=program, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            ngettext(
                "已归档 %(n)d 名挂职干部。", "已归档 %(n)d 名挂职干部。", len(outcome.archived)
            )
            % {"n": len(outcome.archived)},
        )
        for secondment, problems in outcome.skipped:
            messages.warning(
                request,
                _("%(name)s未归档：%(why)s")
                % {"name": secondment.person.name, "why": " ".join(problems)},
            )
    return redirect("cadres:program_appraisal", program.pk)


# --- The archive -----------------------------------------------------------------------------


def _may_see_archive(user) -> None:
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied


def _archive_filter(request) -> tuple[ArchiveFilterForm, archive_selectors.ArchiveFilter]:
    form = ArchiveFilterForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    flt = archive_selectors.ArchiveFilter(
        query=(cleaned.get("q") or "").strip(),
        year=cleaned.get("year") or None,
        host=(cleaned.get("host") or "").strip(),
        result=cleaned.get("result") or "",
        archived_only=bool(cleaned.get("archived")),
        commended=bool(cleaned.get("commended")),
    )
    return form, flt


@login_required
@require_GET
def archive_list(request):
    user = request.user
    _may_see_archive(user)
    form, flt = _archive_filter(request)
    page = Paginator(archive_selectors.archive_for(user, flt), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "flt": flt,
        "results": AppraisalResult.choices,
        "years": archive_selectors.archive_years(user),
        "page_obj": page,
        "querystring_base": querystring_base(request),
        "export_query": query.urlencode(),
        "crumbs": [{"label": _("挂职档案")}],
    }
    return render_list(
        request,
        "cadres/archive/archive_list.html",
        "cadres/archive/_archive_table.html",
        "archive-table",
        context,
    )


@login_required
@require_GET
def archive_export(request):
    from openpyxl import Workbook

    user = request.user
    _may_see_archive(user)
    _form, flt = _archive_filter(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("挂职档案"))
    append_header(
        sheet,
        [
            _("批次"),
            _("姓名"),
            _("派出单位"),
            _("接收单位"),
            _("挂职岗位"),
            _("开始日期"),
            _("结束日期"),
            _("鉴定结果"),
            _("表彰"),
            _("状态"),
            _("归档时间"),
        ],
    )
    for s in archive_selectors.archive_for(user, flt).iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                s.program.title,
                s.person.name,
                s.sending_org.name,
                s.post.host.name,
                s.post.title,
                s.starts_on,
                s.ends_on,
                s.get_result_display() if s.result else "",
                s.commendation if s.commended else "",
                s.get_status_display(),
                timezone.localtime(s.archived_at).replace(tzinfo=None) if s.archived_at else "",
            ],
        )
    filename = _("挂职档案-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
    return workbook_response(workbook, filename)

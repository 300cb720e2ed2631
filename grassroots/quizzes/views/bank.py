"""Pages of the question bank: the list with filters, a question's form, and the Excel import
(template, upload, dry run, confirm)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list
from grassroots.core.workbooks import XLSX_CONTENT_TYPE

from ..enums import ImportStatus
from ..forms import ImportUploadForm, QuestionFilterForm, QuestionForm
from ..importing import ERROR, EXISTING, NEW, REPEATED, STATUS_LABELS
from ..selectors import bank as selectors
from ..services import bank as services
from ..services import imports as import_services
from ..workbooks import build_template

PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 200
MANAGE = selectors.MANAGE
_MULTIPART_OVERHEAD = 64 * 1024


def _require(user) -> None:
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied


def crumbs(*extra):
    return [
        {"label": _("测试管理"), "url": reverse("quizzes:manage")},
        {"label": _("题库"), "url": reverse("quizzes:bank")},
        *extra,
    ]


def question_filter_from(request, user) -> tuple[QuestionFilterForm, selectors.QuestionFilter]:
    data = request.GET.copy()
    if "active" not in data:
        data["active"] = "1"
    form = QuestionFilterForm(data)
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = permissions.access(
                user, MANAGE, selectors.bank_organizations(user), cleaned["org"]
            )
        except Http404:
            org = None
    flt = selectors.QuestionFilter(
        qtype=cleaned.get("qtype", ""),
        tag=selectors.tag_named(cleaned.get("tag", "")),
        difficulty=cleaned.get("difficulty"),
        query=cleaned.get("q", ""),
        active=form.cleaned_data.get("active", "1") if form.is_valid() else "1",
        organization=org,
    )
    return form, flt


@login_required
def bank(request):
    user = request.user
    _require(user)
    form, flt = question_filter_from(request, user)
    page = Paginator(selectors.bank_list(user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "tags": selectors.tag_choices(),
        "org_choices": selectors.bank_organizations(user)[:300],
        "querystring_base": querystring_base(request),
        "crumbs": crumbs()[:1] + [{"label": _("题库")}],
    }
    return render_list(
        request, "quizzes/bank/list.html", "quizzes/bank/_table.html", "question-table", context
    )


def _question_form_page(request, form, *, title, question=None):
    return render(
        request,
        "quizzes/bank/question_form.html",
        {
            "form": form,
            "title": title,
            "question": question,
            "history": history_for(request.user, question) if question else None,
            "crumbs": crumbs({"label": title}),
        },
    )


@login_required
def question_create(request):
    user = request.user
    _require(user)
    organizations = selectors.bank_organizations(user)
    current = request.current_org
    initial = {"difficulty": 2}
    if current is not None and permissions.covers(user, MANAGE, current.path):
        initial["organization"] = current.pk
    form = QuestionForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(
                organization=form.cleaned_data["organization"],
                actor=user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加题目。"))
            if "another" in request.POST:
                return redirect(reverse("quizzes:question_create"))
            return redirect(reverse("quizzes:bank") + f"#q{question.pk}")
    return _question_form_page(request, form, title=_("添加题目"))


@login_required
def question_edit(request, pk):
    user = request.user
    question = selectors.access_question(user, pk)
    form = QuestionForm(
        request.POST or None,
        organizations=selectors.bank_organizations(user),
        question=question,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=user, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。已经作答的答卷保留原题，不受修改影响。"))
            return redirect("quizzes:bank")
    return _question_form_page(request, form, title=_("编辑题目"), question=question)


@login_required
@require_POST
def question_toggle(request, pk):
    question = selectors.access_question(request.user, pk)
    active = request.POST.get("active") == "1"
    services.question_set_active(question=question, active=active, actor=request.user)
    messages.success(request, _("已启用该题。") if active else _("已停用该题，今后组卷不再使用。"))
    return redirect("quizzes:bank")


@login_required
@require_POST
def question_delete(request, pk):
    question = selectors.access_question(request.user, pk)
    try:
        services.question_delete(question=question, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除题目。"))
    return redirect("quizzes:bank")


# --- Import ------------------------------------------------------------------------


@login_required
def import_template(request):
    _require(request.user)
    return FileResponse(
        build_template(),
        as_attachment=True,
        filename="题库导入模板.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def import_upload(request):
    user = request.user
    _require(user)
    max_bytes = import_services.max_upload_bytes()
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes + _MULTIPART_OVERHEAD:
            messages.error(
                request,
                _("文件过大：不能超过 %(mb)d MB，请分批导入。")
                % {"mb": max_bytes // (1024 * 1024)},
            )
            return redirect("quizzes:import")
    organizations = selectors.bank_organizations(user)
    current = request.current_org
    initial = {}
    if current is not None and permissions.covers(user, MANAGE, current.path):
        initial["organization"] = current.pk
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        max_mb=max_bytes // (1024 * 1024),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_import = import_services.question_import_upload(
                organization=form.cleaned_data["organization"],
                uploaded_file=form.cleaned_data["file"],
                actor=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("quizzes:import_preview", question_import.pk)
    pending = selectors.imports_for(user).filter(status=ImportStatus.PENDING)[:5]
    return render(
        request,
        "quizzes/bank/import.html",
        {"form": form, "pending": pending, "crumbs": crumbs({"label": _("导入题目")})},
    )


_SHOW = (ERROR, NEW, EXISTING, REPEATED)


@login_required
def import_preview(request, pk):
    question_import = selectors.access_import(request.user, pk)
    if question_import.status == ImportStatus.IMPORTED:
        return redirect("quizzes:import_result", question_import.pk)
    if question_import.status == ImportStatus.CANCELLED:
        messages.info(request, _("这次导入已取消。"))
        return redirect("quizzes:import")
    file_errors: list[str] = []
    plan = None
    try:
        plan = import_services.import_plan(question_import)
    except ValidationError as exc:
        file_errors = exc.messages
    show = request.GET.get("show", "")
    if show not in _SHOW:
        show = ""
    rows = [] if plan is None else [r for r in plan.rows if not show or r.status == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = plan.counts if plan else {}
    filters = [{"key": "", "label": _("全部"), "count": len(plan.rows) if plan else 0}] + [
        {"key": key, "label": STATUS_LABELS[key], "count": counts.get(key, 0)} for key in _SHOW
    ]
    return render(
        request,
        "quizzes/bank/import_preview.html",
        {
            "question_import": question_import,
            "plan": plan,
            "counts": counts,
            "writable": counts.get(NEW, 0),
            "file_errors": file_errors,
            "page_obj": page,
            "show": show,
            "filters": filters,
            "querystring_base": f"show={show}&" if show else "",
            "crumbs": crumbs({"label": question_import.original_name}),
        },
    )


@login_required
@require_POST
def import_confirm(request, pk):
    question_import = selectors.access_import(request.user, pk)
    try:
        question_import = import_services.question_import_confirm(
            question_import=question_import, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quizzes:import_preview", pk)
    messages.success(
        request,
        _(
            "导入完成：新增 %(new)d 道题，题库已有 %(existing)d 道，文件内重复 %(repeated)d 道，跳过有错误的 %(error)d 行。"
        )
        % question_import.summary["counts"],
    )
    return redirect("quizzes:import_result", question_import.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    question_import = selectors.access_import(request.user, pk)
    try:
        import_services.question_import_cancel(question_import=question_import, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("已取消本次导入，没有写入任何题目。"))
    return redirect("quizzes:import")


@login_required
def import_result(request, pk):
    question_import = selectors.access_import(request.user, pk)
    if question_import.status != ImportStatus.IMPORTED:
        return redirect("quizzes:import_preview", question_import.pk)
    summary = question_import.summary or {}
    skipped = [
        {**row, "status_label": STATUS_LABELS.get(row.get("status"), "")}
        for row in summary.get("skipped", [])
    ]
    return render(
        request,
        "quizzes/bank/import_result.html",
        {
            "question_import": question_import,
            "counts": summary.get("counts", {}),
            "written": summary.get("written", 0),
            "skipped": skipped,
            "crumbs": crumbs({"label": question_import.original_name}),
        },
    )

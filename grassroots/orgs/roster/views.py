"""Pages of the roster (花名册): the template, the import (upload, dry run, confirm), the export."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.workbooks import XLSX_CONTENT_TYPE

from ..models import RosterImportStatus
from ..views import people_filter_from
from . import selectors, services
from .forms import RosterUploadForm
from .plan import ACTION_LABELS, CREATE, ERROR, IMPORT_CODENAME, UNCHANGED, UPDATE
from .workbooks import build_template, write_export

PREVIEW_PAGE_SIZE = 200
TEMPLATE_MAX_ORGS = 10_000
# Multipart framing around the file; a body larger than the file limit plus this is refused
# before Django spools it to disk.
_MULTIPART_OVERHEAD = 64 * 1024


def _require_import(user) -> None:
    if not permissions.has_any(user, IMPORT_CODENAME):
        raise PermissionDenied


def _crumbs(*extra):
    return [
        {"label": _("人员"), "url": reverse("orgs:people")},
        {"label": _("导入花名册"), "url": reverse("orgs:roster_import")},
        *extra,
    ]


def _current_import_org(request):
    current = request.current_org
    if (
        current is not None
        and current.is_active
        and permissions.covers(request.user, IMPORT_CODENAME, current.path)
    ):
        return current
    return None


@login_required
def template_download(request):
    user = request.user
    _require_import(user)
    current = _current_import_org(request)
    handle = build_template(
        selectors.import_organizations(user)[:TEMPLATE_MAX_ORGS],
        example_org_code=current.code if current else "",
    )
    return FileResponse(
        handle, as_attachment=True, filename="花名册模板.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@login_required
def import_upload(request):
    user = request.user
    _require_import(user)
    organizations = selectors.import_organizations(user)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.ROSTER_UPLOAD_MAX_BYTES + _MULTIPART_OVERHEAD:
            messages.error(
                request,
                _("文件过大：不能超过 %(mb)d MB，请分批导入。")
                % {"mb": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)},
            )
            return redirect("orgs:roster_import")
    current = _current_import_org(request) or organizations.first()
    form = RosterUploadForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        initial={"organization": current.pk if current else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = services.roster_upload(
                organization=form.cleaned_data["organization"],
                uploaded_file=form.cleaned_data["file"],
                actor=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("orgs:roster_preview", roster_import.pk)
    pending = selectors.imports_for(user).filter(status=RosterImportStatus.PENDING)[:5]
    return render(
        request,
        "orgs/roster/import.html",
        {"form": form, "pending": pending, "crumbs": _crumbs()[:1] + [{"label": _("导入花名册")}]},
    )


_FILTERS = (ERROR, CREATE, UPDATE, UNCHANGED)


@login_required
def import_preview(request, pk):
    user = request.user
    roster_import = selectors.access_roster_import(user, pk)
    if roster_import.status == RosterImportStatus.IMPORTED:
        return redirect("orgs:roster_result", roster_import.pk)
    if roster_import.status == RosterImportStatus.CANCELLED:
        messages.info(request, _("这次导入已取消。"))
        return redirect("orgs:roster_import")
    file_errors: list[str] = []
    plan = None
    try:
        plan = selectors.roster_preview(user, roster_import)
    except ValidationError as exc:
        file_errors = exc.messages
    show = request.GET.get("show", "")
    if show not in _FILTERS:
        show = ""
    rows = [] if plan is None else [row for row in plan.rows if not show or row.action == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = plan.counts if plan else {}
    filters = [{"key": "", "label": _("全部"), "count": len(plan.rows) if plan else 0}] + [
        {"key": key, "label": ACTION_LABELS[key], "count": counts.get(key, 0)} for key in _FILTERS
    ]
    return render(
        request,
        "orgs/roster/preview.html",
        {
            "roster_import": roster_import,
            "plan": plan,
            "counts": counts,
            "writable": (counts.get(CREATE, 0) + counts.get(UPDATE, 0)) if plan else 0,
            "file_errors": file_errors,
            "page_obj": page,
            "show": show,
            "filters": filters,
            "querystring_base": f"show={show}&" if show else "",
            "crumbs": _crumbs({"label": roster_import.original_name}),
        },
    )


@login_required
@require_POST
def import_confirm(request, pk):
    roster_import = selectors.access_roster_import(request.user, pk)
    try:
        roster_import = services.roster_confirm(roster_import=roster_import, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:roster_preview", pk)
    counts = roster_import.summary["counts"]
    messages.success(
        request,
        _(
            "导入完成：新增 %(create)d 人，更新 %(update)d 人，无变化 %(unchanged)d 人，跳过 %(error)d 行。"
        )
        % counts,
    )
    return redirect("orgs:roster_result", roster_import.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    roster_import = selectors.access_roster_import(request.user, pk)
    try:
        services.roster_cancel(roster_import=roster_import, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("已取消本次导入，没有写入任何数据。"))
    return redirect("orgs:roster_import")


@login_required
def import_result(request, pk):
    roster_import = selectors.access_roster_import(request.user, pk)
    if roster_import.status != RosterImportStatus.IMPORTED:
        return redirect("orgs:roster_preview", roster_import.pk)
    summary = roster_import.summary or {}
    return render(
        request,
        "orgs/roster/result.html",
        {
            "roster_import": roster_import,
            "counts": summary.get("counts", {}),
            "errors": summary.get("errors", []),
            "crumbs": _crumbs({"label": roster_import.original_name}),
        },
    )


@login_required
def export_people(request):
    user = request.user
    if not permissions.has_any(user, selectors.EXPORT_CODENAME):
        raise PermissionDenied
    _form, flt = people_filter_from(request)
    people = selectors.people_to_export(user, flt).iterator(chunk_size=2000)
    handle = write_export(people, selectors.id_number_prefixes(user), user=user)
    filename = f"花名册-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )

"""Pages of the materials library: the list with search and tag chips, a material, publishing,
and the download of its file (always as an attachment)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.downloads import attachment_response
from grassroots.core.forms import apply_service_errors
from grassroots.core.uploads import DOCUMENT_KINDS
from grassroots.core.views import render_list

from ..enums import MaterialKind
from ..forms.library import MaterialFilterForm, MaterialForm
from ..selectors import library as selectors
from ..services import library as services


def _crumbs(*extra):
    return [{"label": _("学习资料"), "url": reverse("study:material_list")}, *extra]


@login_required
def material_list(request):
    user = request.user
    form = MaterialFilterForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v}
    materials = selectors.filter_materials(
        user, query=data.get("q", ""), tag=data.get("tag", ""), kind=data.get("kind", "")
    )
    page = Paginator(materials, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_tag = query.copy()
    without_tag.pop("tag", None)
    context = {
        "form": form,
        "filters": data,
        "page_obj": page,
        "tags": selectors.popular_tags(user),
        "kinds": MaterialKind.choices,
        "querystring_base": (query.urlencode() + "&") if query else "",
        "tag_query": (without_tag.urlencode() + "&") if without_tag else "",
        "can_publish": permissions.has_any(user, "study.manage_material"),
        "crumbs": [{"label": _("学习资料")}],
    }
    return render_list(
        request,
        "study/library/material_list.html",
        "study/library/_material_table.html",
        "material-table",
        context,
    )


@login_required
def material_detail(request, pk):
    user = request.user
    material = selectors.access_material(user, pk)
    return render(
        request,
        "study/library/material_detail.html",
        {
            "material": material,
            "file_label": DOCUMENT_KINDS[material.file_kind].label
            if material.file_kind in DOCUMENT_KINDS
            else "",
            "can_manage": selectors.can_manage_material(user, material),
            "can_write": bool(user.person_id),
            "history": history_for(user, material),
            "crumbs": _crumbs({"label": material.title}),
        },
    )


@login_required
@require_GET
def material_download(request, pk):
    """The file as an attachment with the type found at upload, never rendered by the browser."""
    material = selectors.access_material(request.user, pk)
    if material.kind != MaterialKind.DOCUMENT or not material.file:
        raise Http404
    return attachment_response(
        material.file,
        material.original_name or material.file.name.rsplit("/", 1)[-1],
        material.file_kind,
    )


def _form_values(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "file": data.get("file"),
        "link": data.get("link", ""),
        "body": data.get("body", ""),
        "summary": data.get("summary", ""),
        "tags": data.get("tags", ""),
    }


@login_required
def material_create(request):
    user = request.user
    organizations = selectors.publishing_organizations(user)
    if not permissions.has_any(user, "study.manage_material"):
        raise PermissionDenied
    initial = {"kind": MaterialKind.DOCUMENT}
    current = getattr(request, "current_org", None)
    if current and permissions.user_can(user, "study.manage_material", current):
        initial["organization"] = current.pk
    form = MaterialForm(
        request.POST or None, request.FILES or None, organizations=organizations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(
                organization=form.cleaned_data["organization"], actor=user, **_form_values(form)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已发布“%(t)s”。") % {"t": material.title})
            return redirect("study:material_detail", material.pk)
    return render(
        request,
        "study/library/material_form.html",
        {"form": form, "title": _("发布学习资料"), "crumbs": _crumbs({"label": _("发布")})},
    )


@login_required
def material_edit(request, pk):
    user = request.user
    material = selectors.access_material_to_manage(user, pk)
    initial = {
        "organization": material.organization_id,
        "title": material.title,
        "kind": material.kind,
        "link": material.link,
        "body": material.body,
        "summary": material.summary,
        "tags": " ".join(t.name for t in material.tags.all()),
    }
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        organizations=selectors.publishing_organizations(user),
        initial=initial,
        has_file=bool(material.file),
    )
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_update(
                material=material,
                organization=form.cleaned_data["organization"],
                actor=user,
                **_form_values(form),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("study:material_detail", material.pk)
    return render(
        request,
        "study/library/material_form.html",
        {
            "form": form,
            "material": material,
            "title": _("编辑学习资料"),
            "crumbs": _crumbs(
                {"label": material.title, "url": reverse("study:material_detail", args=[pk])},
                {"label": _("编辑")},
            ),
        },
    )


@login_required
def material_delete(request, pk):
    user = request.user
    material = selectors.access_material_to_manage(user, pk)
    if request.method == "POST":
        services.material_delete(material=material, actor=user)
        messages.success(request, _("已删除“%(t)s”。") % {"t": material.title})
        return redirect("study:material_list")
    return render(
        request,
        "study/library/material_confirm_delete.html",
        {
            "material": material,
            "crumbs": _crumbs(
                {"label": material.title, "url": reverse("study:material_detail", args=[pk])},
                {"label": _("删除")},
            ),
        },
    )

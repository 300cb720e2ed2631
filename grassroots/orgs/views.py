"""Pages of the orgs app: the tree, an organization, the people list, a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors
from grassroots.core.registry import person_panels
from grassroots.core.views import render_list

from . import selectors, services
from .enums import OrgStatus, PersonStatus
from .forms import (
    DissolveForm,
    OrganizationForm,
    OrganizationPickForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
    PersonStatusForm,
    PositionForm,
    TransferForm,
)
from .models import Organization, Person

PAGE_SIZE = 50


def _crumbs(user, org: Organization | None, *extra):
    crumbs = [{"label": _("组织"), "url": reverse("orgs:tree")}]
    if org is not None:
        for ancestor in selectors.ancestors_in_scope(user, org):
            crumbs.append(
                {"label": ancestor.display_name, "url": reverse("orgs:detail", args=[ancestor.pk])}
            )
        crumbs.append({"label": org.display_name, "url": reverse("orgs:detail", args=[org.pk])})
    crumbs.extend(extra)
    return crumbs


def _manageable_orgs(user, codename="orgs.manage_organization"):
    return (
        selectors.organizations_for(user, codename)
        .filter(status=OrgStatus.ACTIVE)
        .only("id", "name", "depth", "path")
        .order_by("path")
    )


# --- Organizations -----------------------------------------------------------


@login_required
def switch_organization(request):
    if request.method != "POST":
        return redirect("core:home")
    org = selectors.access_organization(request.user, request.POST.get("organization"))
    request.session["current_org_id"] = org.pk
    target = request.POST.get("next") or reverse("core:home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:home")
    return HttpResponseRedirect(target)


@login_required
def tree(request):
    if not permissions.has_any(request.user, "orgs.view_organization"):
        raise PermissionDenied
    include_dissolved = request.GET.get("dissolved") == "1"
    counts: dict = {}
    roots = selectors.children_of(
        request.user, None, include_dissolved=include_dissolved, counts=counts
    )
    if len(roots) <= 3:
        # A county has one root: open its first level so the page shows something useful.
        for root in roots:
            root.children_nodes = selectors.children_of(
                request.user, root, include_dissolved=include_dissolved, counts=counts
            )
    return render(
        request,
        "orgs/tree.html",
        {
            "nodes": roots,
            "include_dissolved": include_dissolved,
            "crumbs": _crumbs(request.user, None),
        },
    )


@login_required
def tree_children(request, pk):
    parent = selectors.access_organization(request.user, pk)
    include_dissolved = request.GET.get("dissolved") == "1"
    nodes = selectors.children_of(request.user, parent, include_dissolved=include_dissolved)
    return render(
        request, "orgs/_tree_nodes.html", {"nodes": nodes, "include_dissolved": include_dissolved}
    )


@login_required
def tree_search(request):
    results = selectors.search_organizations(request.user, request.GET.get("q", ""))
    return render(
        request,
        "orgs/_search_results.html",
        {"results": results, "query": request.GET.get("q", "")},
    )


@login_required
def organization_detail(request, pk):
    user = request.user
    org = selectors.access_organization(user, pk)
    counts: dict = {}  # the subtree's counts, read once for the tree and the figures
    children = selectors.children_of(user, org, include_dissolved=True, counts=counts)
    members = selectors.direct_members(org)
    can_view_people = permissions.user_can(user, "orgs.view_person", org)
    page = Paginator(members if can_view_people else Person.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    grants = org.grants.select_related("user", "user__person", "role").order_by(
        "role_id", "user__username"
    )
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "org": org,
            "children": children,
            "page_obj": page,
            "can_view_people": can_view_people,
            "counts": selectors.subtree_counts(org, counts=counts),
            "grants": grants if permissions.user_can(user, "accounts.manage_grants", org) else None,
            "can_view_secretary": org.secretary_id is not None
            and permissions.user_can(user, "orgs.view_person", org.secretary, own=True),
            "can_manage": permissions.user_can(user, "orgs.manage_organization", org)
            and org.is_active,
            "can_add_person": permissions.user_can(user, "orgs.manage_person", org)
            and org.is_active,
            "history": history_for(user, org),
            "crumbs": _crumbs(user, org),
        },
    )


@login_required
def organization_create(request, parent_pk):
    parent = selectors.access_organization(request.user, parent_pk, "orgs.manage_organization")
    form = OrganizationForm(
        request.POST or None, secretary_choices=selectors.secretary_candidates(request.user, parent)
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(
                parent=parent, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建组织“%(name)s”。") % {"name": org.name})
            return redirect("orgs:detail", org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "parent": parent,
            "title": _("新建下级组织"),
            "crumbs": _crumbs(request.user, parent, {"label": _("新建下级组织")}),
        },
    )


@login_required
def organization_edit(request, pk):
    org = selectors.access_organization(request.user, pk, "orgs.manage_organization")
    form = OrganizationForm(
        request.POST or None,
        instance=org,
        secretary_choices=selectors.secretary_candidates(request.user, org),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.fields}
        try:
            org = services.organization_update(organization=org, actor=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "org": org,
            "title": _("编辑组织"),
            "crumbs": _crumbs(request.user, org, {"label": _("编辑")}),
        },
    )


def _pick_view(request, pk, *, action: str):
    user = request.user
    org = selectors.access_organization(user, pk, "orgs.manage_organization")
    candidates = _manageable_orgs(user).exclude(permissions.subtree_q("path", org.path))
    labels = {
        "move": (_("移动组织"), _("移到此组织之下"), _("移动后，其下级组织、人员和权限随之迁移。")),
        "merge": (
            _("合并组织"),
            _("并入组织"),
            _("本组织的人员和下级组织将转入目标组织，本组织随后撤销。"),
        ),
    }
    title, target_label, hint = labels[action]
    form = OrganizationPickForm(
        request.POST or None, queryset=candidates, target_label=target_label
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if action == "move":
                services.organization_move(organization=org, new_parent=target, actor=user)
                messages.success(
                    request,
                    _("已把“%(org)s”移到“%(to)s”之下。") % {"org": org.name, "to": target.name},
                )
            else:
                services.organization_merge(
                    organization=org, into=target, on=form.cleaned_data["on"], actor=user
                )
                messages.success(
                    request, _("已把“%(org)s”并入“%(to)s”。") % {"org": org.name, "to": target.name}
                )
                # Grants stay on the dissolved organization (moving them could widen someone's
                # scope over the target's own people); say so, so that they are reviewed.
                left = org.grants.count()
                if left:
                    messages.warning(
                        request,
                        _("原组织上仍有 %(n)d 项授权，已不再覆盖任何人员，请在“账号与权限”中复核。")
                        % {"n": left},
                    )
                return redirect("orgs:detail", target.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("orgs:detail", org.pk)
    if action == "move":
        del form.fields["on"]
    return render(
        request,
        "orgs/organization_pick.html",
        {
            "form": form,
            "org": org,
            "title": title,
            "hint": hint,
            "crumbs": _crumbs(user, org, {"label": title}),
        },
    )


@login_required
def organization_move(request, pk):
    return _pick_view(request, pk, action="move")


@login_required
def organization_merge(request, pk):
    return _pick_view(request, pk, action="merge")


@login_required
def organization_dissolve(request, pk):
    user = request.user
    org = selectors.access_organization(user, pk, "orgs.manage_organization")
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_dissolve(organization=org, on=form.cleaned_data["on"], actor=user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销“%(org)s”。") % {"org": org.name})
            return redirect("orgs:detail", org.pk)
    return render(
        request,
        "orgs/organization_pick.html",
        {
            "form": form,
            "org": org,
            "title": _("撤销组织"),
            "hint": _(
                "撤销后组织保留在系统中，可在组织树中“显示已撤销”查看；有在册人员的组织须先转移人员或合并。"
            ),
            "danger": True,
            "crumbs": _crumbs(user, org, {"label": _("撤销组织")}),
        },
    )


# --- People ------------------------------------------------------------------


def people_filter_from(request) -> tuple[PeopleFilterForm, selectors.PeopleFilter]:
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = PersonStatus.ACTIVE
    form = PeopleFilterForm(data)
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = selectors.access_organization(request.user, cleaned["org"])
        except Http404:
            org = None
    elif request.current_org:
        org = request.current_org
    flt = selectors.PeopleFilter(
        query=cleaned.get("q", ""),
        organization=org,
        political_status=cleaned.get("political_status", ""),
        position=cleaned.get("position", ""),
        status=cleaned.get("status", ""),
        gender=cleaned.get("gender", ""),
        education=cleaned.get("education", ""),
        experience=cleaned.get("experience", ""),
    )
    return form, flt


@login_required
def people_list(request):
    user = request.user
    if not permissions.has_any(user, "orgs.view_person"):
        if user.person_id:
            return redirect("orgs:person_detail", user.person_id)
        raise PermissionDenied
    form, flt = people_filter_from(request)
    people = selectors.filter_people(user, flt).only(*selectors.PEOPLE_LIST_FIELDS)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "flt": flt,
        "org_choices": selectors.subtree_choices(user),
        "page_obj": page,
        "querystring_base": (query.urlencode() + "&") if query else "",
        "export_query": query.urlencode(),
        "can_export": permissions.has_any(user, "orgs.export_roster"),
        "can_import": permissions.has_any(user, "orgs.import_roster"),
        "can_add": permissions.has_any(user, "orgs.manage_person"),
        "experience_choices": list(form.fields["experience"].choices),
        "crumbs": [{"label": _("人员")}],
    }
    return render_list(
        request, "orgs/people_list.html", "orgs/_people_table.html", "people-table", context
    )


@login_required
def person_detail(request, pk):
    user = request.user
    person = selectors.access_person(user, pk)
    panels = [html for html in (p.render(request, person) for p in person_panels.items()) if html]
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "show_id_number": selectors.can_see_id_number(user, person),
            "memberships": selectors.person_memberships(person),
            "positions": selectors.person_positions(person),
            "can_manage": permissions.user_can(user, "orgs.manage_person", person),
            "history": history_for(user, person),
            "panels": panels,
            "crumbs": _crumbs(user, person.primary_org, {"label": person.name}),
        },
    )


@login_required
def person_create(request):
    user = request.user
    organizations = _manageable_orgs(user, "orgs.manage_person")
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = request.GET.get("org")
    form = PersonCreateForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PersonForm.Meta.fields}
        try:
            person = services.person_create(
                organization=form.cleaned_data["organization"],
                joined_on=form.cleaned_data.get("joined_on"),
                actor=user,
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加人员“%(name)s”。") % {"name": person.name})
            return redirect("orgs:person_detail", person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {
            "form": form,
            "title": _("添加人员"),
            "crumbs": [
                {"label": _("人员"), "url": reverse("orgs:people")},
                {"label": _("添加人员")},
            ],
        },
    )


@login_required
def person_edit(request, pk):
    user = request.user
    person = selectors.access_person(user, pk, "orgs.manage_person")
    show_id = selectors.can_see_id_number(user, person)
    form = PersonForm(request.POST or None, instance=person, show_id_number=show_id)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.fields}
        try:
            person = services.person_update(person=person, actor=user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:person_detail", person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("编辑人员信息"),
            "crumbs": _crumbs(
                user,
                person.primary_org,
                {"label": person.name, "url": reverse("orgs:person_detail", args=[person.pk])},
                {"label": _("编辑")},
            ),
        },
    )


def _person_action(request, person, form, *, title: str, write, done: str):
    """A form page acting on one person: on a valid POST call `write(cleaned_data)` (a
    service), put its errors on the form, or say `done` and go back to the person."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("orgs:person_detail", person.pk)
    person_crumb = {"label": person.name, "url": reverse("orgs:person_detail", args=[person.pk])}
    return render(
        request,
        "orgs/simple_form.html",
        {
            "form": form,
            "title": title,
            "subject": person,
            "crumbs": _crumbs(request.user, person.primary_org, person_crumb, {"label": title}),
        },
    )


@login_required
def person_transfer(request, pk):
    user = request.user
    person = selectors.access_person(user, pk, "orgs.manage_person")
    targets = _manageable_orgs(user, "orgs.manage_person").exclude(pk=person.primary_org_id)
    return _person_action(
        request,
        person,
        TransferForm(request.POST or None, organizations=targets),
        title=_("转移组织关系"),
        write=lambda data: services.person_transfer(person=person, actor=user, **data),
        done=_("已转移组织关系。"),
    )


@login_required
def person_status(request, pk):
    user = request.user
    person = selectors.access_person(user, pk, "orgs.manage_person")
    return _person_action(
        request,
        person,
        PersonStatusForm(request.POST or None, initial={"status": person.status}),
        title=_("变更人员状态"),
        write=lambda data: services.person_set_status(person=person, actor=user, **data),
        done=_("已更新状态。"),
    )


@login_required
def position_add(request, pk):
    user = request.user
    person = selectors.access_person(user, pk, "orgs.manage_person")
    return _person_action(
        request,
        person,
        PositionForm(request.POST or None),
        title=_("添加职务"),
        write=lambda data: services.position_add(person=person, actor=user, **data),
        done=_("已添加职务。"),
    )


@login_required
@require_POST
def position_end(request, pk, position_pk):
    user = request.user
    person = selectors.access_person(user, pk, "orgs.manage_person")
    position = person.positions.filter(pk=position_pk).first()
    if position is None:
        raise Http404
    try:
        services.position_end(position=position, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已免去职务“%(title)s”。") % {"title": position.title})
    return redirect("orgs:person_detail", person.pk)

"""Pages of the accounts app: accounts (账号), roles (角色) and grants (授权)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list
from grassroots.orgs.selectors import access_organization

from . import selectors, services
from .forms import (
    GrantForm,
    GrantsFilterForm,
    PasswordChangeForm,
    RoleForm,
    UserCreateForm,
    UserEditForm,
    UsersFilterForm,
)
from .models import User

PAGE_SIZE = 50


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(actor=self.request.user)
        return response


@login_required
def password_changed(request):
    services.user_password_changed(actor=request.user)
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")


def _tabs(user) -> list[dict]:
    """The section's tabs, each shown only to those who may open it."""
    tabs = []
    if permissions.has_any(user, "accounts.manage_users"):
        tabs.append({"key": "users", "label": _("账号"), "url": reverse("accounts:users")})
    if permissions.has_any(user, "accounts.manage_grants"):
        tabs.append({"key": "grants", "label": _("授权"), "url": reverse("accounts:grants")})
    if selectors.may_view_roles(user):
        tabs.append({"key": "roles", "label": _("角色"), "url": reverse("accounts:roles")})
    return tabs


def _shown_once(response):
    """A page with a password on it: never cached, never stored by the browser."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


# --- Accounts -----------------------------------------------------------------------


def _require_manage_users(user) -> None:
    if not permissions.has_any(user, "accounts.manage_users"):
        raise PermissionDenied


@login_required
def user_list(request):
    user = request.user
    _require_manage_users(user)
    form = UsersFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    active = {"1": True, "0": False}.get(data.get("active") or "")
    accounts = selectors.users_for(user, query=data.get("q") or "", active=active)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "querystring_base": querystring_base(request),
        "tabs": _tabs(user),
        "tab": "users",
        "crumbs": [{"label": _("账号")}],
    }
    return render_list(
        request, "accounts/user_list.html", "accounts/_user_table.html", "user-table", context
    )


@login_required
def user_create(request):
    """Open an account: pick a person in scope (or none, for system admins), then fill the form."""
    user = request.user
    _require_manage_users(user)
    person = None
    person_id = request.GET.get("person") or request.POST.get("person")
    system_account = request.GET.get("system") == "1" or request.POST.get("system") == "1"
    if person_id:
        person = selectors.access_person_for_account(user, person_id)
        existing = User.objects.filter(person=person).only("pk").first()
        if existing is not None:
            messages.info(request, _("“%(name)s”已有账号。") % {"name": person.name})
            return redirect("accounts:user_detail", existing.pk)
    elif system_account:
        if not selectors.holds_everywhere(user, "accounts.manage_users"):
            raise PermissionDenied
    else:
        query = request.GET.get("q", "")
        return render(
            request,
            "accounts/user_pick_person.html",
            {
                "people": selectors.people_without_account(user, query=query),
                "query": query,
                "can_create_system": selectors.holds_everywhere(user, "accounts.manage_users"),
                "tabs": _tabs(user),
                "tab": "users",
                "crumbs": [
                    {"label": _("账号"), "url": reverse("accounts:users")},
                    {"label": _("开通账号")},
                ],
            },
        )
    initial = {"mobile": person.mobile if person else ""}
    form = UserCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, generated = services.user_create(
                person=person,
                username=data["username"],
                mobile=data["mobile"],
                display_name=data["display_name"],
                password=data["password"] or None,
                actor=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已开通账号“%(u)s”。") % {"u": account.username})
            if generated is None:
                return redirect("accounts:user_detail", account.pk)
            return _shown_once(
                render(
                    request,
                    "accounts/password_shown.html",
                    {
                        "account": account,
                        "password": generated,
                        "title": _("账号已开通"),
                        "tabs": _tabs(user),
                        "tab": "users",
                    },
                )
            )
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "system_account": system_account,
            "title": _("开通账号"),
            "tabs": _tabs(user),
            "tab": "users",
            "crumbs": [
                {"label": _("账号"), "url": reverse("accounts:users")},
                {"label": _("开通账号")},
            ],
        },
    )


@login_required
def user_detail(request, pk):
    user = request.user
    account = selectors.access_user_page(user, pk)
    can_manage = services.may_manage_user(user, account)
    grants = list(selectors.grants_of_user(account))
    manageable_grants = {
        g.pk
        for g in grants
        if permissions.covers(user, "accounts.manage_grants", g.organization.path)
        and services.holds_role_on(user, g.role, g.organization.path)
        and g.user_id != user.pk
    }
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "grants": grants,
            "manageable_grants": manageable_grants,
            "login": selectors.login_info(account),
            "can_manage": can_manage,
            "can_grant": permissions.has_any(user, "accounts.manage_grants") and account.is_active,
            "is_self": account.pk == user.pk,
            "tabs": _tabs(user),
            "tab": "users",
            "crumbs": [
                {"label": _("账号"), "url": reverse("accounts:users")},
                {"label": account.get_full_name()},
            ],
        },
    )


@login_required
def user_edit(request, pk):
    user = request.user
    account = selectors.access_user(user, pk)
    initial = {
        "display_name": account.display_name,
        "mobile": account.mobile or "",
        "email": account.email,
        "is_active": account.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=account, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user_detail", account.pk)
    return render(
        request,
        "accounts/simple_form.html",
        {
            "form": form,
            "title": _("编辑账号"),
            "subject": account.get_full_name(),
            "cancel_url": reverse("accounts:user_detail", args=[account.pk]),
            "tabs": _tabs(user),
            "tab": "users",
            "crumbs": _account_crumbs(account, _("编辑")),
        },
    )


@login_required
@require_POST
def user_set_active(request, pk):
    user = request.user
    account = selectors.access_user(user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=account, active=active, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(request, _("已启用账号“%(u)s”。") % {"u": account.username})
        else:
            messages.success(request, _("已停用账号“%(u)s”。") % {"u": account.username})
    return redirect("accounts:user_detail", account.pk)


@login_required
def user_reset_password(request, pk):
    user = request.user
    account = selectors.access_user(user, pk)
    if request.method == "POST":
        try:
            password = services.user_reset_password(user=account, actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:user_detail", account.pk)
        return _shown_once(
            render(
                request,
                "accounts/password_shown.html",
                {
                    "account": account,
                    "password": password,
                    "title": _("密码已重置"),
                    "tabs": _tabs(user),
                    "tab": "users",
                },
            )
        )
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": _("重置密码"),
            "subject": account.get_full_name(),
            "message": _(
                "将为该账号生成一个临时密码（仅显示一次），其已登录的会话随即失效，下次登录须修改密码。"
            ),
            "button": _("重置密码"),
            "cancel_url": reverse("accounts:user_detail", args=[account.pk]),
            "tabs": _tabs(user),
            "tab": "users",
            "crumbs": _account_crumbs(account, _("重置密码")),
        },
    )


def _account_crumbs(account, last: str) -> list[dict]:
    return [
        {"label": _("账号"), "url": reverse("accounts:users")},
        {
            "label": account.get_full_name(),
            "url": reverse("accounts:user_detail", args=[account.pk]),
        },
        {"label": last},
    ]


# --- Roles ----------------------------------------------------------------------------


@login_required
def role_list(request):
    user = request.user
    if not selectors.may_view_roles(user):
        raise PermissionDenied
    groups = selectors.permission_groups()
    roles = list(selectors.roles_all())
    rows = []
    for role in roles:
        held = set(role.codenames or [])
        rows.append(
            {
                "role": role,
                "groups": [
                    {"label": g.label, "perms": [p for p in g.permissions if p.codename in held]}
                    for g in groups
                    if any(p.codename in held for p in g.permissions)
                ],
            }
        )
    return render(
        request,
        "accounts/role_list.html",
        {
            "rows": rows,
            "can_manage": selectors.can_manage_roles(user),
            "tabs": _tabs(user),
            "tab": "roles",
            "crumbs": [{"label": _("角色")}],
        },
    )


def _role_form_page(request, role=None):
    user = request.user
    if not selectors.can_manage_roles(user):
        raise PermissionDenied
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if role is None:
                saved = services.role_create(
                    name=data["name"],
                    description=data["description"],
                    codenames=data["codenames"],
                    actor=user,
                )
            else:
                saved = services.role_update(
                    role=role,
                    name=data["name"],
                    description=data["description"],
                    codenames=data["codenames"],
                    actor=user,
                )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc) or _("您没有权限执行此操作。"))
            else:
                apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存角色“%(n)s”。") % {"n": saved.name})
            return redirect("accounts:roles")
    title = _("新建角色") if role is None else _("编辑角色")
    return render(
        request,
        "accounts/role_form.html",
        {
            "form": form,
            "role": role,
            "groups": selectors.permission_groups(),
            "selected": form.selected_codenames(),
            "title": title,
            "tabs": _tabs(user),
            "tab": "roles",
            "crumbs": [{"label": _("角色"), "url": reverse("accounts:roles")}, {"label": title}],
        },
    )


@login_required
def role_create(request):
    return _role_form_page(request)


@login_required
def role_edit(request, pk):
    if not selectors.can_manage_roles(request.user):
        raise PermissionDenied
    return _role_form_page(request, selectors.access_role(pk))


@login_required
@require_POST
def role_delete(request, pk):
    if not selectors.can_manage_roles(request.user):
        raise PermissionDenied
    role = selectors.access_role(pk)
    try:
        services.role_delete(role=role, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除角色“%(n)s”。") % {"n": role.name})
    return redirect("accounts:roles")


# --- Grants ---------------------------------------------------------------------------


@login_required
def grant_list(request):
    user = request.user
    if not permissions.has_any(user, "accounts.manage_grants"):
        raise PermissionDenied
    form = GrantsFilterForm(request.GET)
    if not form.is_valid():
        if "role" in form.errors or "org" in form.errors:
            raise Http404
    data = form.cleaned_data
    organization = None
    if data.get("org"):
        organization = access_organization(user, data["org"], "accounts.manage_grants")
    grants = selectors.grants_for(
        user, organization=organization, role=data.get("role"), query=data.get("q") or ""
    )
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    revocable = {
        g.pk
        for g in page
        if g.user_id != user.pk and services.holds_role_on(user, g.role, g.organization.path)
    }
    context = {
        "form": form,
        "organization": organization,
        "page_obj": page,
        "revocable": revocable,
        "querystring_base": querystring_base(request),
        "history": selectors.grant_history(user, organization=organization),
        "tabs": _tabs(user),
        "tab": "grants",
        "crumbs": [{"label": _("授权")}],
    }
    return render(request, "accounts/grant_list.html", context)


@login_required
def grant_create(request):
    user = request.user
    if not permissions.has_any(user, "accounts.manage_grants"):
        raise PermissionDenied
    organizations = selectors.grant_organizations(user)
    users = selectors.users_for(user, codename="accounts.manage_grants", active=True)
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = access_organization(
            user, request.GET["org"], "accounts.manage_grants"
        ).pk
    if request.GET.get("user"):
        initial["user"] = selectors.access_user(
            user, request.GET["user"], "accounts.manage_grants"
        ).username
    form = GrantForm(
        request.POST or None, users=users, organizations=organizations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.grant_create(
                user=data["user"],
                role=data["role"],
                organization=data["organization"],
                note=data["note"],
                actor=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您没有权限执行此操作。"))
        else:
            messages.success(
                request,
                _("已授予“%(user)s”在“%(org)s”的角色“%(role)s”。")
                % {
                    "user": grant.user.get_full_name(),
                    "org": grant.organization.name,
                    "role": grant.role.name,
                },
            )
            return redirect(reverse("accounts:grants") + f"?org={grant.organization_id}")
    return render(
        request,
        "accounts/simple_form.html",
        {
            "form": form,
            "title": _("新增授权"),
            "cancel_url": reverse("accounts:grants"),
            "hint": _("您只能授予自己在该组织上也具备的权限。"),
            "tabs": _tabs(user),
            "tab": "grants",
            "crumbs": [
                {"label": _("授权"), "url": reverse("accounts:grants")},
                {"label": _("新增授权")},
            ],
        },
    )


@login_required
@require_POST
def grant_revoke(request, pk):
    user = request.user
    grant = selectors.access_grant(user, pk)
    try:
        services.grant_revoke(grant=grant, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有权限执行此操作。"))
    else:
        messages.success(
            request,
            _("已收回“%(user)s”在“%(org)s”的角色“%(role)s”。")
            % {
                "user": grant.user.get_full_name(),
                "org": grant.organization.name,
                "role": grant.role.name,
            },
        )
    target = request.POST.get("next")
    if target == "user":
        return redirect("accounts:user_detail", grant.user_id)
    return redirect(reverse("accounts:grants") + f"?org={grant.organization_id}")


# --- Panel on a person's page -----------------------------------------------------------


def person_account_panel(request, person):
    """The person's account (or a link to open one), for those who manage accounts there."""
    from django.template.loader import render_to_string

    user = request.user
    if not permissions.user_can(user, "accounts.manage_users", person):
        return None
    account = User.objects.filter(person=person).first()
    return render_to_string(
        "accounts/_person_account_panel.html",
        {"person": person, "account": account},
        request=request,
    )

"""Reads of the accounts app, scoped to the user asking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for

from .models import ApiToken, Role, RoleGrant, User

USER_PATH = "person__primary_org__path"


def account_search_q(query: str, prefix: str = "") -> Q:
    """An account by login name, mobile, display name or its person's name (`prefix` reaches
    the account from another model, e.g. "user__" from a grant)."""
    query = (query or "").strip()[:40]
    if not query:
        return Q()
    return (
        Q(**{f"{prefix}username__icontains": query})
        | Q(**{f"{prefix}mobile__startswith": query})
        | Q(**{f"{prefix}display_name__contains": query})
        | Q(**{f"{prefix}person__name__contains": query})
    )


def scope_paths_by_codename(user) -> dict[str, list[str]]:
    """The permission engine's loader: every codename the user holds, with the org paths. One query.

    A grant on the only top organization covers the whole tree, and is returned as the ROOT
    prefix, so that scoped queries of a county-wide officer carry no path filter at all.
    """
    from grassroots.orgs.models import Organization

    root_count = (
        Organization.objects.filter(depth=1)
        .order_by()
        .values("depth")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    result: dict[str, set[str]] = defaultdict(set)
    rows = (
        RoleGrant.objects.filter(user=user)
        .annotate(roots=Subquery(root_count))
        .values_list("organization__path", "organization__depth", "role__codenames", "roots")
    )
    for path, depth, codenames, roots in rows:
        if depth == 1 and roots == 1:
            path = permissions.ROOT
        for codename in codenames or []:
            result[codename].add(path)
    return {codename: sorted(paths) for codename, paths in result.items()}


# --- Who holds a codename on an organization -----------------------------------


def holders_by_path(codename: str, paths) -> dict[str, list[User]]:
    """{organization path: the active accounts granted, on that very organization, a role that
    holds `codename`}. Two queries: the roles (a handful, read whole since codenames is a JSON
    list), then the grants."""
    paths = set(paths)
    role_ids = [
        pk
        for pk, codenames in Role.objects.values_list("pk", "codenames")
        if codename in (codenames or [])
    ]
    if not role_ids or not paths:
        return {}
    found: dict[str, dict[int, User]] = defaultdict(dict)
    grants = RoleGrant.objects.filter(
        role_id__in=role_ids, organization__path__in=paths, user__is_active=True
    ).select_related("user", "organization")
    for grant in grants:
        found[grant.organization.path][grant.user.pk] = grant.user
    return {path: list(users.values()) for path, users in found.items()}


def nearest_holders(
    by_path: dict[str, list[User]], path: str, *, exclude_person_id: int | None = None
) -> list[User]:
    """The holders (from `holders_by_path`) on the organization at `path` or, when it has none,
    on the closest one above that has: a branch's secretary hears of the branch's business
    before the county officer whose scope also covers it. The excluded person (the one who
    submitted) never counts: nobody reviews their own."""
    from grassroots.orgs.selectors import path_chain

    for step_path in reversed(path_chain(path)):
        users = [
            u
            for u in by_path.get(step_path, [])
            if exclude_person_id is None or u.person_id != exclude_person_id
        ]
        if users:
            return users
    return []


# --- Holding a codename over the whole tree -------------------------------------


def root_paths() -> list[str]:
    from grassroots.orgs.models import Organization

    return list(Organization.objects.filter(depth=1).values_list("path", flat=True))


def holds_everywhere(user, codename: str) -> bool:
    """Does the user hold the codename on every top organization (or is a superuser)?

    Accounts without a person and the roles themselves belong to no subtree: only those
    who hold the codename over the whole tree may manage them. One query at most, cached
    on the user object beside the engine's own cache.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    prefixes = permissions.scope_prefixes(user, codename)
    if not prefixes:
        return False
    if permissions.ROOT in prefixes:
        return True
    roots = user.__dict__.get("_grassroots_root_paths")
    if roots is None:
        roots = user.__dict__["_grassroots_root_paths"] = root_paths()
    return bool(roots) and all(permissions.covers(user, codename, path) for path in roots)


def can_manage_roles(user) -> bool:
    return holds_everywhere(user, "accounts.manage_roles")


def may_view_roles(user) -> bool:
    return permissions.has_any(user, "accounts.manage_grants") or can_manage_roles(user)


# --- Users -----------------------------------------------------------------------


def _users_scope(user, codename: str) -> QuerySet[User]:
    if holds_everywhere(user, codename):
        return User.objects.all()
    return objects_for(user, codename, User.objects.all(), path_lookup=USER_PATH)


def users_for(
    user, *, query: str = "", codename: str = "accounts.manage_users", active: bool | None = None
) -> QuerySet[User]:
    """Accounts the user may manage: those whose person is in the user's subtrees.

    Accounts without a person (system accounts) only for those holding the codename over the
    whole tree.
    """
    qs = _users_scope(user, codename)
    qs = qs.filter(account_search_q(query))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.select_related("person", "person__primary_org").order_by("username")


def access_user(user, pk, codename: str = "accounts.manage_users") -> User:
    """An account the user may manage; 404 for the others."""
    return _get(_users_scope(user, codename).select_related("person", "person__primary_org"), pk)


def access_user_page(user, pk) -> User:
    """An account page: one's own, or one the user manages (users or grants)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if pk == user.pk:
        return User.objects.select_related("person", "person__primary_org").get(pk=pk)
    for codename in ("accounts.manage_users", "accounts.manage_grants"):
        qs = _users_scope(user, codename).select_related("person", "person__primary_org")
        found = qs.filter(pk=pk).first()
        if found is not None:
            return found
    raise Http404


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=int(pk))
    except (TypeError, ValueError, qs.model.DoesNotExist):
        raise Http404 from None


def people_without_account(user, *, query: str = "", limit: int = 50):
    """People in the user's scope who have no account yet: candidates for a new account."""
    from grassroots.orgs.enums import PersonStatus
    from grassroots.orgs.models import Person
    from grassroots.orgs.selectors import search_q

    qs = objects_for(user, "accounts.manage_users", Person.objects.all()).filter(
        user__isnull=True, status=PersonStatus.ACTIVE
    )
    if query:
        qs = qs.filter(search_q(query, user))
    return qs.select_related("primary_org").order_by("name_pinyin", "id")[:limit]


def access_person_for_account(user, pk):
    from grassroots.orgs.models import Person

    return access(user, "accounts.manage_users", Person.objects.select_related("primary_org"), pk)


@dataclass
class LoginInfo:
    last_login: datetime | None
    recent: list = field(default_factory=list)  # axes AccessLog rows, newest first
    recent_failures: int = 0
    locked: bool = False


def login_info(account: User, *, limit: int = 10) -> LoginInfo:
    """Recent logins (django-axes access log) and failures, by any name the account logs in with."""
    from axes.models import AccessAttempt, AccessLog

    names = [n for n in (account.username, account.mobile) if n]
    recent = list(
        AccessLog.objects.filter(username__in=names)
        .only("attempt_time", "logout_time", "ip_address", "user_agent", "username")
        .order_by("-attempt_time")[:limit]
    )
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username__in=names, attempt_time__gte=since)
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    locked = attempts.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()
    return LoginInfo(
        last_login=account.last_login, recent=recent, recent_failures=failures, locked=locked
    )


# --- Grants ----------------------------------------------------------------------


def grants_for(user, *, organization=None, role=None, query: str = "") -> QuerySet[RoleGrant]:
    """Grants the user may manage, optionally only those on one organization's subtree."""
    qs = objects_for(user, "accounts.manage_grants", RoleGrant.objects.all())
    if organization is not None:
        qs = qs.filter(permissions.subtree_q("organization__path", organization.path))
    if role is not None:
        qs = qs.filter(role=role)
    qs = qs.filter(account_search_q(query, "user__"))
    return qs.select_related(
        "user", "user__person", "role", "organization", "granted_by", "granted_by__person"
    ).order_by("organization__path", "user__username", "role_id")


def access_grant(user, pk) -> RoleGrant:
    return access(
        user,
        "accounts.manage_grants",
        RoleGrant.objects.select_related("user", "user__person", "role", "organization"),
        pk,
    )


def grants_of_user(user_obj: User) -> QuerySet[RoleGrant]:
    return user_obj.grants.select_related("role", "organization", "granted_by").order_by(
        "organization__path", "role_id"
    )


def grant_organizations(user):
    """Active organizations on which the user may grant roles, in tree order."""
    from grassroots.orgs.enums import OrgStatus
    from grassroots.orgs.models import Organization

    return (
        objects_for(user, "accounts.manage_grants", Organization.objects.all())
        .filter(status=OrgStatus.ACTIVE)
        .only("id", "name", "depth", "path")
        .order_by("path")
    )


@dataclass
class GrantEvent:
    """One audited change of a grant, with its user, role and organization resolved."""

    timestamp: datetime
    action: str
    action_label: str
    actor: User | None
    user: object
    role: object
    organization: object
    object_repr: str


def _fk_value(changes: dict, name: str):
    """The organization/user/role id recorded in a change, new value first, else old value."""
    pair = (changes or {}).get(name)
    if not pair:
        return None
    for value in reversed(pair):
        if value in (None, "None", ""):
            continue
        try:
            return int(value)
        except (TypeError, ValueError):
            continue
    return None


def grant_history(user, *, organization=None, limit: int = 30) -> list[GrantEvent] | None:
    """Audited changes of grants (django-auditlog) on organizations where the user may read the
    audit log, newest first; None when the user may read it nowhere. Four queries.

    Revoked grants no longer exist, so the organization comes from the recorded changes
    (the grant's organization id, as auditlog stores foreign keys).
    """
    from auditlog.models import LogEntry

    from grassroots.orgs.models import Organization

    codename = "core.view_audit_log"
    if not permissions.has_any(user, codename):
        return None
    content_type = ContentType.objects.get_for_model(RoleGrant)
    entries = (
        LogEntry.objects.filter(content_type=content_type)
        .select_related("actor", "actor__person")
        .order_by("-timestamp", "-pk")
    )
    everywhere = permissions.ROOT in permissions.scope_prefixes(user, codename)
    if organization is not None or not everywhere:
        orgs = objects_for(user, codename, Organization.objects.all())
        if organization is not None:
            orgs = orgs.filter(permissions.subtree_q("path", organization.path))
        # auditlog stores a foreign key as the text of its id: ["None", "12"] on creation,
        # ["12", "None"] on deletion.
        org_ids = orgs.annotate(id_text=Cast("pk", output_field=CharField())).values("id_text")
        entries = entries.annotate(
            org_new=KeyTextTransform("1", KeyTransform("organization", "changes")),
            org_old=KeyTextTransform("0", KeyTransform("organization", "changes")),
        ).filter(Q(org_new__in=org_ids) | Q(org_old__in=org_ids))
    entries = list(entries[:limit])

    wanted: dict[str, set[int]] = {"user": set(), "role": set(), "organization": set()}
    for entry in entries:
        for name in wanted:
            pk = _fk_value(entry.changes, name)
            if pk is not None:
                wanted[name].add(pk)
    users = User.objects.select_related("person").in_bulk(wanted["user"]) if wanted["user"] else {}
    roles = Role.objects.in_bulk(wanted["role"]) if wanted["role"] else {}
    organizations = (
        Organization.objects.in_bulk(wanted["organization"]) if wanted["organization"] else {}
    )
    events = []
    for entry in entries:
        events.append(
            GrantEvent(
                timestamp=entry.timestamp,
                action=_ACTIONS.get(entry.action, "update"),
                action_label=entry.get_action_display(),
                actor=entry.actor,
                user=users.get(_fk_value(entry.changes, "user")),
                role=roles.get(_fk_value(entry.changes, "role")),
                organization=organizations.get(_fk_value(entry.changes, "organization")),
                object_repr=entry.object_repr,
            )
        )
    return events


_ACTIONS = {0: "create", 1: "update", 2: "delete"}


# --- Roles -----------------------------------------------------------------------


def roles_all() -> QuerySet[Role]:
    return Role.objects.order_by("id")


def access_role(pk) -> Role:
    """Roles are not scoped: the views check who may see or edit them."""
    return _get(Role.objects.all(), pk)


@dataclass
class PermissionGroup:
    app: str
    label: str
    permissions: list


def permission_groups() -> list[PermissionGroup]:
    """Registered codenames grouped by app, with the app's name as the group label."""
    from django.apps import apps

    groups: dict[str, PermissionGroup] = {}
    for perm in permissions.all_permissions():
        if perm.app not in groups:
            try:
                label = apps.get_app_config(perm.app).verbose_name
            except LookupError:
                label = perm.app
            groups[perm.app] = PermissionGroup(app=perm.app, label=label, permissions=[])
        groups[perm.app].permissions.append(perm)
    return list(groups.values())


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")

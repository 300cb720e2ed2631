"""Reads of the accounts app, scoped to the user asking."""

from collections import defaultdict

from django.db.models import QuerySet

from grassroots.core.permissions import objects_for

from .models import ApiToken, Role, RoleGrant, User


def scope_paths_by_codename(user) -> dict[str, list[str]]:
    """The permission engine's loader: every codename the user holds, with the org paths. One query."""
    result: dict[str, set[str]] = defaultdict(set)
    rows = RoleGrant.objects.filter(user=user).values_list("organization__path", "role__codenames")
    for path, codenames in rows:
        for codename in codenames or []:
            result[codename].add(path)
    return {codename: sorted(paths) for codename, paths in result.items()}


def grants_for(user, *, organization=None) -> QuerySet[RoleGrant]:
    """Grants the user may manage, optionally only those on one organization's subtree."""
    qs = objects_for(user, "accounts.manage_grants", RoleGrant.objects.all())
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs.select_related("user", "user__person", "role", "organization", "granted_by").order_by(
        "organization__path", "user__username"
    )


def grants_of_user(user_obj: User) -> QuerySet[RoleGrant]:
    return user_obj.grants.select_related("role", "organization").order_by("organization__path")


def users_for(user, *, query: str = "") -> QuerySet[User]:
    """Accounts the user may manage: those whose person is in the user's subtrees."""
    qs = objects_for(
        user, "accounts.manage_users", User.objects.all(), path_lookup="person__primary_org__path"
    )
    if query:
        from django.db.models import Q

        qs = qs.filter(
            Q(username__icontains=query) | Q(mobile__startswith=query) | Q(person__name__contains=query)
        )
    return qs.select_related("person", "person__primary_org").order_by("username")


def roles_all() -> QuerySet[Role]:
    return Role.objects.order_by("id")


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")

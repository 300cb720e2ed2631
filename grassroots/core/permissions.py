"""The permission engine: roles held on an organization subtree.

Permissions are codenames that each app declares with `register()`. A role is a
named bundle of codenames; a grant gives a user a role on one organization and,
through the materialized path of the organization tree, on all its descendants.
A scope check is therefore a path-prefix test: `user_can` for one object, and
`objects_for` for a queryset (one OR of `path LIKE 'prefix%'`, indexed, with the
user's nested prefixes collapsed first). Grants are loaded once per request.

Scoped models say where their organization path lives with two class attributes:

    scope_path_lookup = "primary_org__path"   # ORM lookup to the path
    owner_lookup = "user"                      # optional: ORM lookup to the owner user

and an instance method `scope_path()` returning the path string.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.module_loading import import_string

ROOT = ""  # the prefix of every path: a grant with it covers the whole tree

# The characters of materialized paths (treebeard's MP_Node default alphabet), in order.
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def path_upper_bound(prefix: str, alphabet: str = PATH_ALPHABET) -> str | None:
    """The smallest string greater than every string of `alphabet` that starts with `prefix`:
    the prefix with its last character incremented in the alphabet, carrying; None when there
    is no such string."""
    chars = list(prefix)
    while chars:
        position = alphabet.find(chars[-1])
        if 0 <= position < len(alphabet) - 1:
            chars[-1] = alphabet[position + 1]
            return "".join(chars)
        chars.pop()
    return None


def prefix_q(lookup: str, prefix: str, alphabet: str = PATH_ALPHABET) -> Q:
    """`lookup` starts with `prefix`, written as a range: both SQLite and PostgreSQL use a plain
    index for it, where SQLite never uses one for LIKE ... ESCAPE. Values must be made of
    `alphabet`, whose order agrees with the database collation (digits, then letters)."""
    if not prefix:
        return Q()
    q = Q(**{f"{lookup}__gte": prefix})
    upper = path_upper_bound(prefix, alphabet)
    if upper is not None:
        q &= Q(**{f"{lookup}__lt": upper})
    return q


def subtree_q(path_lookup: str, prefix: str) -> Q:
    """`path_lookup` is `prefix` or a path below it."""
    return prefix_q(path_lookup, prefix)


@dataclass(frozen=True)
class Permission:
    codename: str
    label: str
    app: str


_registry: dict[str, Permission] = {}
_role_defaults: dict[str, dict[str, list[str]]] = {}  # app label -> {role slug: codenames}


def register(
    app: str, codenames: dict[str, str], *, roles: dict[str, list[str]] | None = None
) -> None:
    """Declare an app's codenames with their (translatable) labels, and which built-in roles
    (by slug) hold which of them by default. The defaults are given to a built-in role when it
    is created, and when the app is first migrated into a database whose roles already exist;
    after that the roles are the system admin's to edit."""
    unknown = {c for names in (roles or {}).values() for c in names} - set(codenames)
    if unknown:
        raise ValueError(f"role defaults name codenames {app} does not declare: {unknown}")
    for codename, label in codenames.items():
        _registry[codename] = Permission(codename=codename, label=label, app=app)
    if roles:
        _role_defaults[app] = {slug: list(names) for slug, names in roles.items()}


def role_defaults(slug: str, apps: Iterable[str] | None = None) -> list[str]:
    """The codenames that apps (all, or those named) give to the built-in role `slug`."""
    return [
        codename
        for app, by_role in _role_defaults.items()
        if apps is None or app in apps
        for codename in by_role.get(slug, [])
    ]


def all_permissions() -> list[Permission]:
    return sorted(_registry.values(), key=lambda p: p.codename)


def is_registered(codename: str) -> bool:
    return codename in _registry


@cache
def _scope_loader():
    return import_string(settings.GRASSROOTS_SCOPE_LOADER)


def collapse(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies under another one in the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return kept


def scopes(user) -> dict[str, list[str]]:
    """{codename: [org path prefixes]} for the user, cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_grassroots_scopes", None)
    if cached is None:
        if user.is_superuser:
            cached = {codename: [ROOT] for codename in _registry}
        else:
            raw = _scope_loader()(user)
            cached = {codename: collapse(paths) for codename, paths in raw.items()}
        user._grassroots_scopes = cached
    return cached


def forget_scopes(user) -> None:
    """Call after a user's grants changed within the same request."""
    if hasattr(user, "_grassroots_scopes"):
        del user._grassroots_scopes


def scope_prefixes(user, codename: str) -> list[str]:
    return scopes(user).get(codename, [])


def has_any(user, codename: str) -> bool:
    """Does the user hold the codename anywhere in the tree?"""
    return bool(scope_prefixes(user, codename))


def covers(user, codename: str, path: str) -> bool:
    return any(path.startswith(prefix) for prefix in scope_prefixes(user, codename))


def _owned(user, obj: Model) -> bool:
    lookup = getattr(obj, "owner_lookup", None)
    if not lookup or not user.is_authenticated:
        return False
    return obj.__class__._default_manager.filter(pk=obj.pk, **{lookup: user}).exists()


def user_can(user, codename: str, obj: Model | None = None, *, own: bool = False) -> bool:
    """May `user` do `codename` on `obj` (or anywhere, when obj is None)?

    With own=True, a user may also act on records they own (members always see
    their own records).
    """
    if obj is None:
        return has_any(user, codename)
    if covers(user, codename, obj.scope_path()):
        return True
    return own and _owned(user, obj)


def scope_q(user, codename: str, path_lookup: str) -> Q | None:
    """A Q object restricting `path_lookup` to the user's subtrees, or None for no scope."""
    prefixes = scope_prefixes(user, codename)
    if not prefixes:
        return None
    if ROOT in prefixes:
        return Q()
    q = Q()
    for prefix in prefixes:
        q |= subtree_q(path_lookup, prefix)
    return q


def objects_for(
    user, codename: str, queryset: QuerySet, *, own: bool = False, path_lookup: str | None = None
) -> QuerySet:
    """Restrict a queryset to the rows the user may `codename`, in one query."""
    model = queryset.model
    path_lookup = path_lookup or model.scope_path_lookup
    q = scope_q(user, codename, path_lookup)
    if q is not None and not q:
        # The whole tree. (An empty Q would vanish from `own_q | q` below: Q(a) | Q() is Q(a).)
        return queryset
    owner_lookup = getattr(model, "owner_lookup", None)
    if own and owner_lookup and user.is_authenticated:
        own_q = Q(**{owner_lookup: user})
        q = own_q if q is None else (q | own_q)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def access(user, codename: str, queryset: QuerySet, pk, *, own: bool = False) -> Model:
    """Fetch one row and check the permission in one call; 404 for what the user may not see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        return objects_for(user, codename, queryset, own=own).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None

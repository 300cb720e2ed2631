"""Reads of the materials library (学习资料), scoped to the user: what the user's own organization
and the organizations above it published, and whatever their study scope covers."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from grassroots.core import permissions
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import path_chain

from ..models import Material, MaterialTag

# Codenames whose scope lets a user see the library of organizations they do not belong to.
LIBRARY_VIEW_CODENAMES = ("study.view_study", "study.manage_material")
PAGE_SIZE = 20


def own_org_chain(user) -> list[str]:
    """Paths of the user's primary organization and of every organization above it: what is
    published there reaches the user. One query, cached on the user object."""
    if user is None or not user.is_authenticated or not getattr(user, "person_id", None):
        return []
    cached = user.__dict__.get("_study_org_chain")
    if cached is None:
        path = (
            Person.objects.filter(pk=user.person_id)
            .values_list("primary_org__path", flat=True)
            .first()
        )
        cached = path_chain(path) if path else []
        user.__dict__["_study_org_chain"] = cached
    return cached


def reach_q(user, path_lookup: str, codenames: tuple[str, ...]) -> Q | None:
    """Rows whose organization path (`path_lookup`) is the user's own organization or one above
    it, or lies in the user's scope of any of `codenames`. Q() means everything, None nothing."""
    q = None
    chain = own_org_chain(user)
    if chain:
        q = Q(**{f"{path_lookup}__in": chain})
    for codename in codenames:
        scoped = permissions.scope_q(user, codename, path_lookup)
        if scoped is None:
            continue
        if not scoped:
            return Q()
        q = scoped if q is None else (q | scoped)
    return q


def materials_for(user) -> QuerySet[Material]:
    q = reach_q(user, "organization__path", LIBRARY_VIEW_CODENAMES)
    if q is None:
        return Material.objects.none()
    return Material.objects.filter(q)


def _tagged(lookup: str, value: str) -> Exists:
    through = Material.tags.through
    return Exists(
        through.objects.filter(
            material_id=OuterRef("pk"), **{f"materialtag__name__{lookup}": value}
        )
    )


def filter_materials(user, *, query: str = "", tag: str = "", kind: str = "") -> QuerySet[Material]:
    """The library list: title or tag containing `query`, an exact tag, a kind; newest first.
    Tags are an EXISTS, so a material matching twice is still listed once."""
    qs = materials_for(user)
    query = (query or "").strip()[:60]
    if query:
        qs = qs.filter(Q(title__icontains=query) | _tagged("icontains", query))
    tag = (tag or "").strip().lower()
    if tag:
        qs = qs.filter(_tagged("exact", tag))
    if kind:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("organization")
        .prefetch_related("tags")
        .defer("body")
        .order_by("-created_at", "-id")
    )


def popular_tags(user, *, limit: int = 20) -> list[MaterialTag]:
    """The tags most used in the materials the user can see, for the filter chips. One query."""
    visible = materials_for(user).values("pk")
    return list(
        MaterialTag.objects.filter(materials__in=visible)
        .annotate(n=Count("materials"))
        .order_by("-n", "name")[:limit]
    )


def access_material(user, pk) -> Material:
    """A material the user may see; 404 for the others."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = (
        materials_for(user)
        .select_related("organization", "created_by", "created_by__person")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_material_to_manage(user, pk) -> Material:
    return permissions.access(
        user,
        "study.manage_material",
        Material.objects.select_related("organization").prefetch_related("tags"),
        pk,
    )


def can_manage_material(user, material: Material) -> bool:
    return permissions.user_can(user, "study.manage_material", material)


def publishing_organizations(user) -> QuerySet[Organization]:
    """Active organizations where the user may publish materials, in tree order."""
    return (
        permissions.objects_for(user, "study.manage_material", Organization.objects.all())
        .filter(status=OrgStatus.ACTIVE)
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )

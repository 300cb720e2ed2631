"""Reads of the orgs app, every one scoped to the user through the permission engine."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for
from grassroots.core.registry import person_filters

from . import counts as org_counts
from .enums import PARTY_STATUSES, OrgStatus, PersonStatus
from .models import Organization, Person

_INITIALS_RE = re.compile(r"^[a-z]{1,20}$")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DIGITS_RE = re.compile(r"^\d{3,11}$")
_ID_RE = re.compile(r"^\d{12,17}[\dX]?$")


# --- Organizations -----------------------------------------------------------


def organizations_for(user, codename: str = "orgs.view_organization") -> QuerySet[Organization]:
    return objects_for(user, codename, Organization.objects.all())


def access_organization(user, pk, codename: str = "orgs.view_organization") -> Organization:
    return access(user, codename, Organization.objects.select_related("kind", "secretary"), pk)


def scope_roots(user, codename: str = "orgs.view_organization") -> QuerySet[Organization]:
    """The top organizations of the user's scope: what the top-bar switcher offers."""
    prefixes = permissions.scope_prefixes(user, codename)
    if not prefixes:
        return Organization.objects.none()
    if permissions.ROOT in prefixes:
        return Organization.objects.get_root_nodes().select_related("kind")
    return Organization.objects.filter(path__in=prefixes).select_related("kind").order_by("path")


def current_organization_for(user, org_id) -> Organization | None:
    """The organization chosen in the switcher, if still in scope; else the first scope root."""
    if not user.is_authenticated:
        return None
    if org_id:
        try:
            return access_organization(user, org_id)
        except Http404:
            pass
    root = scope_roots(user).first()
    if root is None and getattr(user, "person_id", None):
        return user.person.primary_org
    return root


def children_of(
    user,
    parent: Organization | None,
    *,
    include_dissolved: bool = False,
    counts: dict | None = None,
) -> list[Organization]:
    """Children of a node (or the user's scope roots), each with `people_total`, the active
    people of its whole subtree. Three queries, whatever the number of children."""
    if parent is None:
        qs = scope_roots(user)
    else:
        qs = (
            organizations_for(user)
            .filter(org_subtree_q("path", parent), depth=parent.depth + 1)
            .order_by("path")
        )
    if not include_dissolved:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    nodes = list(qs.select_related("kind"))
    for node in nodes:
        node.children_nodes = None  # the tree page may preload them
    return with_subtree_totals(nodes, counts=counts, within=parent.path if parent else None)


def root_paths() -> list[str]:
    """Paths of the top organizations. Read each time (a tiny indexed query): a cached copy
    could lag behind a new root in another process and drop a subtree filter there."""
    return list(
        Organization.objects.filter(depth=1).order_by("path").values_list("path", flat=True)
    )


def org_subtree_q(path_lookup: str, org: Organization) -> Q:
    """`path_lookup` lies in org's subtree; no filter at all when org is the only top organization."""
    if org.depth == 1 and root_paths() == [org.path]:
        return Q()
    return permissions.subtree_q(path_lookup, org.path)


def with_subtree_totals(
    nodes: list[Organization], *, counts: dict | None = None, within: str | None = None
) -> list[Organization]:
    """Set `people_total` on each node, the active people of its whole subtree.

    Two queries: the paths of the organizations under the nodes, and the active people
    counted per organization (an index-only scan of person(primary_org, status, …)); the
    sums per node are made here. Pass the same `counts` dict to calls of one request to read
    the counts of a subtree once.
    """
    if not nodes:
        return nodes
    step = Organization.steplen
    if within is None:
        within = os.path.commonprefix([n.path for n in nodes])
        within = within[: len(within) // step * step]
    org_paths, per_org = _counts_per_org(within, counts)
    by_path = {node.path: node for node in nodes}
    depths = sorted({node.depth for node in nodes})
    for node in nodes:
        node.people_total = 0
    for org_id, count, _party in per_org:
        path, _status = org_paths.get(org_id, (None, None))
        if path is None:
            continue
        for depth in depths:
            node = by_path.get(path[: depth * step])
            if node is not None:
                node.people_total += count
    return nodes


def _counts_per_org(within: str, counts: dict | None = None):
    """({org id: (path, status)}, [(org id, active people, party members)]) for the subtree
    under the path `within`: two queries, cached between writes (orgs.counts) and memoized in
    `counts` for the rest of a request."""
    if len(within) == Organization.steplen and root_paths() == [within]:
        within = permissions.ROOT  # the whole tree: no filter at all
    if counts is not None and within in counts:
        return counts[within]

    def compute():
        orgs = Organization.objects.filter(permissions.subtree_q("path", within))
        org_paths = {
            pk: (path, status) for pk, path, status in orgs.values_list("id", "path", "status")
        }
        people = Person.objects.filter(status=PersonStatus.ACTIVE)
        if within:
            people = people.filter(permissions.subtree_q("primary_org__path", within))
        per_org = list(
            people.order_by()
            .values_list("primary_org_id")
            .annotate(
                n=Count("id"), party=Count("id", filter=Q(political_status__in=PARTY_STATUSES))
            )
        )
        return org_paths, per_org

    result = org_counts.cached(within, compute)
    if counts is not None:
        counts[within] = result
    return result


def subtree_choices(
    user, codename: str = "orgs.view_organization", *, levels: int = 3, limit: int = 300
) -> list[Organization]:
    """Organizations to offer in a subtree filter: the top `levels` levels of the user's scope
    of `codename`."""
    prefixes = permissions.scope_prefixes(user, codename)
    if not prefixes:
        return []
    # The depth of a path is its length in steps: no query to find the top of the scope.
    top = (
        1 if permissions.ROOT in prefixes else min(len(p) for p in prefixes) // Organization.steplen
    )
    max_depth = top + levels - 1
    qs = organizations_for(user, codename).filter(status=OrgStatus.ACTIVE, depth__lte=max_depth)
    choices = list(qs.only("id", "name", "short_name", "depth", "path").order_by("path")[:limit])
    for org in choices:
        org.indent = "　" * (org.depth - top)
    return choices


def search_organizations(user, query: str, *, limit: int = 50) -> QuerySet[Organization]:
    query = (query or "").strip()[:60]
    qs = organizations_for(user).select_related("kind")
    if not query:
        return qs.none()
    return qs.filter(
        Q(name__contains=query) | Q(short_name__contains=query) | Q(code__istartswith=query)
    ).order_by("path")[:limit]


def path_chain(path: str) -> list[str]:
    """The path and the paths of every organization above it, top first: what is published or
    granted on any of them reaches the organization at `path` (one `path__in` away)."""
    step = Organization.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def ancestors_in_scope(user, org: Organization) -> list[Organization]:
    """Breadcrumb: the organization's ancestors that the user may see, top first. One query."""
    paths = path_chain(org.path)[:-1]
    visible = organizations_for(user).filter(path__in=paths).order_by("depth")
    return list(visible)


def subtree_counts(org: Organization, *, counts: dict | None = None) -> dict[str, int]:
    """Active sub-organizations, active people and party members of a subtree: the per-org
    counts of `_counts_per_org`, summed (shared with the tree of the same page)."""
    org_paths, per_org = _counts_per_org(org.path, counts)
    inside = {pk for pk, (path, _status) in org_paths.items() if path.startswith(org.path)}
    return {
        "organizations": sum(
            1
            for pk, (_path, status) in org_paths.items()
            if pk in inside and pk != org.pk and status == OrgStatus.ACTIVE
        ),
        "people": sum(n for pk, n, _party in per_org if pk in inside),
        "party_members": sum(party for pk, _n, party in per_org if pk in inside),
    }


# --- People ------------------------------------------------------------------

# The columns the people list shows: a narrower row sorts and travels faster.
PEOPLE_LIST_FIELDS = (
    "id",
    "name",
    "name_pinyin",
    "status",
    "gender",
    "political_status",
    "job_title",
    "mobile",
    "birth_date",
    "primary_org__id",
    "primary_org__name",
    "primary_org__short_name",
)


def direct_members(org: Organization) -> QuerySet[Person]:
    """Active people whose primary organization is `org` itself (callers check the scope)."""
    return (
        Person.objects.filter(primary_org=org, status=PersonStatus.ACTIVE)
        .select_related("primary_org")
        .order_by("name_pinyin", "id")
    )


def secretary_candidates(user, org: Organization) -> QuerySet[Person]:
    """People who may be the secretary of `org` (or, for a new organization, of a child of
    `org`): those of `org`'s subtree and of the organizations above it, that the user may see."""
    ancestors = [org.path[: i * org.steplen] for i in range(1, org.depth)]
    return (
        people_for(user)
        .filter(org_subtree_q("primary_org__path", org) | Q(primary_org__path__in=ancestors))
        .filter(status=PersonStatus.ACTIVE)
        .select_related("primary_org")
        .order_by("name_pinyin", "id")
    )


@dataclass
class PeopleFilter:
    query: str = ""
    organization: Organization | None = None  # a subtree
    political_status: str = ""
    position: str = ""
    status: str = PersonStatus.ACTIVE
    gender: str = ""
    education: str = ""
    experience: str = ""  # the key of a registered core.registry.person_filters entry


def people_for(user, codename: str = "orgs.view_person", *, own: bool = False) -> QuerySet[Person]:
    return objects_for(user, codename, Person.objects.all(), own=own)


def access_person(user, pk, codename: str = "orgs.view_person") -> Person:
    """A person the user may see: in their subtrees, or themselves."""
    own = codename == "orgs.view_person"
    return access(
        user,
        codename,
        Person.objects.select_related("primary_org", "primary_org__kind"),
        pk,
        own=own,
    )


def search_q(query: str, user) -> Q:
    """Name, pinyin initials (zhs → 张海生), full pinyin, mobile, or ID number.

    ID numbers are searched only where the user may read them in full: a prefix search
    elsewhere would let a user recover a masked number digit by digit.
    """
    query = (query or "").strip()[:40]
    if not query:
        return Q()
    lowered = query.lower()
    if _DIGITS_RE.match(query) or _ID_RE.match(query.upper()):
        q = Q(mobile__startswith=query) if len(query) <= 11 else Q(pk__in=[])
        id_scope = permissions.scope_q(user, "orgs.view_id_number", "primary_org__path")
        if id_scope is not None:
            q |= id_scope & Q(id_number__startswith=query.upper())
        return q
    if _INITIALS_RE.match(lowered):
        return permissions.prefix_q("name_initials", lowered, _LETTERS) | permissions.prefix_q(
            "name_pinyin", lowered, _LETTERS
        )
    return Q(name__contains=query)


def filter_people(
    user, flt: PeopleFilter, codename: str = "orgs.view_person", *, own: bool = False
) -> QuerySet[Person]:
    """own=True also keeps the user's own record (members always see themselves)."""
    qs = people_for(user, codename, own=own)
    if flt.organization is not None:
        qs = qs.filter(org_subtree_q("primary_org__path", flt.organization))
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.political_status:
        qs = qs.filter(political_status=flt.political_status)
    if flt.gender:
        qs = qs.filter(gender=flt.gender)
    if flt.education:
        qs = qs.filter(education=flt.education)
    if flt.experience:
        chosen = {f.key: f for f in person_filters.items()}.get(flt.experience)
        if chosen is not None:
            qs = qs.filter(chosen.q(user))
    if flt.position:
        qs = qs.filter(
            Q(job_title__contains=flt.position)
            | Q(positions__title__contains=flt.position, positions__ended_on__isnull=True)
        ).distinct()
    if flt.query:
        qs = qs.filter(search_q(flt.query, user))
    qs = qs.select_related("primary_org")
    if flt.query:
        # Same order, but not the index's: with LIMIT, PostgreSQL would otherwise walk the
        # (status, name_pinyin) index in order and filter most of the county before finding
        # the matches of a "zh" search; an expression makes it read the matches and sort them.
        return qs.order_by(Lower("name_pinyin"), "id")
    return qs.order_by("name_pinyin", "id")


def person_memberships(person: Person):
    return person.memberships.select_related("organization").order_by("-started_on", "-id")


def person_positions(person: Person):
    return person.positions.select_related("organization").order_by(
        "ended_on", "-started_on", "-id"
    )


def can_see_id_number(user, person: Person) -> bool:
    return permissions.user_can(user, "orgs.view_id_number", person)

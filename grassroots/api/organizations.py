"""/organizations: the organization tree, scoped as on the pages (orgs.view_organization)."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from ninja import Query, Router
from ninja.pagination import paginate

from grassroots.core.permissions import access, subtree_q
from grassroots.orgs import selectors
from grassroots.orgs.models import Organization

from .pagination import Pagination
from .schemas import OrganizationFilters, OrganizationOut
from .types import ObjectId

router = Router(tags=["organizations"])

CODENAME = "orgs.view_organization"


def _with_parent_id(user, qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Annotate each organization with its parent's id, when the user may see the parent.

    A correlated subquery on the unique path: the parent's path is the child's path less
    one step. Same query whatever the page size.
    """
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    parents = selectors.organizations_for(user, CODENAME).filter(path=parent_path).values("pk")[:1]
    return qs.select_related("kind").annotate(parent_id=Subquery(parents))


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    url_name="organizations",
    summary="组织列表",
)
@paginate(Pagination)
def list_organizations(request, filters: Query[OrganizationFilters]):
    user = request.auth
    qs = selectors.organizations_for(user, CODENAME)
    if filters.parent is not None:
        parent = selectors.access_organization(user, filters.parent, CODENAME)
        qs = qs.filter(subtree_q("path", parent.path), depth=parent.depth + 1)
    if filters.subtree is not None:
        top = selectors.access_organization(user, filters.subtree, CODENAME)
        qs = qs.filter(subtree_q("path", top.path))
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(
            Q(name__contains=filters.q)
            | Q(short_name__contains=filters.q)
            | Q(code__istartswith=filters.q)
        )
    return _with_parent_id(user, qs).order_by("path")


@router.get(
    "/organizations/{id}",
    response=OrganizationOut,
    url_name="organization",
    summary="组织详情",
)
def get_organization(request, id: ObjectId):
    user = request.auth
    qs = _with_parent_id(user, Organization.objects.all())
    return access(user, CODENAME, qs, id)

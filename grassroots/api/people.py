"""/people: people records, scoped as on the pages (orgs.view_person; members see themselves)."""

from ninja import Query, Router
from ninja.pagination import paginate

from grassroots.orgs import selectors
from grassroots.orgs.selectors import PeopleFilter

from .pagination import Pagination
from .schemas import PeopleFilters, PersonOut
from .types import ObjectId

router = Router(tags=["people"])


@router.get("/people", response=list[PersonOut], url_name="people", summary="人员列表")
@paginate(Pagination)
def list_people(request, filters: Query[PeopleFilters]):
    user = request.auth
    organization = None
    if filters.org is not None:
        # Any organization the user may see: a member may narrow to their own branch.
        organization = selectors.access_organization(user, filters.org)
    flt = PeopleFilter(
        query=filters.q,
        organization=organization,
        political_status=filters.political_status or "",
        status="" if filters.status == "all" else filters.status,
    )
    # own=True: a member without orgs.view_person still finds their own record.
    return selectors.filter_people(user, flt, own=True)


@router.get("/people/{id}", response=PersonOut, url_name="person", summary="人员详情")
def get_person(request, id: ObjectId):
    return selectors.access_person(request.auth, id)

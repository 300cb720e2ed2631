"""The study API (grassroots.study.api): the user's ledger and sessions, scoped as on the pages.

The router is mounted here on an API of its own (same authentication as /api/v1), so these tests
hold whether or not the main API has mounted it yet."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from grassroots.api.auth import session_auth, token_auth
from grassroots.study.api import router
from grassroots.study.models import HoursCredit
from grassroots.study.services.hours import credit
from grassroots.study.tests.factories import (
    StudySessionFactory,
    member_with_account,
    session_with,
)

_api = NinjaAPI(urls_namespace="study-api-test", auth=[token_auth, session_auth], docs_url=None)
_api.add_router("", router)
urlpatterns = [path("api/v1/", _api.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
YEAR = timezone.localdate().year


def bearer(user) -> dict[str, str]:
    from grassroots.accounts.tokens.services import token_create

    _token, raw = token_create(name="test", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def test_my_hours(client, county, make_user):
    member = member_with_account(make_user, county.branch1, "member")
    session = session_with([member.person], starts_at=timezone.now() - timedelta(hours=1))
    credit(
        person_id=member.person.pk,
        year=YEAR,
        kind="branch",
        hours=Decimal("2"),
        source=HoursCredit.Source.ATTENDANCE,
        source_id=session.attendances.get().pk,
    )
    response = client.get("/api/v1/study/me/hours", headers=bearer(member))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["year"] == YEAR and Decimal(data["total"]) == 2 and Decimal(data["target"]) == 32
    assert {k["kind"]: Decimal(k["hours"]) for k in data["by_kind"]}["branch"] == 2
    assert data["credits"][0]["label"] == session.title
    last_year = client.get("/api/v1/study/me/hours", {"year": YEAR - 1}, headers=bearer(member))
    assert Decimal(last_year.json()["total"]) == 0
    assert (
        client.get("/api/v1/study/me/hours", {"year": 1900}, headers=bearer(member)).status_code
        == 422
    )


def test_my_hours_needs_a_person_and_a_login(client, make_user):
    assert client.get("/api/v1/study/me/hours", headers=bearer(make_user())).status_code == 404
    assert client.get("/api/v1/study/me/hours").status_code == 401


def test_sessions_are_scoped(client, county, make_user):
    member = member_with_account(make_user, county.branch1, "member")
    mine = session_with([member.person], title="我参加的")
    other = StudySessionFactory(organization=county.branch1, title="本支部其他")
    outside = StudySessionFactory(organization=county.community, title="社区的")

    def titles(user, **params):
        response = client.get("/api/v1/study/sessions", params, headers=bearer(user))
        assert response.status_code == 200, response.content
        return {item["title"] for item in response.json()["items"]}

    assert titles(member) == {"我参加的"}
    secretary = make_user("branch_secretary", county.branch1)
    assert titles(secretary) == {"我参加的", "本支部其他"}
    officer = make_user("org_dept_admin", county.root)
    assert titles(officer) == {"我参加的", "本支部其他", "社区的"}
    assert titles(officer, org=county.town.pk) == {"社区的"}
    assert titles(officer, when="past") == set()
    # Details: the expected member sees it with their own status, not the counts.
    detail = client.get(f"/api/v1/study/sessions/{mine.pk}", headers=bearer(member)).json()
    assert detail["my_status"] == "expected" and detail["attendance"] is None
    full = client.get(f"/api/v1/study/sessions/{mine.pk}", headers=bearer(secretary)).json()
    assert full["attendance"]["expected"] == 1
    assert (
        client.get(f"/api/v1/study/sessions/{other.pk}", headers=bearer(member)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/study/sessions/{outside.pk}", headers=bearer(secretary)).status_code
        == 404
    )


def test_session_filters_refuse_bad_input(client, county, make_user):
    officer = make_user("org_dept_admin", county.root)
    headers = bearer(officer)
    for params in ({"when": "soon"}, {"kind": "party"}, {"org": 0}, {"year": "x"}):
        response = client.get("/api/v1/study/sessions", params, headers=headers)
        assert response.status_code == 422, params
    assert client.get("/api/v1/study/sessions/0", headers=headers).status_code == 422


def test_session_list_in_constant_queries(client, county, make_user, django_assert_max_num_queries):
    member = member_with_account(make_user, county.branch1, "member")
    for _i in range(30):
        session_with([member.person])
    headers = bearer(member)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/study/sessions", headers=headers)
    assert response.json()["count"] == 30


def test_openapi_lists_the_study_endpoints(client, make_user):
    response = client.get("/api/v1/openapi.json", headers=bearer(make_user()))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/study/me/hours",
        "/api/v1/study/sessions",
        "/api/v1/study/sessions/{id}",
    } <= set(paths)
    params = {p["name"] for p in paths["/api/v1/study/sessions"]["get"]["parameters"]}
    assert {"when", "org", "kind", "year", "mine", "q", "limit", "offset"} <= params

"""The study API: the materials list scoped as on the pages, search, and one's own reflections.

The router is mounted here on an API of its own with the project's authentication, so that the
tests do not depend on where the project mounts it.
"""

import pytest
from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as project_urlpatterns
from grassroots.api.auth import session_auth, token_auth
from grassroots.study.api_library import router

from .library_factories import MaterialFactory, ReflectionFactory, member, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

_api = NinjaAPI(urls_namespace="study-api-test", auth=[token_auth, session_auth])
_api.add_router("", router)
urlpatterns = [path("api/v1/", _api.urls), *project_urlpatterns]


@pytest.fixture
def bearer():
    from grassroots.accounts.tokens.services import token_create

    def make(user) -> dict[str, str]:
        _token, raw = token_create(name="test", actor=user)
        return {"Authorization": f"Bearer {raw}"}

    return make


def test_materials_are_scoped_and_searchable(client, county, make_user, bearer):
    MaterialFactory(organization=county.root, title="党章全文", tags=["党章"])
    MaterialFactory(organization=county.branch1, title="支部学习安排")
    MaterialFactory(organization=county.town, title="城关镇资料", tags=["党章"])
    headers = bearer(member(make_user, county.branch1))
    data = client.get("/api/v1/study/materials", headers=headers).json()
    assert data["count"] == 2
    assert {m["title"] for m in data["items"]} == {"党章全文", "支部学习安排"}
    found = client.get("/api/v1/study/materials", {"q": "党章"}, headers=headers).json()
    assert [m["title"] for m in found["items"]] == ["党章全文"]
    assert found["items"][0]["tags"] == ["党章"]
    assert found["items"][0]["organization"]["id"] == county.root.pk
    by_tag = client.get("/api/v1/study/materials", {"tag": "党章"}, headers=headers).json()
    assert by_tag["count"] == 1


def test_a_document_has_its_download_address(client, county, make_user, bearer):
    from grassroots.study.services.library import material_create

    document = material_create(
        organization=county.root,
        title="报告",
        kind="document",
        file=pdf_upload(),
        actor=make_user("org_dept_admin", county.root),
    )
    headers = bearer(member(make_user, county.branch1))
    item = client.get(f"/api/v1/study/materials/{document.pk}", headers=headers).json()
    assert item["download_url"] == f"/study/library/{document.pk}/download/"
    assert item["file_kind"] == "pdf"


def test_outside_material_is_404_and_anonymous_401(client, county, make_user, bearer):
    hidden = MaterialFactory(organization=county.town)
    headers = bearer(member(make_user, county.branch1))
    assert client.get(f"/api/v1/study/materials/{hidden.pk}", headers=headers).status_code == 404
    assert client.get("/api/v1/study/materials").status_code == 401


@pytest.mark.parametrize(
    "params",
    [{"kind": "video"}, {"q": "a\x00b"}, {"q": "党" * 61}, {"limit": "0"}, {"offset": "-1"}],
)
def test_bad_parameters_are_422(client, county, make_user, bearer, params):
    headers = bearer(member(make_user, county.branch1))
    assert client.get("/api/v1/study/materials", params, headers=headers).status_code == 422


def test_my_reflections_are_mine_only(client, county, make_user, bearer):
    me = member(make_user, county.branch1)
    ReflectionFactory(person=me.person, title="我的心得")
    ReflectionFactory(person=me.person, title="已通过", status="accepted")
    ReflectionFactory(person=member(make_user, county.branch1).person, title="同事的")
    headers = bearer(me)
    data = client.get("/api/v1/study/reflections/mine", headers=headers).json()
    assert {r["title"] for r in data["items"]} == {"我的心得", "已通过"}
    accepted = client.get(
        "/api/v1/study/reflections/mine", {"status": "accepted"}, headers=headers
    ).json()
    assert [r["status_label"] for r in accepted["items"]] == ["已通过"]
    assert accepted["items"][0]["length"] == 320


def test_list_queries_do_not_grow(client, county, make_user, bearer, django_assert_max_num_queries):
    headers = bearer(member(make_user, county.branch1))
    for i in range(3):
        MaterialFactory(organization=county.root, tags=[f"t{i}"])
    client.get("/api/v1/study/materials", headers=headers)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/study/materials", headers=headers)
    for i in range(30):
        MaterialFactory(organization=county.root, tags=[f"x{i}", "共同"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/study/materials", headers=headers).json()["count"] == 33

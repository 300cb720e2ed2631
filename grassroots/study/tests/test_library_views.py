"""Library pages: who sees which material, search and tag chips, query budgets, publishing through
the form, and the download's permission and headers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.study.enums import MaterialKind
from grassroots.study.models import Material
from grassroots.study.selectors.library import materials_for
from grassroots.study.services.library import material_create

from .library_factories import MaterialFactory, member, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials(county):
    """One material published at each level of the county."""
    return {
        name: MaterialFactory(organization=getattr(county, name), title=f"{name}资料")
        for name in ("root", "justice", "branch1", "branch2", "town", "community")
    }


def visible_titles(user):
    return set(materials_for(user).values_list("title", flat=True))


# --- Who sees what -----------------------------------------------------------------


def test_a_member_sees_what_their_organization_and_those_above_published(
    county, make_user, materials
):
    user = member(make_user, county.branch1)
    assert visible_titles(user) == {"root资料", "justice资料", "branch1资料"}
    town_member = member(make_user, county.community)
    assert visible_titles(town_member) == {"root资料", "town资料", "community资料"}


def test_scope_holders_see_their_subtree_too(county, make_user, materials):
    committee = make_user("committee_admin", county.justice)  # no person: scope only
    assert visible_titles(committee) == {"justice资料", "branch1资料", "branch2资料"}
    inspector = make_user("discipline_inspector", county.town)  # study.view_study
    assert visible_titles(inspector) == {"town资料", "community资料"}
    secretary = member(make_user, county.branch1, role="branch_secretary")
    assert visible_titles(secretary) == {"root资料", "justice资料", "branch1资料"}
    assert visible_titles(make_user("org_dept_admin", county.root)) == {
        m.title for m in materials.values()
    }


def test_an_account_without_person_or_role_sees_nothing(county, make_user, materials):
    assert visible_titles(make_user()) == set()


def test_detail_outside_reach_is_404(client, county, make_user, materials):
    client.force_login(member(make_user, county.branch1))
    assert (
        client.get(reverse("study:material_detail", args=[materials["root"].pk])).status_code == 200
    )
    for name in ("branch2", "town"):
        url = reverse("study:material_detail", args=[materials[name].pk])
        assert client.get(url).status_code == 404


# --- The list ----------------------------------------------------------------------


def test_list_searches_titles_and_tags_and_filters_by_tag_and_kind(client, county, make_user):
    MaterialFactory(organization=county.root, title="党章全文", tags=["党章", "基础"])
    MaterialFactory(organization=county.root, title="二十大报告", tags=["二十大"])
    MaterialFactory(organization=county.root, title="廉政读本", tags=["党章", "廉政"])
    MaterialFactory(
        organization=county.root,
        title="党章链接",
        kind=MaterialKind.LINK,
        body="",
        link="https://a.cn",
    )
    client.force_login(member(make_user, county.branch1))
    url = reverse("study:material_list")

    def titles(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [m.title for m in response.context["page_obj"]]

    assert set(titles(q="党章")) == {"党章全文", "廉政读本", "党章链接"}
    assert titles(q="二十") == ["二十大报告"]
    assert set(titles(tag="党章")) == {"党章全文", "廉政读本"}
    assert titles(tag="党章", q="廉政") == ["廉政读本"]
    assert titles(kind="link") == ["党章链接"]
    assert titles(kind="nonsense") != []  # an unknown kind is ignored, not an error
    chips = client.get(url).context["tags"]
    assert chips[0].name == "党章" and chips[0].n == 2


def test_list_htmx_returns_the_table_only(client, county, make_user, materials):
    client.force_login(member(make_user, county.branch1))
    response = client.get(
        reverse("study:material_list"),
        {"q": "root"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="material-table",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "root资料" in body and "<html" not in body


def test_list_answers_in_constant_queries(client, county, make_user, django_assert_max_num_queries):
    user = member(make_user, county.branch1)
    client.force_login(user)
    url = reverse("study:material_list")
    for i in range(3):
        MaterialFactory(organization=county.root, tags=[f"标签{i}", "共同"])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for i in range(40):
        MaterialFactory(organization=county.branch1, tags=[f"多{i}", "共同"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 20


# --- Publishing through the pages ----------------------------------------------------


def test_a_manager_publishes_a_document_through_the_form(client, county, make_user):
    manager = make_user("committee_admin", county.justice)
    client.force_login(manager)
    response = client.post(
        reverse("study:material_create"),
        {
            "organization": county.justice.pk,
            "title": "司法局学习资料",
            "kind": "document",
            "tags": "法治、学习",
            "file": pdf_upload("汇编.pdf"),
        },
    )
    material = Material.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "study:material_detail", args=[material.pk]
    )
    assert material.original_name == "汇编.pdf"


def test_a_bad_upload_shows_the_reason_on_the_form(client, county, make_user):
    client.force_login(make_user("committee_admin", county.justice))
    response = client.post(
        reverse("study:material_create"),
        {
            "organization": county.justice.pk,
            "title": "伪装文件",
            "kind": "document",
            "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00" * 10),
        },
    )
    assert response.status_code == 200
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not Material.objects.exists()


def test_publishing_pages_are_for_managers_in_scope(client, county, make_user, materials):
    client.force_login(member(make_user, county.branch1))
    assert client.get(reverse("study:material_create")).status_code == 403
    assert (
        client.get(reverse("study:material_edit", args=[materials["branch1"].pk])).status_code
        == 404
    )
    client.force_login(make_user("branch_secretary", county.branch1))
    assert client.get(reverse("study:material_create")).status_code == 200
    assert (
        client.get(reverse("study:material_edit", args=[materials["branch1"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("study:material_edit", args=[materials["justice"].pk])).status_code
        == 404
    )
    # The form offers only organizations the user manages: posting another one is refused.
    response = client.post(
        reverse("study:material_create"),
        {"organization": county.justice.pk, "title": "越权", "kind": "note", "body": "x"},
    )
    assert response.status_code == 200 and not Material.objects.filter(title="越权").exists()


def test_edit_and_delete_through_the_pages(client, county, make_user, materials):
    client.force_login(make_user("branch_secretary", county.branch1))
    material = materials["branch1"]
    response = client.post(
        reverse("study:material_edit", args=[material.pk]),
        {
            "organization": county.branch1.pk,
            "title": "新标题",
            "kind": "note",
            "body": "新正文",
            "tags": "甲 乙",
        },
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.title == "新标题" and material.tags.count() == 2
    assert client.get(reverse("study:material_delete", args=[material.pk])).status_code == 200
    client.post(reverse("study:material_delete", args=[material.pk]))
    assert not Material.objects.filter(pk=material.pk).exists()


# --- Download ------------------------------------------------------------------------


@pytest.fixture
def document(county, make_user):
    return material_create(
        organization=county.justice,
        title="学习汇编",
        kind=MaterialKind.DOCUMENT,
        file=SimpleUploadedFile("学习 汇编.txt", "第一条\n第二条\n".encode()),
        actor=make_user("committee_admin", county.justice),
    )


def test_download_is_an_attachment_with_the_stored_type(client, county, make_user, document):
    client.force_login(member(make_user, county.branch2))
    response = client.get(reverse("study:material_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "第一条\n第二条\n"


def test_download_outside_reach_is_404_and_anonymous_must_log_in(
    client, county, make_user, document
):
    url = reverse("study:material_download", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(member(make_user, county.town))
    assert client.get(url).status_code == 404


def test_download_of_a_note_or_a_missing_file_is_404(
    client, county, make_user, materials, document
):
    client.force_login(make_user("org_dept_admin", county.root))
    assert (
        client.get(reverse("study:material_download", args=[materials["root"].pk])).status_code
        == 404
    )
    document.file.storage.delete(document.file.name)
    assert client.get(reverse("study:material_download", args=[document.pk])).status_code == 404


def test_detail_page_shows_download_and_write_buttons(client, county, make_user, document):
    client.force_login(member(make_user, county.branch1))
    body = client.get(reverse("study:material_detail", args=[document.pk])).content.decode()
    assert reverse("study:material_download", args=[document.pk]) in body
    assert f"{reverse('study:reflection_create')}?material={document.pk}" in body
    assert reverse("study:material_edit", args=[document.pk]) not in body

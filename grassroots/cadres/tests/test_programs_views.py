"""The officers' program pages: who may open them, the list's filters and query budget,
creating a program, the call's transitions, the matching page with its budget and its assign
and unassign buttons, and the pages in English."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.cadres.enums import (
    ApplicationKind,
    ApplicationStatus,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import Application, CadreGroup, Program, Secondment
from grassroots.cadres.tests import builders
from grassroots.core.testing import queries_of
from grassroots.orgs.enums import Education

pytestmark = pytest.mark.django_db

LIST = reverse("cadres:program_list")


def detail(program):
    return reverse("cadres:program_detail", args=[program.pk])


def matching(program):
    return reverse("cadres:program_matching", args=[program.pk])


def applicant(county, program, **person):
    someone = builders.person_with_user(county.branch1, **person)
    return Application.objects.create(
        program=program,
        person=someone,
        kind=ApplicationKind.VOLUNTARY,
        statement="愿意",
        expertise="法律",
    )


def full_program(county, officer, *, posts=2, applicants=2, status=ProgramStatus.SELECTING):
    program = builders.program(county, status=status, starts_on=date(2026, 3, 1))
    for i in range(posts):
        builders.post(
            program,
            county.town,
            title=f"岗位{i}",
            places=2,
            min_education=Education.BACHELOR,
            max_age=40,
            expertise="法律",
        )
    for _ in range(applicants):
        applicant(county, program, education=Education.MASTER)
    leader = builders.person_with_user(county.dept)
    CadreGroup.objects.create(program=program, name=f"组{program.pk}", leader=leader)
    return program


def test_the_list_needs_view_permission(client, make_user):
    client.force_login(make_user())
    assert client.get(LIST).status_code == 403


def test_the_list_is_scoped_and_filtered(client, county, make_user):
    officer = builders.officer(county)
    builders.program(county, title="甲批次")
    builders.program(county, title="乙批次", status=ProgramStatus.RECRUITING)
    client.force_login(officer)
    response = client.get(LIST)
    assert response.status_code == 200
    assert {p.title for p in response.context["page_obj"]} == {"甲批次", "乙批次"}
    response = client.get(LIST, {"status": "recruiting"})
    assert {p.title for p in response.context["page_obj"]} == {"乙批次"}
    response = client.get(LIST, {"year": "2020"})
    assert not list(response.context["page_obj"])
    # an officer of another subtree sees none of them and gets 404 on one
    other = make_user("org_dept_admin", county.town)
    client.force_login(other)
    assert not list(client.get(LIST).context["page_obj"])
    program = Program.objects.first()
    assert client.get(detail(program)).status_code == 404
    assert client.post(reverse("cadres:program_publish", args=[program.pk])).status_code == 404


def test_the_list_costs_the_same_for_few_and_many(client, county):
    officer = builders.officer(county)
    client.force_login(officer)
    full_program(county, officer, posts=1, applicants=1)
    few = queries_of(client, LIST)
    for _ in range(6):
        full_program(county, officer, posts=3, applicants=3)
    assert queries_of(client, LIST) == few


def test_create_and_publish(client, county):
    officer = builders.officer(county)
    client.force_login(officer)
    start = date.today() + timedelta(days=60)
    closes = timezone.localtime() + timedelta(days=10)
    response = client.post(
        reverse("cadres:program_create"),
        {
            "organization": county.dept.pk,
            "title": "第二批挂职干部",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=365)).isoformat(),
            "sending_units": [county.justice.pk],
            "notice": "欢迎报名",
            "call_closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    program = Program.objects.get(title="第二批挂职干部")
    assert response.status_code == 302
    page = client.get(detail(program))
    assert "请先设置挂职岗位。" in page.content.decode()
    response = client.post(
        reverse("cadres:post_create", args=[program.pk]),
        {"host": county.town.pk, "title": "镇长助理", "places": 1, "sort_order": 0},
    )
    assert response.status_code == 302, response.context["form"].errors
    client.post(reverse("cadres:program_publish", args=[program.pk]))
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING
    client.post(reverse("cadres:program_close_call", args=[program.pk]))
    program.refresh_from_db()
    assert program.status == ProgramStatus.SELECTING


def test_create_refused_for_a_viewer(client, county, make_user):
    client.force_login(make_user("committee_admin", county.root))
    assert client.get(reverse("cadres:program_create")).status_code == 403
    assert client.get(LIST).status_code == 200


def test_publish_refused_by_a_viewer_leaves_the_draft(client, county, make_user):
    program = builders.program(county)
    client.force_login(make_user("committee_admin", county.root))
    response = client.post(reverse("cadres:program_publish", args=[program.pk]))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_detail_shows_posts_groups_and_counts(client, county):
    officer = builders.officer(county)
    program = full_program(county, officer, posts=2, applicants=3)
    client.force_login(officer)
    response = client.get(detail(program))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="post-row"') == 2
    assert response.context["counts"]["active"] == 3
    assert client.get(reverse("cadres:program_applications", args=[program.pk])).status_code == 200


def test_matching_page_ranks_and_assigns(client, county):
    officer = builders.officer(county)
    program = full_program(county, officer, posts=1, applicants=0)
    good = applicant(county, program, education=Education.MASTER, birth_date=date(1995, 1, 1))
    poor = applicant(county, program, education=Education.COLLEGE, birth_date=date(1970, 1, 1))
    client.force_login(officer)
    response = client.get(matching(program))
    assert response.status_code == 200
    row = response.context["board"][0]
    assert [c.application for c in row.candidates] == [good, poor]
    body = response.content.decode()
    assert "学历符合" in body and "年龄超限" in body
    post = row.post
    response = client.post(
        reverse("cadres:matching_assign", args=[program.pk]),
        {"post": post.pk, "application": good.pk},
    )
    assert response.status_code == 302
    secondment = Secondment.objects.get(person=good.person)
    assert secondment.status == SecondmentStatus.MATCHED
    client.post(reverse("cadres:matching_unassign", args=[program.pk, secondment.pk]))
    secondment.refresh_from_db()
    good.refresh_from_db()
    assert secondment.status == SecondmentStatus.WITHDRAWN
    assert good.status == ApplicationStatus.SUBMITTED


def test_matching_assign_refused_for_a_viewer(client, county, make_user):
    officer = builders.officer(county)
    program = full_program(county, officer, posts=1, applicants=1)
    client.force_login(make_user("committee_admin", county.root))
    assert client.get(matching(program)).status_code == 200
    client.post(
        reverse("cadres:matching_assign", args=[program.pk]),
        {"post": program.posts.first().pk, "application": program.applications.first().pk},
    )
    assert not Secondment.objects.exists()


def test_matching_page_costs_the_same_for_few_and_many(client, county):
    officer = builders.officer(county)
    client.force_login(officer)
    program = full_program(county, officer, posts=2, applicants=2)
    few = queries_of(client, matching(program))
    for _ in range(25):
        applicant(county, program, education=Education.BACHELOR)
    builders.post(program, county.community, title="新岗位")
    assert queries_of(client, matching(program)) == few


def test_detail_costs_the_same_for_few_and_many(client, county):
    officer = builders.officer(county)
    client.force_login(officer)
    program = full_program(county, officer, posts=1, applicants=1)
    few = queries_of(client, detail(program))
    for i in range(5):
        builders.post(program, county.community, title=f"新岗位{i}")
        CadreGroup.objects.create(
            program=program, name=f"新组{i}", leader=builders.person_with_user(county.dept)
        )
    assert queries_of(client, detail(program)) == few


def test_pages_in_english(english_client, county):
    officer = builders.officer(county)
    program = full_program(county, officer, posts=2, applicants=2)
    english_client.force_login(officer)
    for url in (
        LIST,
        reverse("cadres:program_create"),
        detail(program),
        matching(program),
        reverse("cadres:program_applications", args=[program.pk]),
        reverse("cadres:post_create", args=[program.pk]),
        reverse("cadres:group_create", args=[program.pk]),
        reverse("cadres:training_add", args=[program.pk]),
    ):
        response = english_client.get(url)
        assert response.status_code == 200, url
        assert response.wsgi_request.LANGUAGE_CODE == "en"


def test_edit_a_draft_and_a_post_during_selection(client, county):
    officer = builders.officer(county)
    client.force_login(officer)
    draft = builders.program(county, notice="旧通知")
    url = reverse("cadres:program_edit", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "改名后的批次",
            "starts_on": "2026-03-01",
            "ends_on": "2027-02-28",
            "sending_units": [county.justice.pk, county.town.pk],
            "notice": "新通知",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.title == "改名后的批次"
    assert set(draft.sending_units.all()) == {county.justice, county.town}
    program = full_program(county, officer, posts=1, applicants=0)
    post = program.posts.first()
    url = reverse("cadres:post_edit", args=[post.pk])
    page = client.get(url)
    assert set(page.context["form"].fields) == {"duties", "places", "host_leader", "sort_order"}
    response = client.post(url, {"places": 5, "sort_order": 1, "duties": "协助镇长"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.places == 5
    group = program.groups.first()
    assert client.get(reverse("cadres:group_edit", args=[group.pk])).status_code == 200


def test_edit_refused_outside_scope(client, county, make_user):
    program = builders.program(county)
    client.force_login(make_user("committee_admin", county.root))
    assert client.get(reverse("cadres:program_edit", args=[program.pk])).status_code == 404
    post = builders.post(program, county.town)
    assert client.get(reverse("cadres:post_edit", args=[post.pk])).status_code == 404


def test_navigation_entries(rf, county, make_user):
    from grassroots.cadres import navigation as cadres_navigation
    from grassroots.core import navigation

    cadres_navigation.register()
    request = rf.get("/")
    request.user = builders.officer(county)
    keys = {e["key"] for e in navigation.menu_for(request)}
    assert {"cadres.programs", "cadres.calls"} <= keys
    request.user = make_user()
    keys = {e["key"] for e in navigation.menu_for(request)}
    assert "cadres.calls" in keys and "cadres.programs" not in keys

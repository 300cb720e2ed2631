"""The public publicity page and the follow-up by code, logged out; the officers' pages of
approval, objections, confirmation and placement, allowed and refused."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import ProgramStatus, SecondmentStatus
from grassroots.cadres.models import Objection
from grassroots.cadres.services import publicity as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import grant, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer(county):
    return builders.officer(county)


@pytest.fixture
def listed(county, officer):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    rows = [
        builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
        for _ in range(2)
    ]
    services.program_approve(program=program, actor=officer)
    program.refresh_from_db()
    return program, rows


def public(program):
    return reverse("cadres:publicity", args=[program.public_key])


def test_public_page_works_logged_out_and_takes_an_objection_followed_by_code(
    client, listed, officer
):
    program, rows = listed
    page = client.get(public(program))
    assert page.status_code == 200
    html = page.content.decode()
    assert rows[0].cadre.name in html and rows[0].secondment.post.host.name in html
    response = client.post(
        public(program),
        {"content": "该同志工作作风有问题", "secondment": rows[0].secondment.pk},
    )
    assert response.status_code == 200
    objection = Objection.objects.get()
    assert objection.secondment == rows[0].secondment
    assert objection.code in response.content.decode()
    follow = reverse("cadres:objection_follow", args=[program.public_key])
    assert (
        'data-testid="follow-pending"'
        in client.post(follow, {"code": objection.code}).content.decode()
    )
    services.objection_answer(
        objection=objection, actor=officer, answer="经核实不属实", upheld=False
    )
    html = client.post(follow, {"code": objection.code.lower()}).content.decode()
    assert "经核实不属实" in html
    assert 'data-testid="follow-none"' in client.post(follow, {"code": "NOPE"}).content.decode()


def test_public_form_needs_content_and_is_rate_limited(client, listed):
    program, _rows = listed
    response = client.post(public(program), {"content": ""})
    assert response.status_code == 200 and not Objection.objects.exists()
    from grassroots.cadres.views.publicity import OBJECTIONS_PER_HOUR

    for n in range(OBJECTIONS_PER_HOUR):
        client.post(public(program), {"content": f"第{n}条"})
    response = client.post(public(program), {"content": "再来一条"})
    assert "提交过于频繁" in response.content.decode()
    assert Objection.objects.count() == OBJECTIONS_PER_HOUR


def test_public_page_checks_csrf(listed):
    from django.test import Client

    program, _rows = listed
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(public(program), {"content": "x"}).status_code == 403


def test_public_page_refuses_objections_after_the_window_and_hides_drafts(client, county, listed):
    program, _rows = listed
    program.publicity_starts_on = timezone.localdate() - timedelta(days=9)
    program.publicity_ends_on = timezone.localdate() - timedelta(days=2)
    program.save()
    html = client.get(public(program)).content.decode()
    assert 'data-testid="objection-form"' not in html
    response = client.post(public(program), {"content": "晚了"})
    assert "不在公示期内" in response.content.decode()
    assert not Objection.objects.exists()
    draft = builders.program(county, status=ProgramStatus.SELECTING)
    assert client.get(public(draft)).status_code == 404
    assert client.get(reverse("cadres:publicity", args=["nokey"])).status_code == 404


def test_public_page_costs_the_same_for_few_and_many(client, county, officer):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
    services.program_approve(program=program, actor=officer)
    few = queries_of(client, public(program))
    for _ in range(6):
        builders.secondment(county, status=SecondmentStatus.PUBLICITY, program_obj=program)
    assert queries_of(client, public(program)) == few


def test_officer_approves_from_the_page(client, county, officer):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
    url = reverse("cadres:program_approval", args=[program.pk])
    client.force_login(officer)
    page = client.get(url)
    assert 'data-testid="approve-form"' in page.content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "publicity_starts_on": today.isoformat(),
            "publicity_ends_on": (today + timedelta(days=7)).isoformat(),
            "comment": "同意",
        },
    )
    assert response.status_code == 302
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.PUBLICITY


def test_approval_page_refused_to_a_viewer_and_hidden_from_others(client, county):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
    url = reverse("cadres:program_approval", args=[program.pk])
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert 'data-testid="approve-form"' not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 403
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    for user in (elsewhere, placed.host_user, placed.cadre_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


def test_answer_page_upholds_and_confirm_page_reports_refusal(client, listed, officer):
    program, rows = listed
    objection = services.objection_submit(program=program, content="不符合条件")
    client.force_login(officer)
    objections = reverse("cadres:program_objections", args=[program.pk])
    html = client.get(objections).content.decode()
    assert "不符合条件" in html and 'data-testid="answer-link"' in html
    confirm = reverse("cadres:program_confirm", args=[program.pk])
    response = client.post(confirm, follow=True)
    assert "期满后才能确认" in response.content.decode()
    url = reverse("cadres:objection_answer", args=[objection.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"answer": "经核实属实", "upheld": "1", "secondment": rows[1].secondment.pk}
    )
    assert response.status_code == 302
    rows[1].secondment.refresh_from_db()
    assert rows[1].secondment.status == SecondmentStatus.WITHDRAWN
    program.publicity_ends_on = timezone.localdate() - timedelta(days=1)
    program.save()
    client.post(confirm)
    program.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING


def test_answer_and_confirm_refused_to_others(client, county, listed):
    program, rows = listed
    objection = services.objection_submit(program=program, content="不符合条件")
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    client.force_login(viewer)
    assert client.get(reverse("cadres:objection_answer", args=[objection.pk])).status_code == 403
    assert client.post(reverse("cadres:program_confirm", args=[program.pk])).status_code == 403
    client.force_login(rows[0].host_user)
    assert client.get(reverse("cadres:objection_answer", args=[objection.pk])).status_code == 404
    assert client.get(reverse("cadres:program_objections", args=[program.pk])).status_code == 404


def test_placement_page_lists_what_is_missing_and_places_the_ready(client, county, officer):
    program = builders.program(county, status=ProgramStatus.RUNNING)
    ready = builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    lacking = builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    lacking.secondment.host_leader = None
    lacking.secondment.save()
    url = reverse("cadres:program_placement", args=[program.pk])
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "尚未确定接收单位联系领导" in html
    response = client.post(url, {"placed_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert 'data-testid="placement-refused"' in response.content.decode()
    ready.secondment.refresh_from_db()
    assert ready.secondment.status == SecondmentStatus.PLACED
    client.force_login(ready.host_user)
    assert client.post(url, {"placed_on": timezone.localdate().isoformat()}).status_code == 404


def test_officer_pages_cost_the_same_for_few_and_many(client, county, officer):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
    builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    client.force_login(officer)
    urls = [
        reverse(f"cadres:{name}", args=[program.pk])
        for name in ("program_approval", "program_objections", "program_placement")
    ]
    few = [queries_of(client, url) for url in urls]
    for _ in range(5):
        builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
        builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    assert [queries_of(client, url) for url in urls] == few


def test_public_and_officer_pages_render_in_english(english_client, listed, officer):
    program, _rows = listed
    assert english_client.get(public(program)).status_code == 200
    follow = reverse("cadres:objection_follow", args=[program.public_key])
    assert english_client.get(follow).status_code == 200
    english_client.force_login(officer)
    for name in ("program_approval", "program_objections", "program_placement"):
        assert english_client.get(reverse(f"cadres:{name}", args=[program.pk])).status_code == 200

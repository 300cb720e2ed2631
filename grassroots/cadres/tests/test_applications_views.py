"""The call as people see it: the calls one may answer, the notice with the form, applying,
one's applications with withdrawal, the recommendation form, who may open what, query budgets
and the pages in English."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.cadres.enums import ApplicationKind, ApplicationStatus, ProgramStatus
from grassroots.cadres.models import Application
from grassroots.cadres.tests import builders
from grassroots.core.testing import queries_of

pytestmark = pytest.mark.django_db

CALLS = reverse("cadres:call_list")
MINE = reverse("cadres:my_applications")


def open_program(county, **extra):
    now = timezone.now()
    program = builders.program(
        county,
        status=ProgramStatus.RECRUITING,
        call_opens_at=now - timedelta(days=1),
        call_closes_at=now + timedelta(days=5),
        notice="请符合条件的同志报名。",
        **extra,
    )
    builders.post(program, county.town)
    return program


def call(program):
    return reverse("cadres:call_detail", args=[program.pk])


def test_calls_list_only_what_one_may_answer(client, county):
    program = open_program(county)
    builders.program(county, title="草稿批次")  # a draft is not shown
    inside = builders.person_with_user(county.branch1)
    outside = builders.person_with_user(county.town)
    client.force_login(inside.user)
    assert [p.pk for p in client.get(CALLS).context["calls"]] == [program.pk]
    assert client.get(call(program)).status_code == 200
    client.force_login(outside.user)
    assert list(client.get(CALLS).context["calls"]) == []
    assert client.get(call(program)).status_code == 404


def test_apply_then_withdraw(client, county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    client.force_login(person.user)
    page = client.get(call(program))
    assert page.context["can_apply"]
    response = client.post(
        reverse("cadres:call_apply", args=[program.pk]),
        {"statement": "愿意到基层锻炼", "expertise": "法律", "preferred_post": ""},
    )
    assert response.status_code == 302
    application = Application.objects.get(person=person)
    assert client.get(MINE).status_code == 200
    again = client.post(reverse("cadres:call_apply", args=[program.pk]), {"statement": "再报一次"})
    assert again.status_code == 200
    assert "重复报名" in again.content.decode()
    client.post(reverse("cadres:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_apply_without_statement_stays_on_the_form(client, county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    client.force_login(person.user)
    response = client.post(reverse("cadres:call_apply", args=[program.pk]), {"statement": ""})
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_after_the_window_the_page_says_why(client, county):
    now = timezone.now()
    program = open_program(county)
    program.call_closes_at = now - timedelta(minutes=1)
    program.call_opens_at = now - timedelta(days=3)
    program.save()
    person = builders.person_with_user(county.branch1)
    Application.objects.create(
        program=program, person=builders.person_with_user(county.branch1), kind="voluntary"
    )
    client.force_login(person.user)
    response = client.get(call(program))
    assert response.status_code == 200
    assert not response.context["can_apply"]
    assert "报名时间" in response.content.decode()


def test_withdraw_someone_elses_is_404(client, county):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    application = Application.objects.create(
        program=program, person=person, kind=ApplicationKind.VOLUNTARY, statement="x"
    )
    other = builders.person_with_user(county.branch1)
    client.force_login(other.user)
    response = client.post(reverse("cadres:application_withdraw", args=[application.pk]))
    assert response.status_code == 404


def test_recommend_by_a_unit_admin(client, county, make_user):
    program = open_program(county)
    person = builders.person_with_user(county.branch2)
    secretary = make_user("branch_secretary", county.branch2)
    client.force_login(secretary)
    assert [p.pk for p in client.get(CALLS).context["recommendable"]] == [program.pk]
    url = reverse("cadres:call_recommend", args=[program.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"person": person.pk, "reason": "业务骨干"})
    assert response.status_code == 302
    assert Application.objects.get(person=person).kind == ApplicationKind.RECOMMENDED


def test_recommend_refused_without_scope(client, county, make_user):
    program = open_program(county)
    client.force_login(make_user("branch_secretary", county.community))
    assert client.get(reverse("cadres:call_recommend", args=[program.pk])).status_code == 404
    member = builders.person_with_user(county.branch1)
    client.force_login(member.user)
    assert client.get(reverse("cadres:call_recommend", args=[program.pk])).status_code == 403


def test_calls_and_mine_cost_the_same_for_few_and_many(client, county):
    person = builders.person_with_user(county.branch1)
    client.force_login(person.user)
    program = open_program(county)
    Application.objects.create(
        program=program, person=person, kind=ApplicationKind.VOLUNTARY, statement="x"
    )
    few_calls, few_mine = queries_of(client, CALLS), queries_of(client, MINE)
    for _ in range(5):
        other = open_program(county)
        Application.objects.create(
            program=other, person=person, kind=ApplicationKind.VOLUNTARY, statement="x"
        )
    assert queries_of(client, CALLS) == few_calls
    assert queries_of(client, MINE) == few_mine


def test_pages_in_english(english_client, county, make_user):
    program = open_program(county)
    person = builders.person_with_user(county.branch1)
    english_client.force_login(person.user)
    for url in (CALLS, call(program), MINE):
        assert english_client.get(url).status_code == 200, url
    english_client.force_login(make_user("branch_secretary", county.branch2))
    assert (
        english_client.get(reverse("cadres:call_recommend", args=[program.pk])).status_code == 200
    )

"""A secondment's overview page: the three parties, the actions each viewer may take, the
timeline in order for everyone who may see it; "my secondments" by relation; the action forms
allowed and refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import EventAction, SecondmentStatus
from grassroots.cadres.services.transitions import record_event
from grassroots.cadres.tests import builders
from grassroots.core.testing import grant, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(county):
    return builders.officer(county)


def detail(pk):
    return reverse("cadres:secondment_detail", args=[pk])


def test_timeline_shows_the_events_in_order_to_each_party(client, county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    secondment = placed.secondment
    record_event(
        secondment=secondment,
        action=EventAction.APPROVED,
        actor=officer,
        from_status="matched",
        to_status="approved",
    )
    record_event(
        secondment=secondment, action=EventAction.MANAGERS_SET, actor=officer, comment="第一组"
    )
    record_event(secondment=secondment, action=EventAction.CONFIRMED, actor=officer)
    for user in (officer, placed.cadre_user, placed.host_user, placed.group_user):
        client.force_login(user)
        html = client.get(detail(secondment.pk)).content.decode()
        first, second, third = (
            html.index(t) for t in ("审批通过", "确定联系领导和小组", "公示期满无异议")
        )
        assert first < second < third
        assert "已匹配 → 已审批" in html and "第一组" in html


def test_actions_follow_the_viewer(client, county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    client.force_login(officer)
    html = client.get(detail(placed.secondment.pk)).content.decode()
    assert 'data-testid="action-place"' in html and 'data-testid="action-withdraw"' in html
    for user in (placed.cadre_user, placed.host_user, placed.group_user):
        client.force_login(user)
        html = client.get(detail(placed.secondment.pk)).content.decode()
        assert 'data-testid="secondment-actions"' not in html


def test_detail_hidden_from_a_member_and_an_officer_of_another_subtree(client, county):
    placed = builders.secondment(county)
    member = builders.person_with_user(county.branch1).user
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    for user in (member, elsewhere):
        client.force_login(user)
        assert client.get(detail(placed.secondment.pk)).status_code == 404
        assert (
            client.get(reverse("cadres:secondment_place", args=[placed.secondment.pk])).status_code
            == 404
        )


def test_action_forms_refused_to_the_parties(client, county):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    for user in (placed.cadre_user, placed.host_user):
        client.force_login(user)
        for name in ("secondment_place", "secondment_withdraw", "secondment_managers"):
            url = reverse(f"cadres:{name}", args=[placed.secondment.pk])
            assert client.get(url).status_code == 403
            assert client.post(url, {"reason": "x"}).status_code == 403


def test_place_form_places_and_shows_the_service_message(client, county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    url = reverse("cadres:secondment_place", args=[placed.secondment.pk])
    client.force_login(officer)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, {"placed_on": future})
    assert response.status_code == 200 and "到岗日期不能晚于今天" in response.content.decode()
    response = client.post(url, {"placed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.PLACED


def test_place_button_refused_for_a_matched_one(client, county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED)
    client.force_login(officer)
    url = reverse("cadres:secondment_place", args=[placed.secondment.pk])
    assert client.get(url).status_code == 403


def test_withdraw_and_managers_forms(client, county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.APPROVED)
    client.force_login(officer)
    url = reverse("cadres:secondment_managers", args=[placed.secondment.pk])
    leader = builders.person_with_user(county.community)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"host_leader": leader.pk, "group": placed.secondment.group_id})
    assert response.status_code == 302
    placed.secondment.refresh_from_db()
    assert placed.secondment.host_leader == leader
    url = reverse("cadres:secondment_withdraw", args=[placed.secondment.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "个人原因"}).status_code == 302
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.WITHDRAWN


def test_my_secondments_groups_by_relation(client, county):
    one = builders.secondment(county)
    other = builders.secondment(county, host=county.community)
    # The cadre of `one` also leads the group of `other`.
    other.secondment.group.leader = one.cadre
    other.secondment.group.save()
    client.force_login(one.cadre_user)
    html = client.get(reverse("cadres:my_secondments")).content.decode()
    assert 'data-testid="my-section-cadre"' in html
    assert 'data-testid="my-section-group_leader"' in html
    assert other.cadre.name in html
    client.force_login(one.host_user)
    html = client.get(reverse("cadres:my_secondments")).content.decode()
    assert 'data-testid="my-section-host_leader"' in html and one.cadre.name in html
    assert 'data-testid="my-section-cadre"' not in html
    stranger = builders.person_with_user(county.branch2).user
    client.force_login(stranger)
    html = client.get(reverse("cadres:my_secondments")).content.decode()
    assert "您目前没有挂职记录" in html


def test_my_secondments_costs_the_same_for_few_and_many(client, county):
    leader = builders.person_with_user(county.town)
    first = builders.secondment(county)
    first.secondment.host_leader = leader
    first.secondment.save()
    client.force_login(leader.user)
    url = reverse("cadres:my_secondments")
    few = queries_of(client, url)
    for _ in range(6):
        extra = builders.secondment(county, program_obj=first.secondment.program)
        extra.secondment.host_leader = leader
        extra.secondment.save()
    assert queries_of(client, url) == few


def test_detail_costs_the_same_for_a_short_and_a_long_timeline(client, county, officer):
    placed = builders.secondment(county)
    client.force_login(officer)
    url = detail(placed.secondment.pk)
    record_event(secondment=placed.secondment, action=EventAction.PLACED, actor=officer)
    few = queries_of(client, url)
    for _ in range(10):
        record_event(secondment=placed.secondment, action=EventAction.MANAGERS_SET, actor=officer)
    assert queries_of(client, url) == few


def test_pages_render_in_english(english_client, county, officer):
    placed = builders.secondment(county)
    english_client.force_login(officer)
    assert english_client.get(detail(placed.secondment.pk)).status_code == 200
    english_client.force_login(placed.cadre_user)
    assert english_client.get(reverse("cadres:my_secondments")).status_code == 200


def test_a_withdrawn_secondment_reads_withdrawn_in_english(english_client, county, officer):
    """已撤销 of a secondment is "Withdrawn", not the "Dissolved" of an organization."""
    placed = builders.secondment(county, status=SecondmentStatus.WITHDRAWN)
    record_event(
        secondment=placed.secondment,
        action=EventAction.WITHDRAWN,
        actor=officer,
        from_status="confirmed",
        to_status="withdrawn",
    )
    english_client.force_login(officer)
    html = english_client.get(detail(placed.secondment.pk)).content.decode()
    assert 'data-testid="secondment-stage">Withdrawn</dd>' in html
    assert '<span class="fw-semibold">Withdrawn</span>' in html  # the timeline's step
    assert "Dissolved" not in html

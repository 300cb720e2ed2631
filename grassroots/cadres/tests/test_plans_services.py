"""The work plan: the cadre saves and submits, the host leader approves or returns it; who may
not decide; an illegal move; the timeline and the notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.cadres.enums import EventAction, PlanStatus, SecondmentStatus
from grassroots.cadres.models import SecondmentEvent, WorkPlan
from grassroots.cadres.services import plans
from grassroots.cadres.tests import builders
from grassroots.notifications.models import Notification


@pytest.fixture
def placed(county):
    return builders.secondment(county)


def _submitted(placed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return plans.plan_submit(
            secondment=placed.secondment,
            goals="1. 推进乡村振兴项目",
            measures="每周走访",
            actor=placed.cadre_user,
        )


def _events(placed):
    return list(
        SecondmentEvent.objects.filter(secondment=placed.secondment).values_list(
            "action", flat=True
        )
    )


def test_cadre_saves_a_draft_then_submits(placed, django_capture_on_commit_callbacks):
    plan = plans.plan_save(
        secondment=placed.secondment, goals="目标", measures="", actor=placed.cadre_user
    )
    assert plan.status == PlanStatus.DRAFT
    assert _events(placed) == []
    plan = plans.plan_save(
        secondment=placed.secondment, goals="改后的目标", measures="措施", actor=placed.cadre_user
    )
    assert WorkPlan.objects.get(secondment=placed.secondment).goals == "改后的目标"
    with django_capture_on_commit_callbacks(execute=True):
        plan = plans.plan_submit(secondment=placed.secondment, actor=placed.cadre_user)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_at is not None
    assert _events(placed) == [EventAction.PLAN_SUBMITTED]
    note = Notification.objects.get(kind="cadres.plan_submitted")
    assert note.recipient == placed.host_user


def test_submit_without_goals_is_refused_and_nothing_saved(placed):
    with pytest.raises(ValidationError) as err:
        plans.plan_submit(
            secondment=placed.secondment, goals="  ", measures="", actor=placed.cadre_user
        )
    assert "goals" in err.value.message_dict
    assert not WorkPlan.objects.exists()


def test_submit_of_a_missing_plan_is_refused(placed):
    with pytest.raises(ValidationError):
        plans.plan_submit(secondment=placed.secondment, actor=placed.cadre_user)


def test_a_confirmed_cadre_may_submit_but_not_a_matched_one(county):
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    plan = plans.plan_submit(
        secondment=confirmed.secondment, goals="目标", actor=confirmed.cadre_user
    )
    assert plan.status == PlanStatus.SUBMITTED
    matched = builders.secondment(county, status=SecondmentStatus.MATCHED)
    with pytest.raises(ValidationError):
        plans.plan_save(
            secondment=matched.secondment, goals="目标", measures="", actor=matched.cadre_user
        )


def test_only_the_cadre_writes_the_plan(county, placed):
    for user in (placed.host_user, placed.group_user, builders.officer(county)):
        with pytest.raises(PermissionDenied):
            plans.plan_save(secondment=placed.secondment, goals="目标", measures="", actor=user)
    assert not WorkPlan.objects.exists()


def test_host_leader_approves(placed, django_capture_on_commit_callbacks):
    _submitted(placed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        plan = plans.plan_approve(
            secondment=placed.secondment, comment="同意", actor=placed.host_user
        )
    assert plan.status == PlanStatus.APPROVED
    assert plan.decided_by == placed.host_user
    assert _events(placed) == [EventAction.PLAN_SUBMITTED, EventAction.PLAN_APPROVED]
    note = Notification.objects.get(kind="cadres.plan_decided")
    assert note.recipient == placed.cadre_user
    with pytest.raises(ValidationError):  # approved: no longer editable
        plans.plan_save(
            secondment=placed.secondment, goals="再改", measures="", actor=placed.cadre_user
        )


def test_host_leader_returns_with_a_reason_and_the_cadre_resubmits(
    placed, django_capture_on_commit_callbacks
):
    _submitted(placed, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as err:
        plans.plan_return(secondment=placed.secondment, comment="", actor=placed.host_user)
    assert "comment" in err.value.message_dict
    plan = plans.plan_return(
        secondment=placed.secondment, comment="目标不够具体", actor=placed.host_user
    )
    assert plan.status == PlanStatus.RETURNED
    plans.plan_save(
        secondment=placed.secondment, goals="具体目标", measures="", actor=placed.cadre_user
    )
    assert WorkPlan.objects.get().status == PlanStatus.RETURNED
    plan = plans.plan_submit(secondment=placed.secondment, actor=placed.cadre_user)
    assert plan.status == PlanStatus.SUBMITTED
    plan = plans.plan_approve(secondment=placed.secondment, actor=placed.host_user)
    assert plan.status == PlanStatus.APPROVED
    assert _events(placed) == [
        EventAction.PLAN_SUBMITTED,
        EventAction.PLAN_RETURNED,
        EventAction.PLAN_SUBMITTED,
        EventAction.PLAN_APPROVED,
    ]


def test_who_may_not_decide(county, placed, django_capture_on_commit_callbacks):
    _submitted(placed, django_capture_on_commit_callbacks)
    colleague = builders.person_with_user(county.town).user  # same host unit
    other = builders.secondment(county, title="副镇长")  # another cadre's host leader
    officer = builders.officer(county)  # an officer, while a host leader is set
    for user in (
        colleague,
        other.host_user,
        placed.group_user,
        placed.cadre_user,
        officer,
    ):
        with pytest.raises(PermissionDenied):
            plans.plan_approve(secondment=placed.secondment, actor=user)
        with pytest.raises(PermissionDenied):
            plans.plan_return(secondment=placed.secondment, comment="不行", actor=user)
    assert WorkPlan.objects.get(secondment=placed.secondment).status == PlanStatus.SUBMITTED


def test_officer_decides_when_no_host_leader_is_set(county):
    placed = builders.secondment(county)
    placed.secondment.host_leader = None
    placed.secondment.save(update_fields=["host_leader"])
    plans.plan_submit(secondment=placed.secondment, goals="目标", actor=placed.cadre_user)
    viewer = builders.officer(county, role="committee_admin")  # may view, not approve
    with pytest.raises(PermissionDenied):
        plans.plan_approve(secondment=placed.secondment, actor=viewer)
    plan = plans.plan_approve(secondment=placed.secondment, actor=builders.officer(county))
    assert plan.status == PlanStatus.APPROVED


def test_illegal_moves_are_refused(placed, django_capture_on_commit_callbacks):
    plans.plan_save(
        secondment=placed.secondment, goals="目标", measures="", actor=placed.cadre_user
    )
    with pytest.raises(ValidationError) as err:  # approve a draft
        plans.plan_approve(secondment=placed.secondment, actor=placed.host_user)
    assert err.value.code == "illegal_transition"
    plans.plan_submit(secondment=placed.secondment, actor=placed.cadre_user)
    with pytest.raises(ValidationError):  # submit twice
        plans.plan_submit(secondment=placed.secondment, actor=placed.cadre_user)
    plans.plan_approve(secondment=placed.secondment, actor=placed.host_user)
    with pytest.raises(ValidationError):  # return an approved plan
        plans.plan_return(secondment=placed.secondment, comment="再议", actor=placed.host_user)
    assert WorkPlan.objects.get().status == PlanStatus.APPROVED


def test_declared_transitions():
    assert plans.PLAN_TRANSITIONS[(PlanStatus.SUBMITTED, PlanStatus.APPROVED)] == "decider"
    assert (PlanStatus.DRAFT, PlanStatus.APPROVED) not in plans.PLAN_TRANSITIONS

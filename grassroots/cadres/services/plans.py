"""The cadre's work plan (个人工作计划): written and submitted by the cadre, approved or returned
by the host leader, each step on the secondment's timeline.

Who decides: the host leader (接收单位联系领导) of the secondment. When no host leader is set,
an officer holding `cadres.approve_program` on the program decides instead, so that a plan is
never stuck; once a host leader is set, officers only see the plan. The group leader, colleagues
and other cadres' host leaders never decide.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited

from ..enums import EventAction, PlanStatus, SecondmentStatus
from ..models import Secondment, WorkPlan
from ..selectors.access import CADRE, HOST_LEADER, Relation, relation
from .transitions import record_event

GOALS_MAX = 10_000
MEASURES_MAX = 10_000
COMMENT_MAX = 2_000

CADRE_SIDE = "cadre"
DECIDER_SIDE = "decider"

# (from, to) -> who makes the move: the cadre, or the decider (the host leader; see above).
PLAN_TRANSITIONS = {
    (PlanStatus.DRAFT, PlanStatus.SUBMITTED): CADRE_SIDE,
    (PlanStatus.RETURNED, PlanStatus.SUBMITTED): CADRE_SIDE,
    (PlanStatus.SUBMITTED, PlanStatus.APPROVED): DECIDER_SIDE,
    (PlanStatus.SUBMITTED, PlanStatus.RETURNED): DECIDER_SIDE,
}
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
# A cadre writes the plan once confirmed (before leaving) or while on the post.
PLAN_STAGES = (SecondmentStatus.CONFIRMED, SecondmentStatus.PLACED)


def may_decide(rel: Relation, secondment: Secondment) -> bool:
    """The host leader decides; an approving officer only when the secondment has none; never
    the cadre on their own plan or reports."""
    if CADRE in rel:
        return False
    if HOST_LEADER in rel:
        return True
    return secondment.host_leader_id is None and rel.can_approve


def secondment_url(secondment: Secondment) -> str:
    return reverse("cadres:secondment_work", args=[secondment.pk])


def _locked(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization", "group", "person", "host_leader")
        .get(pk=secondment.pk)
    )


def _check_stage(secondment: Secondment) -> None:
    if secondment.status not in PLAN_STAGES:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能办理工作计划。")
            % {"status": secondment.get_status_display()},
            code="stage",
        )


def _check_move(plan: WorkPlan, to: str, side: str) -> None:
    if PLAN_TRANSITIONS.get((plan.status, to)) != side:
        raise ValidationError(
            _("工作计划当前状态为“%(current)s”，不能变为“%(target)s”。")
            % {"current": PlanStatus(plan.status).label, "target": PlanStatus(to).label},
            code="illegal_transition",
        )


def _clean(goals: str, measures: str) -> tuple[str, str]:
    goals, measures = (goals or "").strip(), (measures or "").strip()
    errors: dict[str, list[str]] = {}
    if not goals:
        errors["goals"] = [_("请填写工作目标。")]
    elif len(goals) > GOALS_MAX:
        errors["goals"] = [_("工作目标不能超过 %(n)d 字。") % {"n": GOALS_MAX}]
    if len(measures) > MEASURES_MAX:
        errors["measures"] = [_("主要措施不能超过 %(n)d 字。") % {"n": MEASURES_MAX}]
    if errors:
        raise ValidationError(errors)
    return goals, measures


def _notify(user, *, kind: str, title: str, body: str, url: str) -> None:
    if user is None:
        return
    from grassroots.notifications.services import notify

    transaction.on_commit(
        lambda: notify(recipients=[user], kind=kind, title=title, body=body, url=url)
    )


def _user_of(person):
    return getattr(person, "user", None) if person is not None else None


@audited
@transaction.atomic
def plan_save(*, secondment: Secondment, goals: str, measures: str, actor) -> WorkPlan:
    """Save the cadre's plan as it is (a draft, or a returned plan being revised)."""
    locked = _locked(secondment)
    if CADRE not in relation(actor, locked):
        raise PermissionDenied
    _check_stage(locked)
    goals, measures = _clean(goals, measures)
    plan = WorkPlan.objects.filter(secondment=locked).first()
    if plan is None:
        return WorkPlan.objects.create(secondment=locked, goals=goals, measures=measures)
    if plan.status not in EDITABLE:
        raise ValidationError(
            _("工作计划当前状态为“%(status)s”，不能修改。") % {"status": plan.get_status_display()},
            code="not_editable",
        )
    plan.goals, plan.measures = goals, measures
    plan.save(update_fields=["goals", "measures", "updated_at"])
    return plan


@audited
@transaction.atomic
def plan_submit(
    *, secondment: Secondment, actor, goals: str | None = None, measures: str | None = None
) -> WorkPlan:
    """Submit the plan to the host leader (saving `goals` and `measures` first when given)."""
    if goals is not None:
        plan = plan_save(secondment=secondment, goals=goals, measures=measures or "", actor=actor)
    locked = _locked(secondment)
    if CADRE not in relation(actor, locked):
        raise PermissionDenied
    _check_stage(locked)
    plan = WorkPlan.objects.select_for_update().filter(secondment=locked).first()
    if plan is None:
        raise ValidationError(_("请先填写工作计划。"), code="no_plan")
    _clean(plan.goals, plan.measures)
    _check_move(plan, PlanStatus.SUBMITTED, CADRE_SIDE)
    before = plan.status
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(
        secondment=locked,
        action=EventAction.PLAN_SUBMITTED,
        actor=actor,
        from_status=before,
        to_status=plan.status,
    )
    _notify(
        _user_of(locked.host_leader),
        kind="cadres.plan_submitted",
        title=_("%(name)s 提交了挂职工作计划，请审核") % {"name": locked.person.name},
        body=plan.goals[:200],
        url=secondment_url(locked),
    )
    return plan


@audited
@transaction.atomic
def plan_decide(*, secondment: Secondment, approve: bool, comment: str = "", actor) -> WorkPlan:
    """The host leader approves the submitted plan, or returns it with a comment."""
    locked = _locked(secondment)
    if not may_decide(relation(actor, locked), locked):
        raise PermissionDenied
    _check_stage(locked)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": [_("审核意见不能超过 %(n)d 字。") % {"n": COMMENT_MAX}]})
    if not approve and not comment:
        raise ValidationError({"comment": [_("退回工作计划时请写明退回理由。")]})
    plan = WorkPlan.objects.select_for_update().filter(secondment=locked).first()
    if plan is None:
        raise ValidationError(_("挂职干部尚未填写工作计划。"), code="no_plan")
    to = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    _check_move(plan, to, DECIDER_SIDE)
    before = plan.status
    plan.status = to
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.comment = comment
    plan.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    record_event(
        secondment=locked,
        action=EventAction.PLAN_APPROVED if approve else EventAction.PLAN_RETURNED,
        actor=actor,
        comment=comment,
        from_status=before,
        to_status=to,
    )
    title = (
        _("您的挂职工作计划已获同意") if approve else _("您的挂职工作计划被退回，请修改后重新提交")
    )
    _notify(
        _user_of(locked.person),
        kind="cadres.plan_decided",
        title=title,
        body=comment,
        url=secondment_url(locked),
    )
    return plan


def plan_approve(*, secondment: Secondment, comment: str = "", actor) -> WorkPlan:
    return plan_decide(secondment=secondment, approve=True, comment=comment, actor=actor)


def plan_return(*, secondment: Secondment, comment: str, actor) -> WorkPlan:
    return plan_decide(secondment=secondment, approve=False, comment=comment, actor=actor)

"""Placement (派出到岗) under three-party management, and the end of the term.

Before a confirmed cadre is placed, the organizing body names the host leader (接收单位联系领导,
a person of the host unit) and the cadre's group (挂职干部小组, with its leader), and the cadre
must have attended every required pre-dispatch training (岗前培训, a study session). Placing
makes the term's report schedule and tells the three parties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.orgs.models import Person

from ..enums import EventAction, SecondmentStatus
from ..models import CadreGroup, ProgramTraining, Report, Secondment
from .transitions import check_move, record_event, secondment_move

MANAGE = "cadres.manage_program"
# Managers may be named (or changed) from approval to the end of the term.
MANAGERS_OPEN = (
    SecondmentStatus.MATCHED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.PUBLICITY,
    SecondmentStatus.CONFIRMED,
    SecondmentStatus.PLACED,
)


def _secondment_url(secondment) -> str:
    return reverse("cadres:secondment_detail", args=[secondment.pk])


def _notify(users, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    from grassroots.notifications.services import notify

    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(
            lambda: notify(recipients=users, kind=kind, title=title, body=body, url=url)
        )


def _locked(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization", "post__host", "person", "host_leader", "group")
        .get(pk=secondment.pk)
    )


def host_leader_choices(secondment: Secondment):
    """People of the host unit's subtree who may lead the cadre there."""
    from grassroots.orgs.enums import PersonStatus
    from grassroots.orgs.selectors import org_subtree_q

    return (
        Person.objects.filter(org_subtree_q("primary_org__path", secondment.post.host))
        .filter(status=PersonStatus.ACTIVE)
        .select_related("primary_org")
        .order_by("name_pinyin", "pk")
    )


@transaction.atomic
def secondment_set_managers(
    *, secondment: Secondment, host_leader: Person | None, group: CadreGroup | None, actor
) -> Secondment:
    """确定联系领导和小组: name the host leader and the group of one cadre."""
    locked = _locked(secondment)
    if not permissions.covers(actor, MANAGE, locked.program.organization.path):
        raise PermissionDenied
    if locked.status not in MANAGERS_OPEN:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能再设置联系领导和小组。")
            % {"status": locked.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    if host_leader is None:
        errors["host_leader"] = [_("请选择接收单位联系领导。")]
    elif not host_leader_choices(locked).filter(pk=host_leader.pk).exists():
        errors["host_leader"] = [_("联系领导必须是接收单位（含下级）的在册人员。")]
    elif host_leader.pk == locked.person_id:
        errors["host_leader"] = [_("联系领导不能是挂职干部本人。")]
    if group is None:
        errors["group"] = [_("请选择所在小组。")]
    elif group.program_id != locked.program_id:
        errors["group"] = [_("所选小组不属于本批次。")]
    if errors:
        raise ValidationError(errors)
    if locked.host_leader_id == host_leader.pk and locked.group_id == group.pk:
        return locked
    locked.host_leader = host_leader
    locked.group = group
    locked.save(update_fields=["host_leader", "group", "updated_at"])
    record_event(
        secondment=locked,
        action=EventAction.MANAGERS_SET,
        actor=actor,
        comment=_("联系领导：%(leader)s；小组：%(group)s（组长 %(group_leader)s）")
        % {"leader": host_leader.name, "group": group.name, "group_leader": group.leader.name},
    )
    return locked


# --- Readiness ------------------------------------------------------------------------------


def missed_trainings(secondments) -> dict[int, list]:
    """{secondment id: [required training sessions the cadre did not attend]} in two queries,
    for secondments of any programs."""
    from grassroots.study.enums import AttendanceStatus
    from grassroots.study.models import Attendance

    secondments = list(secondments)
    if not secondments:
        return {}
    program_ids = {s.program_id for s in secondments}
    trainings = list(
        ProgramTraining.objects.filter(program_id__in=program_ids, required=True)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    if not trainings:
        return {s.pk: [] for s in secondments}
    present = set(
        Attendance.objects.filter(
            session_id__in={t.session_id for t in trainings},
            person_id__in={s.person_id for s in secondments},
            status=AttendanceStatus.PRESENT,
        ).values_list("person_id", "session_id")
    )
    return {
        s.pk: [
            t.session
            for t in trainings
            if t.program_id == s.program_id and (s.person_id, t.session_id) not in present
        ]
        for s in secondments
    }


def placement_problems(secondment: Secondment, missed: list | None = None) -> list[str]:
    """Why the cadre cannot be placed yet (empty: ready)."""
    problems = []
    if not secondment.host_leader_id:
        problems.append(_("尚未确定接收单位联系领导。"))
    if not secondment.group_id:
        problems.append(_("尚未确定所在小组。"))
    if missed is None:
        missed = missed_trainings([secondment]).get(secondment.pk, [])
    for session in missed:
        problems.append(_("未参加岗前培训“%(title)s”。") % {"title": session.title})
    return problems


def _check_placed_on(secondment: Secondment, placed_on: date | None) -> date:
    if placed_on is None:
        raise ValidationError({"placed_on": [_("请填写到岗日期。")]})
    if placed_on > timezone.localdate():
        raise ValidationError({"placed_on": [_("到岗日期不能晚于今天。")]})
    if placed_on >= secondment.ends_on:
        raise ValidationError({"placed_on": [_("到岗日期必须早于挂职结束日期。")]})
    return placed_on


def _place(secondment: Secondment, placed_on: date | None, actor, missed=None) -> Secondment:
    locked = _locked(secondment)
    check_move(locked, SecondmentStatus.PLACED, actor)
    placed_on = _check_placed_on(locked, placed_on)
    problems = placement_problems(locked, missed)
    if problems:
        raise ValidationError(" ".join(problems), code="not_ready")
    placed = secondment_move(
        secondment=locked,
        to=SecondmentStatus.PLACED,
        actor=actor,
        action=EventAction.PLACED,
        comment=_("到岗日期 %(date)s") % {"date": placed_on.isoformat()},
        extra_fields={"placed_on": placed_on},
    )
    from .reports import reports_schedule

    reports_schedule(secondment=placed)
    group_leader = locked.group.leader
    _notify(
        [
            getattr(locked.person, "user", None),
            getattr(locked.host_leader, "user", None),
            getattr(group_leader, "user", None),
        ],
        kind="cadres.placed",
        title=_("挂职干部到岗：%(name)s") % {"name": locked.person.name},
        body=_(
            "%(name)s 已于 %(date)s 到%(host)s挂任%(post)s，联系领导 %(leader)s，所在小组 %(group)s。"
        )
        % {
            "name": locked.person.name,
            "date": placed_on.isoformat(),
            "host": locked.post.host.name,
            "post": locked.post.title,
            "leader": locked.host_leader.name,
            "group": locked.group.name,
        },
        url=_secondment_url(locked),
    )
    return placed


@transaction.atomic
def secondment_place(*, secondment: Secondment, placed_on: date, actor) -> Secondment:
    """到岗: a confirmed cadre with a host leader, a group and every required training attended
    takes up the post; the report schedule of the term is made."""
    return _place(secondment, placed_on, actor)


@dataclass
class BulkPlacement:
    placed: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (secondment, message)


@transaction.atomic
def program_place_all(*, program, placed_on: date, actor) -> BulkPlacement:
    """Place every confirmed cadre of the program who is ready, in one transaction; the others
    are listed with the reason. Refused as a whole without the permission."""
    if not permissions.covers(actor, MANAGE, program.organization.path):
        raise PermissionDenied
    confirmed = list(
        program.secondments.filter(status=SecondmentStatus.CONFIRMED)
        .select_related("person")
        .order_by("pk")
    )
    missed = missed_trainings(confirmed)
    outcome = BulkPlacement()
    for secondment in confirmed:
        try:
            with transaction.atomic():
                outcome.placed.append(
                    _place(secondment, placed_on, actor, missed.get(secondment.pk, []))
                )
        except ValidationError as exc:
            outcome.refused.append((secondment, " ".join(exc.messages)))
    return outcome


@transaction.atomic
def secondment_complete(*, secondment: Secondment, actor, comment: str = "") -> Secondment:
    """挂职期满: the term is over, or the officer ends it early with the reason; reports of the
    months after an early end are dropped (never due)."""
    locked = _locked(secondment)
    check_move(locked, SecondmentStatus.COMPLETED, actor)
    comment = (comment or "").strip()
    today = timezone.localdate()
    extra = {}
    if today < locked.ends_on:
        if not comment:
            raise ValidationError({"comment": [_("挂职期未满，提前结束须说明原因。")]})
        if today > locked.starts_on:
            extra["ends_on"] = today
        Report.objects.filter(
            secondment=locked, submitted_at__isnull=True, period_start__gt=today
        ).delete()
    done = secondment_move(
        secondment=locked,
        to=SecondmentStatus.COMPLETED,
        actor=actor,
        action=EventAction.COMPLETED,
        comment=comment,
        extra_fields=extra,
    )
    _notify(
        [getattr(locked.person, "user", None)],
        kind="cadres.completed",
        title=_("挂职期满：%(title)s") % {"title": locked.program.title},
        body=_("请及时提交挂职总结。"),
        url=_secondment_url(locked),
    )
    return done

"""Approval and publicity (审批与公示) of a program's list of cadres: the organizing body approves
the matched list, which goes public for a window; anyone may object without an account and
follow the answer by a code; the list is final once the window is over and every objection is
answered.

One flow: `program_approve` approves the whole matched list at once and opens the publicity
window (each secondment MATCHED → APPROVED → PUBLICITY, each move logged); a cadre who should
not be on the list is withdrawn before (or during) publicity with `secondment_withdraw`.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core import permissions
from grassroots.core.calendar import add_working_days

from ..enums import (
    PROGRAM_TRANSITIONS,
    ApplicationStatus,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from ..models import Application, Objection, Program, Secondment
from .transitions import record_event, secondment_move

# The default length of the publicity window, in working days.
PUBLICITY_WORKING_DAYS = 5
CONTENT_MAX = 2000
# An unambiguous alphabet for follow-up codes read over the phone (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# Statuses a cadre may be withdrawn from by this module, and the event's label.
WITHDRAWABLE = (
    SecondmentStatus.MATCHED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.PUBLICITY,
    SecondmentStatus.CONFIRMED,
)


def default_publicity_window(start: date | None = None) -> tuple[date, date]:
    """From today (or `start`) for PUBLICITY_WORKING_DAYS working days, start included."""
    start = start or timezone.localdate()
    return start, add_working_days(start, PUBLICITY_WORKING_DAYS - 1)


def _locked_program(program: Program) -> Program:
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )


def check_program_move(program: Program, to: str, actor) -> None:
    """The move is declared and the actor holds its codename on the organizing body."""
    codename = PROGRAM_TRANSITIONS.get((program.status, to))
    if codename is None:
        raise ValidationError(
            _("批次当前状态为“%(current)s”，不能变为“%(target)s”。")
            % {
                "current": ProgramStatus(program.status).label,
                "target": ProgramStatus(to).label,
            },
            code="illegal_transition",
        )
    if not permissions.covers(actor, codename, program.organization.path):
        raise PermissionDenied


def _program_status(program: Program, to: str) -> None:
    program.status = to
    program.save(update_fields=["status", "updated_at"])


def _secondment_url(secondment) -> str:
    return reverse("cadres:secondment_detail", args=[secondment.pk])


def _notify(users, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    from grassroots.notifications.services import notify

    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(
            lambda: notify(recipients=users, kind=kind, title=title, body=body, url=url)
        )


@transaction.atomic
def program_approve(
    *,
    program: Program,
    actor,
    comment: str = "",
    publicity_starts_on: date | None = None,
    publicity_ends_on: date | None = None,
) -> Program:
    """审批: approve the program's matched list and open the publicity window.

    Every MATCHED secondment is approved and goes public (two logged moves each); the
    applications left unassigned are not selected. Refused without any matched cadre."""
    program = _locked_program(program)
    check_program_move(program, ProgramStatus.PUBLICITY, actor)
    default_start, default_end = default_publicity_window()
    starts_on = publicity_starts_on or default_start
    ends_on = publicity_ends_on or (
        add_working_days(starts_on, PUBLICITY_WORKING_DAYS - 1)
        if publicity_starts_on
        else default_end
    )
    if ends_on < starts_on:
        raise ValidationError({"publicity_ends_on": [_("公示结束日期不能早于开始日期。")]})
    if starts_on < timezone.localdate():
        raise ValidationError({"publicity_starts_on": [_("公示开始日期不能早于今天。")]})
    matched = list(
        program.secondments.filter(status=SecondmentStatus.MATCHED)
        .select_related("person__user")
        .order_by("pk")
    )
    if not matched:
        raise ValidationError(_("该批次还没有已匹配岗位的人选，不能审批。"))
    comment = (comment or "").strip()
    for secondment in matched:
        secondment_move(
            secondment=secondment,
            to=SecondmentStatus.APPROVED,
            actor=actor,
            comment=comment,
            action=EventAction.APPROVED,
        )
        secondment_move(
            secondment=secondment,
            to=SecondmentStatus.PUBLICITY,
            actor=actor,
            comment=_("公示期 %(start)s 至 %(end)s")
            % {"start": starts_on.isoformat(), "end": ends_on.isoformat()},
            action=EventAction.PUBLICITY,
        )
    Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED).update(
        status=ApplicationStatus.NOT_SELECTED, updated_at=timezone.now()
    )
    program.publicity_starts_on = starts_on
    program.publicity_ends_on = ends_on
    program.status = ProgramStatus.PUBLICITY
    program.save(update_fields=["status", "publicity_starts_on", "publicity_ends_on", "updated_at"])
    _notify(
        [getattr(s.person, "user", None) for s in matched],
        kind="cadres.publicity",
        title=_("挂职人选公示：%(title)s") % {"title": program.title},
        body=_("您已列入挂职人选名单，公示期 %(start)s 至 %(end)s。")
        % {"start": starts_on.isoformat(), "end": ends_on.isoformat()},
    )
    return program


@transaction.atomic
def secondment_withdraw(*, secondment: Secondment, actor, reason: str) -> Secondment:
    """撤销: take a cadre off the list before placement, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因。")]})
    secondment = secondment_move(
        secondment=secondment,
        to=SecondmentStatus.WITHDRAWN,
        actor=actor,
        comment=reason,
        action=EventAction.WITHDRAWN,
    )
    person = secondment.person
    _notify(
        [getattr(person, "user", None)],
        kind="cadres.withdrawn",
        title=_("挂职人选已撤销：%(title)s") % {"title": secondment.program.title},
        body=_("撤销原因：%(reason)s") % {"reason": reason},
        url=_secondment_url(secondment),
    )
    return secondment


# --- Objections (公示异议) ------------------------------------------------------------------------


def publicity_open(program: Program, today: date | None = None) -> bool:
    """Does the program take objections now (publicity, within its window, last day included)?"""
    today = today or timezone.localdate()
    return (
        program.status == ProgramStatus.PUBLICITY
        and program.publicity_starts_on is not None
        and program.publicity_ends_on is not None
        and program.publicity_starts_on <= today <= program.publicity_ends_on
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def objection_submit(
    *,
    program: Program,
    content: str,
    contact_name: str = "",
    contact_phone: str = "",
    secondment: Secondment | None = None,
) -> Objection:
    """Anyone (no account) objects during the window; the answer is followed by the code."""
    content = (content or "").strip()
    errors: dict[str, list[str]] = {}
    if not content:
        errors["content"] = [_("请填写异议内容。")]
    elif len(content) > CONTENT_MAX:
        errors["content"] = [_("异议内容不能超过 2000 字。")]
    if errors:
        raise ValidationError(errors)
    # Locked, so the list cannot be confirmed while an objection is being saved.
    program = _locked_program(program)
    if not publicity_open(program):
        raise ValidationError(_("不在公示期内，不能提出异议。"))
    if (
        secondment is not None
        and not program.secondments.filter(
            pk=secondment.pk, status=SecondmentStatus.PUBLICITY
        ).exists()
    ):
        raise ValidationError({"secondment": [_("所选人员不在本次公示名单中。")]})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Objection.objects.create(
                    program=program,
                    secondment=secondment,
                    content=content,
                    contact_name=(contact_name or "").strip()[:40],
                    contact_phone=(contact_phone or "").strip()[:20],
                    code=_new_code(),
                )
        except IntegrityError:  # the code was taken: draw again
            continue
    raise ValidationError(_("提交失败，请稍后再试。"))


@transaction.atomic
def objection_answer(
    *,
    objection: Objection,
    actor,
    answer: str,
    upheld: bool,
    secondment: Secondment | None = None,
) -> Objection:
    """答复异议: the officer answers; an objection upheld against a cadre withdraws them with
    the objection as the comment."""
    locked = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("program__organization", "secondment")
        .get(pk=objection.pk)
    )
    program = locked.program
    if not permissions.covers(actor, "cadres.approve_program", program.organization.path):
        raise PermissionDenied
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("请填写答复内容。")]})
    if locked.answered_at is not None:
        raise ValidationError(_("该异议已经答复。"))
    if program.status != ProgramStatus.PUBLICITY:
        raise ValidationError(_("批次已不在公示阶段，不能答复异议。"))
    target = secondment or locked.secondment
    if target is not None and target.program_id != program.pk:
        raise ValidationError({"secondment": [_("所选人员不在本次公示名单中。")]})
    if (
        upheld
        and target is not None
        and not program.secondments.filter(pk=target.pk, status=SecondmentStatus.PUBLICITY).exists()
    ):
        raise ValidationError({"secondment": [_("所选人员已不在公示名单中。")]})
    locked.secondment = target
    locked.answer = answer
    locked.upheld = bool(upheld)
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["secondment", "answer", "upheld", "answered_by", "answered_at"])
    if target is not None:
        record_event(
            secondment=target,
            action=EventAction.OBJECTION_ANSWERED,
            actor=actor,
            comment=(_("异议成立：%(answer)s") if upheld else _("异议不成立：%(answer)s"))
            % {"answer": answer},
        )
        if upheld:
            secondment_withdraw(
                secondment=target,
                actor=actor,
                reason=_("公示异议成立：%(content)s") % {"content": locked.content},
            )
    return locked


@transaction.atomic
def program_confirm(*, program: Program, actor) -> Program:
    """公示期满: the list is final; every cadre still on it is confirmed for dispatch."""
    program = _locked_program(program)
    check_program_move(program, ProgramStatus.RUNNING, actor)
    today = timezone.localdate()
    if program.publicity_ends_on is None or today <= program.publicity_ends_on:
        raise ValidationError(
            _("公示期至 %(end)s 结束，期满后才能确认名单。")
            % {"end": program.publicity_ends_on.isoformat() if program.publicity_ends_on else "—"}
        )
    unanswered = program.objections.filter(answered_at__isnull=True).count()
    if unanswered:
        raise ValidationError(
            ngettext("还有 %(n)d 条异议未答复。", "还有 %(n)d 条异议未答复。", unanswered)
            % {"n": unanswered}
        )
    listed = list(
        program.secondments.filter(status=SecondmentStatus.PUBLICITY)
        .select_related("person__user")
        .order_by("pk")
    )
    for secondment in listed:
        secondment_move(
            secondment=secondment,
            to=SecondmentStatus.CONFIRMED,
            actor=actor,
            action=EventAction.CONFIRMED,
        )
    _program_status(program, ProgramStatus.RUNNING)
    _notify(
        [getattr(s.person, "user", None) for s in listed],
        kind="cadres.confirmed",
        title=_("挂职人选公示期满：%(title)s") % {"title": program.title},
        body=_("公示期满，您的挂职人选资格已确认，请按通知参加岗前培训并到岗。"),
    )
    return program

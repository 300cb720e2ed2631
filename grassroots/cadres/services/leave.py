"""Leave (请销假) of a seconded cadre: the request, its approval level by level, withdrawal and
the return (销假); and the approval rules of a program, which are data (LeaveRule).

The levels a request goes through are fixed when it is submitted, from the rules then in force:
the program's own rules when it has any, else the default ones. Each level is one approver
relative to the cadre: the host leader, the group leader, or the organizing body (anyone holding
cadres.approve_program over the program's organization). Each approver is told in turn; the
cadre only hears the outcome.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core import calendar, permissions
from grassroots.core.audit import audited
from grassroots.core.images import check_image
from grassroots.core.uploads import DOCUMENT_KINDS, IMAGE_KINDS, check_file

from ..enums import (
    LEAVE_TRANSITIONS,
    Approver,
    EventAction,
    LeaveKind,
    LeaveStatus,
    SecondmentStatus,
)
from ..models import LeaveRequest, LeaveRule, LeaveStep, Program, Secondment
from ..selectors.access import APPROVE, MANAGE
from ..selectors.leave import MAX_LEVEL
from .transitions import record_event

# A secondment may ask for leave once it is confirmed (about to leave) and while placed.
LEAVE_OPEN = (SecondmentStatus.CONFIRMED, SecondmentStatus.PLACED)

REASON_MAX = 2000
COMMENT_MAX = 500
NOTIFY_KIND = "cadres.leave"


# --- Rules -------------------------------------------------------------------------------------


def rules_in_force(program_id: int | None) -> tuple[list[LeaveRule], bool]:
    """The rules that decide a request of the program, and whether they are the program's own
    (else the defaults). One query."""
    rows = list(
        LeaveRule.objects.filter(Q(program_id=program_id) | Q(program__isnull=True)).order_by(
            "level", "id"
        )
    )
    own = [rule for rule in rows if rule.program_id is not None]
    return (own, True) if own else ([r for r in rows if r.program_id is None], False)


def levels_from_rules(rules: list[LeaveRule], days: int, rank: str) -> list[str]:
    """The approvers, in order, of a request of `days` working days by a cadre of `rank`.

    For each level the rule for the cadre's rank, when there is one, replaces the general rule
    of that level (also when it asks for more days: a rank may be given a laxer level); the
    level applies when the request is longer than its `above_days`. A request always has one
    level at least: the host leader, when no rule applies."""
    chosen: dict[int, LeaveRule] = {}
    for rule in rules:
        if rule.rank and rule.rank != rank:
            continue
        current = chosen.get(rule.level)
        if current is None or (rule.rank and not current.rank):
            chosen[rule.level] = rule
    levels = [chosen[level].approver for level in sorted(chosen) if days > chosen[level].above_days]
    return levels or [Approver.HOST_LEADER.value]


def levels_for(secondment: Secondment, days: int) -> list[str]:
    """The approvers of a request of `days` working days on this secondment, by the rules in
    force (the program's, else the defaults) and the cadre's rank."""
    rules, _own = rules_in_force(secondment.program_id)
    return levels_from_rules(rules, days, secondment.person.rank or "")


def _resolve_levels(secondment: Secondment, levels: list[str]) -> list[str]:
    """The levels with someone to decide them: a host leader or group leader not yet named (or
    who is the cadre themselves: a group leader is often one of the cadres) is replaced by the
    organizing body, and two organizer levels in a row become one."""
    resolved: list[str] = []
    for approver in levels:
        person_id = _approver_person_id(secondment, approver)
        if approver != Approver.ORGANIZER and (
            person_id is None or person_id == secondment.person_id
        ):
            approver = Approver.ORGANIZER.value
        if resolved and resolved[-1] == approver == Approver.ORGANIZER:
            continue
        resolved.append(str(approver))
    return resolved


def _approver_person_id(secondment: Secondment, approver: str) -> int | None:
    if approver == Approver.HOST_LEADER:
        return secondment.host_leader_id
    if approver == Approver.GROUP_LEADER:
        return secondment.group.leader_id if secondment.group_id else None
    return None


def may_manage_rules(user, program: Program) -> bool:
    return permissions.covers(user, MANAGE, program.organization.path)


def _require_rules_manager(actor, program: Program) -> None:
    if not may_manage_rules(actor, program):
        raise PermissionDenied


def _clean_rule(program: Program, level, approver, above_days, rank, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= MAX_LEVEL:
        errors["level"] = [_("审批顺序应为 1 到 %(n)d。") % {"n": MAX_LEVEL}]
    if approver not in Approver.values:
        errors["approver"] = [_("请选择审批人。")]
    try:
        above_days = int(above_days)
    except (TypeError, ValueError):
        above_days = -1
    if not 0 <= above_days <= 365:
        errors["above_days"] = [_("天数应为 0 到 365。")]
    from grassroots.orgs.enums import Rank

    rank = rank or ""
    if rank and rank not in Rank.values:
        errors["rank"] = [_("请选择职级。")]
    if not errors:
        same = LeaveRule.objects.filter(program=program, level=level, rank=rank)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["level"] = [_("这一审批顺序已有适用于该职级的规则，请修改原规则。")]
    if errors:
        raise ValidationError(errors)
    return {"level": level, "approver": approver, "above_days": above_days, "rank": rank}


def _lock_program(program: Program) -> Program:
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )


@audited
@transaction.atomic
def leave_rule_create(
    *, program: Program, level: int, approver: str, above_days: int, rank: str = "", actor
) -> LeaveRule:
    """Add a rule of the program's own (from then on the defaults no longer apply to it)."""
    _require_rules_manager(actor, program)
    program = _lock_program(program)  # two officers adding the same level at once: one wins
    values = _clean_rule(program, level, approver, above_days, rank)
    try:
        with transaction.atomic():
            return LeaveRule.objects.create(program=program, **values)
    except IntegrityError:
        raise ValidationError(
            {"level": [_("这一审批顺序已有适用于该职级的规则，请修改原规则。")]}
        ) from None


def _own_rule(rule: LeaveRule) -> LeaveRule:
    if rule.program_id is None:
        raise PermissionDenied  # the defaults belong to the system admin
    return rule


@audited
@transaction.atomic
def leave_rule_update(
    *, rule: LeaveRule, level: int, approver: str, above_days: int, rank: str = "", actor
) -> LeaveRule:
    _own_rule(rule)
    program = Program.objects.select_related("organization").get(pk=rule.program_id)
    _require_rules_manager(actor, program)
    program = _lock_program(program)
    rule = LeaveRule.objects.select_for_update().get(pk=rule.pk)
    values = _clean_rule(program, level, approver, above_days, rank, exclude_pk=rule.pk)
    for name, value in values.items():
        setattr(rule, name, value)
    try:
        with transaction.atomic():
            rule.save(update_fields=list(values))
    except IntegrityError:
        raise ValidationError(
            {"level": [_("这一审批顺序已有适用于该职级的规则，请修改原规则。")]}
        ) from None
    return rule


@audited
@transaction.atomic
def leave_rule_delete(*, rule: LeaveRule, actor) -> None:
    """Delete a rule of the program; with the last one gone the program uses the defaults."""
    _own_rule(rule)
    program = Program.objects.select_related("organization").get(pk=rule.program_id)
    _require_rules_manager(actor, program)
    LeaveRule.objects.filter(pk=rule.pk).delete()


@audited
@transaction.atomic
def leave_rules_copy_defaults(*, program: Program, actor) -> list[LeaveRule]:
    """Start the program's own rules from a copy of the defaults (only when it has none)."""
    _require_rules_manager(actor, program)
    program = _lock_program(program)
    if LeaveRule.objects.filter(program=program).exists():
        raise ValidationError(_("本批次已有自己的审批规则。"))
    defaults = LeaveRule.objects.filter(program__isnull=True).order_by("level", "id")
    return LeaveRule.objects.bulk_create(
        LeaveRule(
            program=program,
            level=rule.level,
            approver=rule.approver,
            above_days=rule.above_days,
            rank=rule.rank,
        )
        for rule in defaults
    )


@audited
@transaction.atomic
def leave_rules_reset(*, program: Program, actor) -> int:
    """Delete every rule of the program's own: it uses the defaults again. The number deleted."""
    _require_rules_manager(actor, program)
    program = _lock_program(program)
    deleted, _by_model = LeaveRule.objects.filter(program=program).delete()
    return deleted


# --- Who approves ------------------------------------------------------------------------------


def is_approver(user, secondment: Secondment, approver: str) -> bool:
    """Is `user` the approver `approver` of this secondment now? Nobody approves their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    person_id = getattr(user, "person_id", None)
    if person_id is not None and person_id == secondment.person_id:
        return False
    if approver == Approver.ORGANIZER:
        return permissions.covers(user, APPROVE, secondment.program.organization.path)
    wanted = _approver_person_id(secondment, approver)
    return wanted is not None and wanted == person_id


def approver_users(secondment: Secondment, approver: str) -> list:
    """The accounts to tell that it is their turn: the host or group leader's account, or the
    nearest officers holding cadres.approve_program on the program's organization or above
    (two queries)."""
    if approver == Approver.ORGANIZER:
        from grassroots.accounts.selectors import holders_by_path, nearest_holders
        from grassroots.orgs.selectors import path_chain

        path = secondment.program.organization.path
        by_path = holders_by_path(APPROVE, path_chain(path))
        return nearest_holders(by_path, path, exclude_person_id=secondment.person_id)
    person_id = _approver_person_id(secondment, approver)
    if person_id is None or person_id == secondment.person_id:
        return []
    from grassroots.accounts.models import User

    return list(User.objects.filter(person_id=person_id, is_active=True))


def cadre_users(secondment: Secondment) -> list:
    from grassroots.accounts.models import User

    return list(User.objects.filter(person_id=secondment.person_id, is_active=True))


def leave_url(leave: LeaveRequest) -> str:
    return reverse("cadres:secondment_leave", args=[leave.secondment_id]) + f"#leave-{leave.pk}"


def _notify(recipients: list, title: str, body: str, url: str) -> None:
    """Send after commit (a rolled back decision tells nobody anything)."""
    if not recipients:
        return
    from grassroots.notifications.services import notify

    transaction.on_commit(
        lambda: notify(recipients=recipients, kind=NOTIFY_KIND, title=title, body=body, url=url)
    )


def _summary(leave: LeaveRequest) -> str:
    return ngettext(
        "%(kind)s %(start)s 至 %(end)s，共 %(days)d 个工作日",
        "%(kind)s %(start)s 至 %(end)s，共 %(days)d 个工作日",
        leave.days,
    ) % {
        "kind": LeaveKind(leave.kind).label,
        "start": leave.starts_on.isoformat(),
        "end": leave.ends_on.isoformat(),
        "days": leave.days,
    }


def _notify_turn(leave: LeaveRequest, secondment: Secondment) -> None:
    approver = leave.levels[leave.current_level]
    _notify(
        approver_users(secondment, approver),
        _("请假待审批：%(name)s") % {"name": secondment.person.name},
        _summary(leave) + "\n" + leave.reason,
        leave_url(leave),
    )


# --- Request -----------------------------------------------------------------------------------


def _locked_secondment(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization", "person", "group")
        .get(pk=secondment.pk)
    )


def _file_name(uploaded) -> str:
    name = PurePath((getattr(uploaded, "name", "") or "").replace("\\", "/")).name.strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name or _("附件")


def attachment_max_bytes() -> int:
    return int(settings.CADRES_LEAVE_ATTACHMENT_MAX_MB) * 1024 * 1024


def _check_attachment(attachment) -> None:
    limit = attachment_max_bytes()
    try:
        kind = check_file(attachment, {**DOCUMENT_KINDS, **IMAGE_KINDS}, limit)
        if kind in IMAGE_KINDS:
            check_image(attachment, limit)
    except ValidationError as exc:
        raise ValidationError({"attachment": exc.messages}) from None
    attachment.seek(0)


def _check_dates(secondment: Secondment, starts_on: date, ends_on: date) -> int:
    if not starts_on or not ends_on:
        raise ValidationError(_("请填写开始日期和结束日期。"))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("结束日期不能早于开始日期。")]})
    backdate = int(settings.CADRES_LEAVE_BACKDATE_DAYS)
    if starts_on < timezone.localdate() - timedelta(days=backdate):
        raise ValidationError(
            {
                "starts_on": [
                    ngettext(
                        "请假开始日期不能早于 %(n)d 天前。",
                        "请假开始日期不能早于 %(n)d 天前。",
                        backdate,
                    )
                    % {"n": backdate}
                ]
            }
        )
    if starts_on < secondment.starts_on or ends_on > secondment.ends_on:
        raise ValidationError(
            _("请假日期必须在挂职期内（%(start)s 至 %(end)s）。")
            % {
                "start": secondment.starts_on.isoformat(),
                "end": secondment.ends_on.isoformat(),
            }
        )
    days = calendar.working_days_between(starts_on, ends_on)
    if days == 0:
        raise ValidationError(_("所选日期均为节假日，无需请假。"))
    return days


def overlapping(secondment: Secondment, starts_on: date, ends_on: date, exclude_pk=None):
    """The requests of the secondment that hold a day of [starts_on, ends_on]: pending and
    approved ones, and those returned from up to the day of return."""
    holding = Q(status__in=(LeaveStatus.PENDING, LeaveStatus.APPROVED)) | Q(
        status=LeaveStatus.RETURNED, returned_on__gte=starts_on
    )
    qs = LeaveRequest.objects.filter(
        holding, secondment=secondment, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("starts_on")


@audited
@transaction.atomic
def leave_request(
    *,
    secondment: Secondment,
    kind: str,
    starts_on: date,
    ends_on: date,
    reason: str,
    attachment=None,
    actor,
) -> LeaveRequest:
    """The cadre asks for leave: checked against the calendar, the term, the backdating limit
    and the cadre's other requests; its levels fixed by the rules in force; the first approver
    told."""
    # The row lock serializes the requests of one secondment: two overlapping ones sent at
    # the same moment are checked one after the other, and the second is refused.
    secondment = _locked_secondment(secondment)
    if getattr(actor, "person_id", None) is None or actor.person_id != secondment.person_id:
        raise PermissionDenied
    if secondment.status not in LEAVE_OPEN:
        raise ValidationError(
            _("挂职干部当前状态为“%(status)s”，不能请假。")
            % {"status": SecondmentStatus(secondment.status).label}
        )
    if kind not in LeaveKind.values:
        raise ValidationError({"kind": [_("请选择请假类型。")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写请假事由。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("事由不能超过 %(n)d 字。") % {"n": REASON_MAX}]})
    days = _check_dates(secondment, starts_on, ends_on)
    other = overlapping(secondment, starts_on, ends_on).first()
    if other is not None:
        raise ValidationError(
            _("与已有的请假（%(start)s 至 %(end)s，%(status)s）日期重叠。")
            % {
                "start": other.starts_on.isoformat(),
                "end": other.ends_on.isoformat(),
                "status": LeaveStatus(other.status).label,
            },
            code="overlap",
        )
    if attachment:
        _check_attachment(attachment)
    levels = _resolve_levels(secondment, levels_for(secondment, days))
    leave = LeaveRequest(
        secondment=secondment,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        reason=reason,
        status=LeaveStatus.PENDING,
        levels=levels,
        current_level=0,
    )
    if attachment:
        leave.attachment_name = _file_name(attachment)
        leave.attachment.save(attachment.name, attachment, save=False)
        stored = leave.attachment.name
    else:
        stored = ""
    try:
        leave.save()
        record_event(
            secondment=secondment,
            action=EventAction.LEAVE_REQUESTED,
            actor=actor,
            comment=_summary(leave),
        )
    except Exception:
        if stored:  # nothing half saved: no row, so no stored file either
            leave.attachment.storage.delete(stored)
        raise
    _notify_turn(leave, secondment)
    return leave


# --- Decisions ---------------------------------------------------------------------------------


def _locked_request(leave: LeaveRequest) -> tuple[LeaveRequest, Secondment]:
    locked = LeaveRequest.objects.select_for_update(of=("self",)).get(pk=leave.pk)
    secondment = Secondment.objects.select_related("program__organization", "person", "group").get(
        pk=locked.secondment_id
    )
    locked.secondment = secondment
    return locked, secondment


def _check_move(leave: LeaveRequest, to: str, verb: str) -> None:
    if (leave.status, to) not in LEAVE_TRANSITIONS:
        raise ValidationError(
            _("该请假申请当前状态为“%(status)s”，不能%(verb)s。")
            % {"status": LeaveStatus(leave.status).label, "verb": verb},
            code="illegal_transition",
        )


@audited
@transaction.atomic
def leave_decide(*, request: LeaveRequest, approve: bool, comment: str = "", actor) -> LeaveRequest:
    """The approver of the current level approves (the next level's approver is told, or at
    the last level the request is approved and the cadre told) or refuses (the request is
    refused and the cadre told). `request` as the approver saw it: a level decided meanwhile
    by someone else is not decided again."""
    seen_level, seen_status = request.current_level, request.status
    leave, secondment = _locked_request(request)
    if not any(is_approver(actor, secondment, approver) for approver in set(leave.levels)):
        raise PermissionDenied
    _check_move(leave, LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED, _("审批"))
    if (seen_level, seen_status) != (leave.current_level, leave.status):
        raise ValidationError(_("这一级已经审批过了，请刷新页面查看最新状态。"), code="stale")
    approver = leave.levels[leave.current_level]
    if not is_approver(actor, secondment, approver):
        raise PermissionDenied
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": [_("意见不能超过 %(n)d 字。") % {"n": COMMENT_MAX}]})
    try:
        with transaction.atomic():
            LeaveStep.objects.create(
                request=leave,
                level=leave.current_level,
                approver=approver,
                approved=approve,
                comment=comment,
                decided_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("这一级已经审批过了，请刷新页面查看最新状态。"), code="stale"
        ) from None
    last = leave.current_level + 1 >= len(leave.levels)
    if approve and not last:
        leave.current_level += 1
        leave.save(update_fields=["current_level"])
        _notify_turn(leave, secondment)
        return leave
    before = leave.status
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.save(update_fields=["status"])
    record_event(
        secondment=secondment,
        action=EventAction.LEAVE_APPROVED if approve else EventAction.LEAVE_REJECTED,
        actor=actor,
        comment=_summary(leave) + (f"\n{comment}" if comment else ""),
        from_status=before,
        to_status=leave.status,
    )
    if approve:
        title = _("请假已批准：%(summary)s") % {"summary": _summary(leave)}
    else:
        title = _("请假未获批准：%(summary)s") % {"summary": _summary(leave)}
    _notify(cadre_users(secondment), title, comment, leave_url(leave))
    return leave


def _require_cadre(actor, secondment: Secondment) -> None:
    if getattr(actor, "person_id", None) is None or actor.person_id != secondment.person_id:
        raise PermissionDenied


@audited
@transaction.atomic
def leave_cancel(*, request: LeaveRequest, actor, comment: str = "") -> LeaveRequest:
    """The cadre withdraws a request still pending, or an approved one before it starts; those
    who already approved it are told."""
    leave, secondment = _locked_request(request)
    _require_cadre(actor, secondment)
    _check_move(leave, LeaveStatus.CANCELLED, _("撤回"))
    if leave.status == LeaveStatus.APPROVED and leave.starts_on <= timezone.localdate():
        raise ValidationError(_("请假已经开始，不能撤回；回岗后请销假。"))
    before = leave.status
    leave.status = LeaveStatus.CANCELLED
    leave.save(update_fields=["status"])
    record_event(
        secondment=secondment,
        action=EventAction.LEAVE_CANCELLED,
        actor=actor,
        comment=_summary(leave) + (f"\n{comment.strip()}" if (comment or "").strip() else ""),
        from_status=before,
        to_status=leave.status,
    )
    from grassroots.accounts.models import User

    deciders = list(
        User.objects.filter(
            is_active=True, pk__in=LeaveStep.objects.filter(request=leave).values("decided_by")
        )
    )
    _notify(
        deciders,
        _("%(name)s 撤回了请假") % {"name": secondment.person.name},
        _summary(leave),
        leave_url(leave),
    )
    return leave


@audited
@transaction.atomic
def leave_return(*, request: LeaveRequest, returned_on: date, actor) -> LeaveRequest:
    """销假: the cadre records the day they were back; later than the planned end is allowed
    (and shown as overdue), earlier than the start or in the future is not. The host leader
    is told."""
    leave, secondment = _locked_request(request)
    _require_cadre(actor, secondment)
    _check_move(leave, LeaveStatus.RETURNED, _("销假"))
    if not returned_on:
        raise ValidationError({"returned_on": [_("请填写销假日期。")]})
    if returned_on < leave.starts_on:
        raise ValidationError({"returned_on": [_("销假日期不能早于请假开始日期。")]})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": [_("销假日期不能晚于今天。")]})
    before = leave.status
    leave.status = LeaveStatus.RETURNED
    leave.returned_on = returned_on
    leave.save(update_fields=["status", "returned_on"])
    note = _("%(date)s 销假") % {"date": returned_on.isoformat()}
    if returned_on > leave.ends_on:
        late = (returned_on - leave.ends_on).days
        note += ngettext("（超期 %(n)d 天）", "（超期 %(n)d 天）", late) % {"n": late}
    record_event(
        secondment=secondment,
        action=EventAction.LEAVE_RETURNED,
        actor=actor,
        comment=_summary(leave) + "\n" + note,
        from_status=before,
        to_status=leave.status,
    )
    _notify(
        approver_users(secondment, Approver.HOST_LEADER),
        _("%(name)s 已销假") % {"name": secondment.person.name},
        _summary(leave) + "\n" + note,
        leave_url(leave),
    )
    return leave

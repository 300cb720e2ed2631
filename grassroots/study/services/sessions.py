"""Every write of study plans, sessions, attendance and make-up study (补学).

Attendance is where hours start: signing in (by QR code or by the organizer's hand) moves an
attendance to present with a conditional UPDATE, so two scans at the same instant count once,
and credits the session's hours in the same transaction; a correction away from present takes
them back. Make-up study earns the missed session's hours once the secretary approves it.

Lock order (PostgreSQL, several writers at once): every write that touches more than one
attendance row, or an attendance row and its session's counters, locks the session row first,
then attendance rows in id order, then a make-up, then the ledger (HoursCredit, StudyYear in
person id order, see services/hours). A QR scan, a hand mark and 'everyone present' of the same
session thus wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import objects_for, subtree_q, user_can
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import path_chain

from ..enums import (
    REVIEW_TRANSITIONS,
    AttendanceStatus,
    Audience,
    ReviewStatus,
    SessionStatus,
    StudyKind,
    StudyMode,
)
from ..models import Attendance, HoursCredit, MakeUp, Material, StudyPlan, StudySession
from .hours import (
    clean_evidence,
    credit,
    credit_many,
    local_year,
    replace_file,
    review_entry,
    uncredit,
)

# Signing in opens this long before the start and closes at the end; signing out closes later.
SIGN_IN_OPENS_BEFORE = timedelta(minutes=30)
SIGN_OUT_CLOSES_AFTER = timedelta(hours=1)
SESSION_MAX_HOURS = Decimal("200")
PLAN_MAX_HOURS = Decimal("500")
_BULK = 1000


def _require(actor, codename: str, obj, message: str | None = None) -> None:
    if not user_can(actor, codename, obj):
        raise PermissionDenied(message or _("您没有权限执行此操作。"))


def user_of(person_id: int | None):
    """The active account of a person, or None (many people have no account)."""
    from grassroots.accounts.models import User

    if not person_id:
        return None
    return User.objects.filter(person_id=person_id, is_active=True).first()


def reviewers_of(path: str, *, author_id: int | None = None) -> list:
    """The accounts that review study for an organization: holders of study.review_study on
    the nearest organization at or above it that has any other than the author (the branch
    secretary before the county officer, so that a county is not told of every branch's
    self-study; the county officer when the secretary submitted it)."""
    from grassroots.accounts.selectors import holders_by_path, nearest_holders

    holders = holders_by_path("study.review_study", path_chain(path))
    return nearest_holders(holders, path, exclude_person_id=author_id)


def notify_reviewers(*, path: str, author_id: int, title: str, url: str) -> None:
    from grassroots.notifications.services import notify

    notify(
        recipients=reviewers_of(path, author_id=author_id),
        kind="study.review_waiting",
        title=title,
        url=url,
    )


# --- Study plans (学习计划) -------------------------------------------------------------

PLAN_FIELDS = ("year", "title", "topics", "required_hours")


def _check_materials(materials: Iterable[Material], organization: Organization) -> list[Material]:
    """Materials the organization's people can open: its own and those of organizations above."""
    materials = list(materials or [])
    allowed = set(path_chain(organization.path))
    for material in materials:
        if material.organization.path not in allowed:
            raise ValidationError(
                {
                    "materials": [
                        _("学习资料“%(title)s”不属于本组织或上级组织，本组织人员无法查看。")
                        % {"title": material.title}
                    ]
                }
            )
    return materials


def _clean_plan(plan: StudyPlan) -> None:
    errors: dict[str, list[str]] = {}
    plan.title = (plan.title or "").strip()
    if not plan.title:
        errors.setdefault("title", []).append(_("请填写计划标题。"))
    this_year = timezone.localdate().year
    if plan.year is None or not (this_year - 5 <= plan.year <= this_year + 1):
        errors.setdefault("year", []).append(
            _("年度应在 %(a)d 至 %(b)d 之间。") % {"a": this_year - 5, "b": this_year + 1}
        )
    if plan.required_hours is None or not (0 < plan.required_hours <= PLAN_MAX_HOURS):
        errors.setdefault("required_hours", []).append(
            _("要求学时应大于 0 且不超过 %(max)s。") % {"max": PLAN_MAX_HOURS}
        )
    if plan.year and plan.organization_id:
        clash = (
            StudyPlan.objects.filter(organization_id=plan.organization_id, year=plan.year)
            .exclude(pk=plan.pk)
            .exists()
        )
        if clash:
            errors.setdefault("year", []).append(
                _("本组织 %(year)d 年度的学习计划已经存在。") % {"year": plan.year}
            )
    if errors:
        raise ValidationError(errors)


def _save_plan(plan: StudyPlan) -> StudyPlan:
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Two managers saved the same organization's plan for a year at the same moment.
        raise ValidationError(
            {"year": [_("本组织 %(year)d 年度的学习计划已经存在。") % {"year": plan.year}]}
        ) from None
    return plan


@audited
@transaction.atomic
def plan_create(
    *, organization: Organization, actor, materials: Iterable[Material] = (), **fields: Any
) -> StudyPlan:
    _require(actor, "study.manage_session", organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能为已撤销的组织制定学习计划。"))
    plan = StudyPlan(
        organization=organization,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in PLAN_FIELDS},
    )
    materials = _check_materials(materials, organization)
    _clean_plan(plan)
    _save_plan(plan)
    plan.materials.set(materials)
    return plan


@audited
@transaction.atomic
def plan_update(
    *, plan: StudyPlan, actor, materials: Iterable[Material] | None = None, **fields: Any
) -> StudyPlan:
    _require(actor, "study.manage_session", plan)
    plan = StudyPlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    for key, value in fields.items():
        if key in PLAN_FIELDS:
            setattr(plan, key, value)
    _clean_plan(plan)
    if materials is not None:
        materials = _check_materials(materials, plan.organization)
    _save_plan(plan)
    if materials is not None:
        plan.materials.set(materials)
    return plan


# --- Sessions (学习活动) ----------------------------------------------------------------

SESSION_FIELDS = (
    "plan",
    "title",
    "kind",
    "mode",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "teacher",
    "description",
    "hours",
    "audience",
)


def _clean_session(session: StudySession) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("title", "place", "link", "teacher", "description"):
        setattr(session, field, (getattr(session, field) or "").strip())
    if not session.title:
        add("title", _("请填写学习主题。"))
    if session.kind not in StudyKind.values:
        add("kind", _("请选择学习形式。"))
    if session.mode not in StudyMode.values:
        add("mode", _("请选择学习方式。"))
    if session.audience not in Audience.values:
        add("audience", _("请选择参加人员范围。"))
    if not session.starts_at:
        add("starts_at", _("请填写开始时间。"))
    if not session.ends_at:
        add("ends_at", _("请填写结束时间。"))
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            add("ends_at", _("结束时间应晚于开始时间。"))
        elif session.ends_at - session.starts_at > timedelta(days=31):
            add("ends_at", _("一次学习活动不能超过 31 天，较长的培训请分段安排。"))
    if session.hours is None or not (0 < session.hours <= SESSION_MAX_HOURS):
        add("hours", _("学时应大于 0 且不超过 %(max)s。") % {"max": SESSION_MAX_HOURS})
    if session.mode == StudyMode.IN_PERSON and not session.place:
        add("place", _("面授学习请填写地点。"))
    if session.mode == StudyMode.ONLINE and not (session.link or session.place):
        add("link", _("远程/线上学习请填写线上链接或收看地点。"))
    if session.link and not session.link.startswith(("http://", "https://")):
        add("link", _("链接应以 http:// 或 https:// 开头。"))
    if session.plan_id:
        plan = session.plan
        if plan.organization.path not in path_chain(session.organization.path):
            add("plan", _("只能关联本组织或上级组织的学习计划。"))
        elif session.starts_at and plan.year != local_year(session.starts_at):
            add(
                "plan",
                _("学习活动的年度与学习计划的年度（%(year)d）不一致。") % {"year": plan.year},
            )
    if errors:
        raise ValidationError(errors)


def _audience_ids(
    session: StudySession, people: Iterable[Person] | None, actor
) -> QuerySet | list[int]:
    """The people a session expects, as ids: the organization's members, its subtree's, or a
    hand-picked list that must lie within the manager's scope."""
    org = session.organization
    active = Person.objects.filter(status=PersonStatus.ACTIVE)
    if session.audience == Audience.MEMBERS:
        return active.filter(primary_org=org).order_by("pk").values_list("pk", flat=True)
    if session.audience == Audience.SUBTREE:
        return (
            active.filter(subtree_q("primary_org__path", org.path))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    ids = sorted({p.pk for p in people or []})
    if not ids:
        raise ValidationError({"people": [_("请选择参加人员。")]})
    allowed = set(
        objects_for(actor, "study.manage_session", active.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    if len(allowed) != len(ids):
        raise ValidationError(
            {"people": [_("所选人员中有不在您管理范围内或已不在册的人员，请重新选择。")]}
        )
    return ids


def _recount(session: StudySession) -> None:
    """Set the session's counts from its attendance rows (after bulk changes)."""
    rows = Attendance.objects.filter(session=session)
    session.expected_count = rows.count()
    session.present_count = rows.filter(status=AttendanceStatus.PRESENT).count()
    StudySession.objects.filter(pk=session.pk).update(
        expected_count=session.expected_count, present_count=session.present_count
    )


def _add_attendance(session: StudySession, person_ids: Iterable[int]) -> None:
    batch: list[Attendance] = []
    for person_id in person_ids:
        batch.append(Attendance(session=session, person_id=person_id))
        if len(batch) >= _BULK:
            Attendance.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Attendance.objects.bulk_create(batch, ignore_conflicts=True)


def _sync_attendance(session: StudySession, wanted_ids) -> None:
    """Add the newly expected people; drop those no longer expected unless they attended or
    started a make-up (their record stays, with its hours)."""
    wanted = set(wanted_ids)
    existing = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    _add_attendance(session, sorted(wanted - existing))
    gone = existing - wanted
    if gone:
        (
            Attendance.objects.filter(session=session, person_id__in=gone, makeup__isnull=True)
            .exclude(status=AttendanceStatus.PRESENT)
            .delete()
        )


@audited
@transaction.atomic
def session_create(
    *,
    organization: Organization,
    actor,
    people: Iterable[Person] | None = None,
    materials: Iterable[Material] = (),
    **fields: Any,
) -> StudySession:
    """Schedule a session and create an attendance row (expected) for each person it expects."""
    _require(actor, "study.manage_session", organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能为已撤销的组织安排学习活动。"))
    session = StudySession(
        organization=organization,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in SESSION_FIELDS},
    )
    _clean_session(session)
    materials = _check_materials(materials, organization)
    ids = _audience_ids(session, people, actor)
    session.save()
    session.materials.set(materials)
    _add_attendance(session, ids.iterator(chunk_size=5000) if hasattr(ids, "iterator") else ids)
    _recount(session)
    return session


def _locked_session(session: StudySession | int) -> StudySession:
    """The session row locked, first of the locks an attendance write takes (of=self: not the
    organization's row, which every session of the organization shares)."""
    pk = session if isinstance(session, int) else session.pk
    return (
        StudySession.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=pk)
    )


def _recredit(session: StudySession) -> None:
    """The session's hours, kind or year changed: move what was credited for it."""
    year = local_year(session.starts_at)
    present = Attendance.objects.filter(
        session=session, status=AttendanceStatus.PRESENT
    ).values_list("person_id", "pk")
    approved = MakeUp.objects.filter(
        attendance__session=session, status=ReviewStatus.APPROVED
    ).values_list("attendance__person_id", "pk")
    moves = [(person_id, HoursCredit.Source.ATTENDANCE, pk) for person_id, pk in present]
    moves += [(person_id, HoursCredit.Source.MAKEUP, pk) for person_id, pk in approved]
    # The ledger rows in person id order, as everywhere (see the module docstring).
    for person_id, source, source_id in sorted(moves):
        uncredit(source=source, source_id=source_id)
        credit(
            person_id=person_id,
            year=year,
            kind=session.kind,
            hours=session.hours,
            source=source,
            source_id=source_id,
        )


@audited
@transaction.atomic
def session_update(
    *,
    session: StudySession,
    actor,
    people: Iterable[Person] | None = None,
    materials: Iterable[Material] | None = None,
    **fields: Any,
) -> StudySession:
    """Change a session. A changed audience adds and drops expected people; changed hours,
    kind or year move the hours already credited for it."""
    _require(actor, "study.manage_session", session)
    session = _locked_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已取消，不能再修改。"))
    before = (session.hours, session.kind, local_year(session.starts_at), session.audience)
    for key, value in fields.items():
        if key in SESSION_FIELDS:
            setattr(session, key, value)
    _clean_session(session)
    if materials is not None:
        materials = _check_materials(materials, session.organization)
    if session.audience == Audience.SELECTED:
        resync = session.audience != before[3] or people is not None
    else:
        # Before the start, people who joined the organization since are expected too.
        resync = session.audience != before[3] or timezone.now() < session.starts_at
    ids = _audience_ids(session, people, actor) if resync else None
    session.save()
    if materials is not None:
        session.materials.set(materials)
    if ids is not None:
        _sync_attendance(session, ids)
    if (session.hours, session.kind, local_year(session.starts_at)) != before[:3]:
        _recredit(session)
    _recount(session)
    return session


@audited
@transaction.atomic
def session_cancel(*, session: StudySession, actor, reason: str = "") -> StudySession:
    """Cancel a session nobody attended; the people it expected are told."""
    _require(actor, "study.manage_session", session)
    session = _locked_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已经取消。"))
    if Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT).exists():
        raise ValidationError(
            _("已有人员签到或登记出席，不能取消该活动；如活动确未举行，请先更正出勤记录。")
        )
    if MakeUp.objects.filter(attendance__session=session).exists():
        # An approved make-up has earned the session's hours; one waiting may still earn them.
        raise ValidationError(_("已有人员为该活动提交补学，不能取消该活动。"))
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": [_("取消原因不能超过 200 字。")]})
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = timezone.now()
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _notify_cancelled_on_commit(session)
    return session


def _notify_cancelled_on_commit(session: StudySession) -> None:
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    starts = timezone.localtime(session.starts_at)
    title = _("学习活动已取消：%(title)s") % {"title": session.title}
    body = _("原定 %(when)s 的学习活动已取消。") % {"when": starts.strftime("%Y-%m-%d %H:%M")}
    if session.cancel_reason:
        body += _("取消原因：%(reason)s") % {"reason": session.cancel_reason}
    url = reverse("study:session_detail", args=[session.pk])
    session_id = session.pk

    def send() -> None:
        users = User.objects.filter(
            is_active=True, person__study_attendances__session_id=session_id
        )
        notify(
            recipients=users.iterator(chunk_size=2000),
            kind="study.session_cancelled",
            title=title,
            body=body,
            url=url,
        )

    transaction.on_commit(send)


@audited
@transaction.atomic
def session_close_attendance(*, session: StudySession, actor, now: datetime | None = None) -> int:
    """After the session: everyone still expected (who neither signed in nor asked for leave)
    is recorded absent, so that they may submit a make-up. Returns how many."""
    _require(actor, "study.manage_session", session)
    session = _locked_session(session)
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已取消。"))
    if now < session.ends_at:
        raise ValidationError(_("活动结束后才能结束签到。"))
    return Attendance.objects.filter(session=session, status=AttendanceStatus.EXPECTED).update(
        status=AttendanceStatus.ABSENT, marked_by=actor, by_hand=True
    )


# --- Attendance (签到) ------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    counted: bool  # False: the person had already signed in (or out); nothing changed


def _checkin_refusal(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _own_attendance(
    session: StudySession, actor, *, lock_session: bool = False
) -> tuple[StudySession, Attendance]:
    if not getattr(actor, "person_id", None):
        raise _checkin_refusal(_("您的账号未关联人员信息，无法签到。请联系管理员。"), "no_person")
    if lock_session:
        session = _locked_session(session)
    else:
        session = StudySession.objects.get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise _checkin_refusal(_("本次学习活动已取消，无需签到。"), "cancelled")
    attendance = Attendance.objects.filter(session=session, person_id=actor.person_id).first()
    if attendance is None:
        raise _checkin_refusal(
            _("您不在本次学习活动的参加人员名单中，如有疑问请联系组织者。"), "not_expected"
        )
    return session, attendance


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _credit_attendance(session: StudySession, attendance: Attendance) -> None:
    credit(
        person_id=attendance.person_id,
        year=local_year(session.starts_at),
        kind=session.kind,
        hours=session.hours,
        source=HoursCredit.Source.ATTENDANCE,
        source_id=attendance.pk,
    )


@transaction.atomic
def attendance_sign_in(
    *, session: StudySession, actor, now: datetime | None = None
) -> CheckinResult:
    """Sign the actor in, once. The move to present is one conditional UPDATE: of two scans
    at the same instant, one changes the row and credits the hours, the other changes nothing."""
    now = now or timezone.now()
    # The session row first (it moves the session's counter): a scan during 'everyone present'
    # or a hand mark waits for it instead of holding its attendance row against it.
    session, attendance = _own_attendance(session, actor, lock_session=True)
    if now < session.starts_at - SIGN_IN_OPENS_BEFORE:
        raise _checkin_refusal(
            _("签到尚未开始：活动开始前 %(m)d 分钟起可以签到（%(time)s 起）。")
            % {
                "m": SIGN_IN_OPENS_BEFORE.seconds // 60,
                "time": _local(session.starts_at - SIGN_IN_OPENS_BEFORE),
            },
            "too_early",
        )
    if now > session.ends_at:
        raise _checkin_refusal(
            _("签到已结束（活动已于 %(time)s 结束）。如未能参加，请在“我的学时”中提交补学。")
            % {"time": _local(session.ends_at)},
            "too_late",
        )
    # A make-up earns the session's hours on its own: the session (moved to a later day since)
    # must not earn them a second time. NOT EXISTS rather than a join: with a join the whole
    # condition moves into a subquery that PostgreSQL does not check again once a concurrent
    # scan's row lock is released, and both scans would count.
    changed = Attendance.objects.filter(
        ~Exists(MakeUp.objects.filter(attendance=OuterRef("pk"))),
        pk=attendance.pk,
        status__in=[AttendanceStatus.EXPECTED, AttendanceStatus.LEAVE],
    ).update(status=AttendanceStatus.PRESENT, signed_in_at=now, by_hand=False, leave_reason="")
    attendance.refresh_from_db()
    if not changed:
        if attendance.status == AttendanceStatus.PRESENT:
            return CheckinResult(attendance, counted=False)
        if MakeUp.objects.filter(attendance=attendance).exists():
            raise _checkin_refusal(
                _("您已为本次学习活动提交补学，学时按补学审核结果计入，无需签到。"), "makeup"
            )
        raise _checkin_refusal(
            _("组织者已将您登记为缺席，如有误请联系组织者更正。"), "marked_absent"
        )
    StudySession.objects.filter(pk=session.pk).update(present_count=F("present_count") + 1)
    _credit_attendance(session, attendance)
    return CheckinResult(attendance, counted=True)


@transaction.atomic
def attendance_sign_out(
    *, session: StudySession, actor, now: datetime | None = None
) -> CheckinResult:
    now = now or timezone.now()
    session, attendance = _own_attendance(session, actor)
    if now < session.starts_at:
        raise _checkin_refusal(_("活动尚未开始，不能签退。"), "too_early")
    if now > session.ends_at + SIGN_OUT_CLOSES_AFTER:
        raise _checkin_refusal(_("签退已截止。"), "too_late")
    changed = Attendance.objects.filter(
        pk=attendance.pk, status=AttendanceStatus.PRESENT, signed_out_at__isnull=True
    ).update(signed_out_at=now)
    attendance.refresh_from_db()
    if not changed:
        if attendance.status != AttendanceStatus.PRESENT:
            raise _checkin_refusal(_("您尚未签到，不能签退。请先扫描签到二维码。"), "not_signed_in")
        return CheckinResult(attendance, counted=False)
    return CheckinResult(attendance, counted=True)


MARKABLE = (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)


@audited
@transaction.atomic
def attendance_mark(*, attendance: Attendance, status: str, actor, reason: str = "") -> Attendance:
    """The organizer records attendance by hand: present (credits the hours), leave with a
    reason, or absent; a correction away from present takes the hours back."""
    _require(actor, "study.manage_session", attendance)
    # The session row first, then the attendance row (see the module docstring).
    session = _locked_session(attendance.session_id)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=attendance.pk)
    )
    attendance.session = session
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已取消，不能登记出勤。"))
    if status not in MARKABLE:
        raise ValidationError(_("无效的出勤状态。"))
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": [_("请假事由不能超过 200 字。")]})
    if status == AttendanceStatus.PRESENT:
        makeup = MakeUp.objects.filter(attendance=attendance).first()
        if makeup is not None:
            raise ValidationError(
                _("%(name)s 已提交补学（%(status)s），不能再登记为出席。")
                % {"name": attendance.person.name, "status": makeup.get_status_display()}
            )
    old = attendance.status
    if old == status and (status != AttendanceStatus.LEAVE or reason == attendance.leave_reason):
        return attendance
    attendance.status = status
    attendance.by_hand = True
    attendance.marked_by = actor
    attendance.leave_reason = reason if status == AttendanceStatus.LEAVE else ""
    if status != AttendanceStatus.PRESENT:
        attendance.signed_in_at = None
        attendance.signed_out_at = None
    attendance.save(
        update_fields=[
            "status",
            "by_hand",
            "marked_by",
            "leave_reason",
            "signed_in_at",
            "signed_out_at",
        ]
    )
    if old != AttendanceStatus.PRESENT and status == AttendanceStatus.PRESENT:
        StudySession.objects.filter(pk=session.pk).update(present_count=F("present_count") + 1)
        _credit_attendance(session, attendance)
    elif old == AttendanceStatus.PRESENT and status != AttendanceStatus.PRESENT:
        StudySession.objects.filter(pk=session.pk).update(present_count=F("present_count") - 1)
        uncredit(source=HoursCredit.Source.ATTENDANCE, source_id=attendance.pk)
    return attendance


def _own_upcoming_attendance(session: StudySession, actor, now: datetime) -> Attendance:
    _session, attendance = _own_attendance(session, actor)
    if now >= _session.starts_at:
        raise ValidationError(_("活动已经开始，不能再请假或撤销请假；如有特殊情况请联系组织者。"))
    return attendance


@audited
@transaction.atomic
def leave_request(
    *, session: StudySession, actor, reason: str, now: datetime | None = None
) -> Attendance:
    """A member asks for leave (请假) before the session starts."""
    now = now or timezone.now()
    attendance = _own_upcoming_attendance(session, actor, now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写请假事由。")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("请假事由不能超过 200 字。")]})
    changed = Attendance.objects.filter(
        pk=attendance.pk, status__in=[AttendanceStatus.EXPECTED, AttendanceStatus.LEAVE]
    ).update(status=AttendanceStatus.LEAVE, leave_reason=reason, by_hand=False)
    if not changed:
        raise ValidationError(
            _("您的出勤已登记为“%(s)s”，不能请假。") % {"s": attendance.get_status_display()}
        )
    attendance.refresh_from_db()
    return attendance


@audited
@transaction.atomic
def leave_withdraw(*, session: StudySession, actor, now: datetime | None = None) -> Attendance:
    now = now or timezone.now()
    attendance = _own_upcoming_attendance(session, actor, now)
    changed = Attendance.objects.filter(pk=attendance.pk, status=AttendanceStatus.LEAVE).update(
        status=AttendanceStatus.EXPECTED, leave_reason=""
    )
    if not changed:
        raise ValidationError(_("您没有请假，无需撤销。"))
    attendance.refresh_from_db()
    return attendance


# --- Make-up study (补学) -----------------------------------------------------------------

MAKEUP_ALLOWED = (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE, AttendanceStatus.EXPECTED)


def _clean_makeup(note: str, link: str) -> tuple[str, str]:
    note = (note or "").strip()
    link = (link or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写补学情况：学习了什么内容、以什么方式补学。")]})
    if len(note) > 5000:
        raise ValidationError({"note": [_("补学情况不能超过 5000 字。")]})
    return note, link


@audited
@transaction.atomic
def makeup_submit(
    *,
    attendance: Attendance,
    actor,
    note: str,
    file=None,
    link: str = "",
    now: datetime | None = None,
) -> MakeUp:
    """A member who missed a session (absent or on leave) submits make-up study with evidence;
    a returned make-up is corrected and submitted again the same way."""
    now = now or timezone.now()
    # The session row, the attendance row, then the make-up (see the module docstring): a
    # submission during 'everyone present' or a review waits instead of deadlocking.
    session = _locked_session(attendance.session_id)
    attendance = Attendance.objects.select_for_update(of=("self",)).get(pk=attendance.pk)
    attendance.session = session
    if not actor.person_id or attendance.person_id != actor.person_id:
        raise PermissionDenied(_("只能为本人的缺勤提交补学。"))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已取消，无需补学。"))
    if now < session.ends_at:
        raise ValidationError(_("活动结束后才能提交补学。"))
    if attendance.status not in MAKEUP_ALLOWED:
        raise ValidationError(_("您已出席该活动，无需补学。"))
    note, link = _clean_makeup(note, link)
    clean_evidence(file, link)
    makeup = MakeUp.objects.select_for_update().filter(attendance=attendance).first()
    if makeup is None:
        makeup = MakeUp(attendance=attendance, note=note, link=link)
        if file:
            makeup.file = file
        try:
            with transaction.atomic():
                makeup.save()
        except IntegrityError:
            raise ValidationError(_("您已提交过该活动的补学。")) from None
    else:
        if (makeup.status, ReviewStatus.SUBMITTED) not in REVIEW_TRANSITIONS:
            raise ValidationError(
                _("该补学当前为“%(status)s”，不能再次提交。")
                % {"status": makeup.get_status_display()}
            )
        makeup.note = note
        makeup.link = link
        replace_file(makeup, file)
        makeup.status = ReviewStatus.SUBMITTED
        makeup.save()
    person = attendance.person
    path = session.organization.path
    title = _("%(name)s 提交了补学（%(session)s），待审核") % {
        "name": person.name,
        "session": session.title,
    }
    url = reverse("study:makeup_detail", args=[makeup.pk])
    author_id = person.pk
    transaction.on_commit(
        lambda: notify_reviewers(path=path, author_id=author_id, title=title, url=url)
    )
    return makeup


def _review_makeup(makeup: MakeUp, to: str, comment: str, actor) -> MakeUp:
    _require(actor, "study.review_study", makeup, _("您没有权限审核该补学。"))
    # The attendance row before the make-up, as when it is submitted (see the module docstring).
    list(Attendance.objects.select_for_update().filter(pk=makeup.attendance_id).values("pk"))
    makeup = (
        MakeUp.objects.select_for_update(of=("self",))
        .select_related("attendance__session", "attendance__person")
        .get(pk=makeup.pk)
    )
    review_entry(
        makeup,
        to=to,
        comment=comment,
        actor=actor,
        author_id=makeup.attendance.person_id,
        illegal=_("该补学当前为“%(status)s”，不能执行此操作。"),
    )
    return makeup


def _notify_makeup_owner(makeup: MakeUp, title: str) -> None:
    from grassroots.notifications.services import notify

    user = user_of(makeup.attendance.person_id)
    if user is None:
        return
    url = reverse("study:makeup_detail", args=[makeup.pk])
    body = makeup.review_comment
    transaction.on_commit(
        lambda: notify(
            recipients=[user], kind="study.makeup_reviewed", title=title, body=body, url=url
        )
    )


@audited
@transaction.atomic
def makeup_approve(*, makeup: MakeUp, actor, comment: str = "") -> MakeUp:
    """Approve a make-up: the missed session's hours are credited, once."""
    makeup = _review_makeup(makeup, ReviewStatus.APPROVED, comment, actor)
    attendance = Attendance.objects.get(pk=makeup.attendance_id)  # locked by _review_makeup
    if attendance.status == AttendanceStatus.PRESENT:
        raise ValidationError(_("该人员已登记出席，学时已计入，不能再通过补学。"))
    session = makeup.attendance.session
    credit(
        person_id=attendance.person_id,
        year=local_year(session.starts_at),
        kind=session.kind,
        hours=session.hours,
        source=HoursCredit.Source.MAKEUP,
        source_id=makeup.pk,
    )
    _notify_makeup_owner(
        makeup,
        _("您的补学（%(session)s）已通过审核，计入 %(hours)s 学时")
        % {"session": session.title, "hours": session.hours},
    )
    return makeup


@audited
@transaction.atomic
def makeup_return(*, makeup: MakeUp, actor, comment: str) -> MakeUp:
    makeup = _review_makeup(makeup, ReviewStatus.RETURNED, comment, actor)
    _notify_makeup_owner(
        makeup,
        _("您的补学（%(session)s）被退回，请补充后重新提交")
        % {"session": makeup.attendance.session.title},
    )
    return makeup


@audited
@transaction.atomic
def attendance_mark_all_present(
    *, session: StudySession, actor, now: datetime | None = None
) -> int:
    """The organizer marks everyone still waiting to sign in as present (from a paper sign-in
    sheet): one pass over the rows, the hours credited in bulk. Leave, absence and make-ups
    stay as they are. Returns how many were marked."""
    _require(actor, "study.manage_session", session)
    session = _locked_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("该学习活动已取消，不能登记出勤。"))
    if (now or timezone.now()) < session.starts_at - SIGN_IN_OPENS_BEFORE:
        raise ValidationError(_("活动尚未开始，不能登记出席。"))
    # NOT EXISTS rather than a join: PostgreSQL refuses FOR UPDATE on the nullable side of an
    # outer join, and re-checks a plain condition (not a subquery of ids) after a lock wait.
    waiting = Attendance.objects.filter(
        ~Exists(MakeUp.objects.filter(attendance=OuterRef("pk"))),
        session=session,
        status=AttendanceStatus.EXPECTED,
    )
    rows = list(waiting.select_for_update().order_by("pk").values_list("person_id", "pk"))
    if not rows:
        return 0
    # The rows are locked (a scan arriving meanwhile waits, then finds its row present): the
    # same filter updates exactly the rows read, without a list of ids too long for SQLite.
    waiting.update(status=AttendanceStatus.PRESENT, by_hand=True, marked_by=actor)
    StudySession.objects.filter(pk=session.pk).update(present_count=F("present_count") + len(rows))
    credit_many(
        person_sources=rows,
        year=local_year(session.starts_at),
        kind=session.kind,
        hours=session.hours,
        source=HoursCredit.Source.ATTENDANCE,
    )
    return len(rows)

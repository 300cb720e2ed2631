"""Attendance of a meeting (签到与出勤): the QR check-in, the manager's hand marks, extra
attendees, and the meeting's counters kept in the same transaction as the rows they count.

The counters: `expected_count` counts the rows of members and invited people (列席),
`present_count` and `leave_count` those of them present or on leave, `extra_count` the extra
attendees (临时参会, always present). A move of a row changes the counters with F() and only
when the row really moved, so two scans at the same instant, or a scan during a hand mark,
count once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import objects_for, subtree_q, user_can
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Person
from grassroots.orgs.selectors import search_q

from ..enums import AttendanceStatus, AttendeeRole, MeetingStatus
from ..models import Meeting, MeetingAttendance
from .meetings import EXPECTED_ROLES

MANAGE = "meetings.manage_meeting"
# Scanning opens this long before the start and closes this long after the end (people arrive
# early; a meeting overruns a little).
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKIN_CLOSES_AFTER = timedelta(minutes=30)
MARKABLE = (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
_COUNTER = {
    AttendanceStatus.PRESENT: "present_count",
    AttendanceStatus.LEAVE: "leave_count",
}


def may_manage(user, meeting: Meeting) -> bool:
    """Managers of the meeting's organization, and the meeting's recorder (记录人) with an account,
    keep its attendance, minutes and files."""
    if user is None or not user.is_authenticated:
        return False
    if user_can(user, MANAGE, meeting):
        return True
    person_id = getattr(user, "person_id", None)
    return bool(person_id and meeting.recorder_id == person_id)


def require_manager(actor, meeting: Meeting) -> None:
    if not may_manage(actor, meeting):
        raise PermissionDenied(_("您没有权限管理该会议。"))


def _locked_meeting(meeting_id: int) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=meeting_id)
    )


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _move_counters(meeting_id: int, role: str, old: str, new: str) -> None:
    """The counters after one expected row moved from `old` to `new` (extras are not here)."""
    if role not in EXPECTED_ROLES or old == new:
        return
    changes = {}
    if old in _COUNTER:
        changes[_COUNTER[old]] = F(_COUNTER[old]) - 1
    if new in _COUNTER:
        changes[_COUNTER[new]] = F(_COUNTER[new]) + 1
    if changes:
        Meeting.objects.filter(pk=meeting_id).update(**changes)


# --- The QR check-in ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinResult:
    attendance: MeetingAttendance
    counted: bool  # False: already present; nothing changed
    extra: bool = False  # recorded as an extra attendee (not on the list)


def _refusal(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _check_window(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise _refusal(_("本次会议已取消，无需签到。"), "cancelled")
    if now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise _refusal(
            _("签到尚未开始：会议开始前 %(m)d 分钟起可以签到（%(time)s 起）。")
            % {
                "m": CHECKIN_OPENS_BEFORE.seconds // 60,
                "time": _local(meeting.starts_at - CHECKIN_OPENS_BEFORE),
            },
            "too_early",
        )
    if now > meeting.ends_at + CHECKIN_CLOSES_AFTER:
        raise _refusal(
            _("签到已结束（会议已于 %(time)s 结束）。如确已参会，请联系会议组织者登记。")
            % {"time": _local(meeting.ends_at)},
            "too_late",
        )


def _check_in_extra(meeting: Meeting, person_id: int, now: datetime) -> CheckinResult:
    """Someone not on the list scanned: an extra attendee if the meeting allows them."""
    if not meeting.allow_extra:
        raise _refusal(
            _(
                "您不在本次会议的参会人员名单中，本次会议不接受名单以外人员签到。如有疑问请联系会议组织者。"
            ),
            "not_expected",
        )
    try:
        with transaction.atomic():
            attendance, created = MeetingAttendance.objects.get_or_create(
                meeting=meeting,
                person_id=person_id,
                defaults={
                    "role": AttendeeRole.EXTRA,
                    "status": AttendanceStatus.PRESENT,
                    "checked_in_at": now,
                },
            )
    except IntegrityError:
        # A second scan created the row between our read and our insert.
        attendance = MeetingAttendance.objects.get(meeting=meeting, person_id=person_id)
        created = False
    if created:
        Meeting.objects.filter(pk=meeting.pk).update(extra_count=F("extra_count") + 1)
        return CheckinResult(attendance, counted=True, extra=True)
    return _check_in_row(meeting, attendance, now)


def _check_in_row(meeting: Meeting, attendance: MeetingAttendance, now: datetime) -> CheckinResult:
    extra = attendance.role == AttendeeRole.EXTRA
    if attendance.status == AttendanceStatus.PRESENT:
        return CheckinResult(attendance, counted=False, extra=extra)
    if attendance.status == AttendanceStatus.ABSENT:
        raise _refusal(_("会议组织者已将您登记为缺席，如有误请联系组织者更正。"), "marked_absent")
    old = attendance.status
    # The row is locked; the UPDATE is still conditional on what was read, so a scan can never
    # move a row that another one already moved.
    changed = MeetingAttendance.objects.filter(pk=attendance.pk, status=old).update(
        status=AttendanceStatus.PRESENT,
        checked_in_at=now,
        by_hand=False,
        marked_by=None,
        leave_reason="",
    )
    attendance.refresh_from_db()
    if not changed:
        return CheckinResult(attendance, counted=False, extra=extra)
    _move_counters(meeting.pk, attendance.role, old, AttendanceStatus.PRESENT)
    return CheckinResult(attendance, counted=True, extra=extra)


@transaction.atomic
def meeting_check_in(*, meeting: Meeting, actor, now: datetime | None = None) -> CheckinResult:
    """Check the actor in by the code on the meeting's screen, once. A refusal (cancelled, too
    early, too late, not on the list, marked absent) raises a ValidationError saying why, and
    counts nothing. A person on leave who comes after all is present."""
    now = now or timezone.now()
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        raise _refusal(_("您的账号未关联人员信息，无法签到。请联系管理员。"), "no_person")
    # Every write of attendance locks the meeting row first, then the rows of its list: one
    # order for all, so a scan and 'everyone present' never deadlock, and a meeting being
    # cancelled meanwhile is seen.
    meeting = _locked_meeting(meeting.pk)
    _check_window(meeting, now)
    attendance = (
        MeetingAttendance.objects.select_for_update()
        .filter(meeting=meeting, person_id=person_id)
        .first()
    )
    if attendance is None:
        return _check_in_extra(meeting, person_id, now)
    return _check_in_row(meeting, attendance, now)


# --- Hand marks by the manager ------------------------------------------------------------


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("该会议已取消，不能登记出勤。"))


@audited
@transaction.atomic
def attendance_mark(
    *,
    attendance: MeetingAttendance,
    status: str,
    actor,
    reason: str = "",
    now: datetime | None = None,
) -> MeetingAttendance:
    """The manager records one person: present, on leave (with a reason) or absent. Leave may be
    recorded beforehand; present and absent once check-in has opened."""
    now = now or timezone.now()
    meeting = _locked_meeting(attendance.meeting_id)
    attendance = (
        MeetingAttendance.objects.select_for_update()
        .select_related("meeting", "person")
        .get(pk=attendance.pk)
    )
    require_manager(actor, meeting)
    _not_cancelled(meeting)
    if status not in MARKABLE:
        raise ValidationError(_("无效的出勤状态。"))
    if attendance.role == AttendeeRole.EXTRA:
        raise ValidationError(
            _("%(name)s 是临时参会人员，只能移除，不能登记请假或缺席。")
            % {"name": attendance.person.name}
        )
    if status != AttendanceStatus.LEAVE and now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(_("会议尚未开始，只能登记请假。"))
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": [_("请假事由不能超过 200 字。")]})
    if status == AttendanceStatus.LEAVE:
        reason = reason or attendance.leave_reason
        if not reason:
            raise ValidationError({"reason": [_("请填写请假事由。")]})
    old = attendance.status
    if old == status and (status != AttendanceStatus.LEAVE or reason == attendance.leave_reason):
        return attendance
    attendance.status = status
    attendance.by_hand = True
    attendance.marked_by = actor
    attendance.leave_reason = reason if status == AttendanceStatus.LEAVE else ""
    if status != AttendanceStatus.PRESENT:
        attendance.checked_in_at = None
    attendance.save(
        update_fields=["status", "by_hand", "marked_by", "leave_reason", "checked_in_at"]
    )
    _move_counters(meeting.pk, attendance.role, old, status)
    return attendance


@audited
@transaction.atomic
def attendance_mark_all_present(*, meeting: Meeting, actor, now: datetime | None = None) -> int:
    """Everyone on the list still waiting (neither present, on leave nor absent) is present, as
    from a paper sign-in sheet. Returns how many."""
    require_manager(actor, meeting)
    meeting = _locked_meeting(meeting.pk)
    _not_cancelled(meeting)
    if (now or timezone.now()) < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(_("会议尚未开始，不能登记出席。"))
    waiting = MeetingAttendance.objects.filter(
        meeting=meeting, role__in=EXPECTED_ROLES, status=AttendanceStatus.EXPECTED
    )
    # Lock the rows first: a scan arriving meanwhile waits, then finds its row present.
    count = len(waiting.select_for_update().values_list("pk", flat=True))
    if not count:
        return 0
    waiting.update(status=AttendanceStatus.PRESENT, by_hand=True, marked_by=actor)
    Meeting.objects.filter(pk=meeting.pk).update(present_count=F("present_count") + count)
    return count


@audited
@transaction.atomic
def attendance_mark_rest_absent(*, meeting: Meeting, actor, now: datetime | None = None) -> int:
    """After the meeting, everyone still waiting is absent. Returns how many."""
    require_manager(actor, meeting)
    meeting = _locked_meeting(meeting.pk)
    _not_cancelled(meeting)
    if (now or timezone.now()) < meeting.ends_at:
        raise ValidationError(_("会议结束后才能将未签到人员登记为缺席。"))
    return MeetingAttendance.objects.filter(
        meeting=meeting, role__in=EXPECTED_ROLES, status=AttendanceStatus.EXPECTED
    ).update(status=AttendanceStatus.ABSENT, by_hand=True, marked_by=actor)


def extra_candidates(actor, meeting: Meeting, query: str = "", limit: int = 20):
    """Active people a manager may add as extra attendees: those in the actor's scope and those
    of the meeting's organization subtree (for a recorder without a role), not yet on the list."""
    people = Person.objects.filter(status=PersonStatus.ACTIVE)
    scoped = objects_for(actor, MANAGE, people).values("pk")
    people = people.filter(
        Q(pk__in=scoped) | subtree_q("primary_org__path", meeting.organization.path)
    ).exclude(pk__in=MeetingAttendance.objects.filter(meeting=meeting).values("person_id"))
    if query:
        people = people.filter(search_q(query, actor))
    return people.select_related("primary_org").order_by("name_pinyin", "id")[:limit]


@audited
@transaction.atomic
def attendance_add_extra(
    *, meeting: Meeting, person: Person, actor, now: datetime | None = None
) -> MeetingAttendance:
    """The manager records someone not on the list who attended (临时参会), present. Allowed
    whatever `allow_extra` says: that setting is about scans, this is the manager's decision."""
    require_manager(actor, meeting)
    meeting = _locked_meeting(meeting.pk)
    _not_cancelled(meeting)
    if (now or timezone.now()) < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(_("会议尚未开始，不能登记临时参会人员。"))
    if not extra_candidates(actor, meeting, limit=None).filter(pk=person.pk).exists():
        if MeetingAttendance.objects.filter(meeting=meeting, person=person).exists():
            raise ValidationError(
                {"person": [_("%(name)s 已在参会名单中。") % {"name": person.name}]}
            )
        raise ValidationError({"person": [_("所选人员不在您的管理范围内或已不在册。")]})
    try:
        with transaction.atomic():
            attendance = MeetingAttendance.objects.create(
                meeting=meeting,
                person=person,
                role=AttendeeRole.EXTRA,
                status=AttendanceStatus.PRESENT,
                by_hand=True,
                marked_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"person": [_("%(name)s 已在参会名单中。") % {"name": person.name}]}
        ) from None
    Meeting.objects.filter(pk=meeting.pk).update(extra_count=F("extra_count") + 1)
    return attendance


@audited
@transaction.atomic
def attendance_remove_extra(*, attendance: MeetingAttendance, actor) -> None:
    """Take an extra attendee recorded by mistake off the list."""
    meeting = _locked_meeting(attendance.meeting_id)
    attendance = (
        MeetingAttendance.objects.select_for_update()
        .select_related("meeting")
        .get(pk=attendance.pk)
    )
    require_manager(actor, meeting)
    _not_cancelled(meeting)
    if attendance.role != AttendeeRole.EXTRA:
        raise ValidationError(_("只能移除临时参会人员；名单内人员请登记出勤。"))
    attendance.delete()
    Meeting.objects.filter(pk=attendance.meeting_id).update(extra_count=F("extra_count") - 1)

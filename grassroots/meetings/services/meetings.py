"""Every write of the meetings themselves, one function per action, atomic, permission-checked:
scheduling with the list of the people expected, changes, the notice, the members' answers
(RSVP), holding and cancelling.

The counters on the meeting (expected, leave) change in the same transaction as the rows they
count, by F() updates made while the meeting's row is locked, so that they stay exact when the
attendance services count check-ins at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import objects_for, user_can
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person

from ..enums import AttendanceStatus, AttendeeRole, MeetingStatus, Rsvp
from ..models import Meeting, MeetingAttendance, MeetingKind

MANAGE = "meetings.manage_meeting"
VIEW_PERSON = "orgs.view_person"
MEETING_FIELDS = (
    "title",
    "topic",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "host",
    "recorder",
    "agenda",
    "lecturer",
    "allow_extra",
)
# Where a meeting may move: held once it took place, cancelled before; nothing comes back.
TRANSITIONS = {
    (MeetingStatus.SCHEDULED, MeetingStatus.HELD),
    (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED),
}
EXPECTED_ROLES = (AttendeeRole.MEMBER, AttendeeRole.INVITED)
REASON_MAX = 200
_BULK = 1000


def _require(actor, obj) -> None:
    if not user_can(actor, MANAGE, obj):
        raise PermissionDenied(_("您没有权限管理该组织的会议。"))


def _clean(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("title", "place", "link", "lecturer"):
        setattr(meeting, field, (getattr(meeting, field) or "").strip())
    if not meeting.title:
        add("title", _("请填写会议名称。"))
    if not meeting.starts_at:
        add("starts_at", _("请填写开始时间。"))
    if not meeting.ends_at:
        add("ends_at", _("请填写结束时间。"))
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        add("ends_at", _("结束时间应晚于开始时间。"))
    if not meeting.place and not meeting.link:
        add("place", _("请填写地点或线上链接。"))
    if meeting.link and not meeting.link.startswith(("http://", "https://")):
        add("link", _("链接应以 http:// 或 https:// 开头。"))
    if not meeting.kind.is_active:
        add("kind", _("该会议类别已停用。"))
    if not meeting.is_lecture:
        meeting.lecturer = ""  # only a party lecture has a lecturer
    if errors:
        raise ValidationError(errors)


def _check_people_fields(meeting: Meeting, actor, before: dict[str, int | None]) -> None:
    """A host or recorder newly chosen must be an active person the manager may see."""
    errors: dict[str, list[str]] = {}
    for field in ("host", "recorder"):
        person_id = getattr(meeting, f"{field}_id")
        if not person_id or person_id == before.get(field):
            continue
        visible = objects_for(
            actor,
            VIEW_PERSON,
            Person.objects.filter(pk=person_id, status=PersonStatus.ACTIVE),
            own=True,
        ).exists()
        if not visible:
            errors[field] = [_("所选人员不在您的查看范围内或已不在册，请重新选择。")]
    if errors:
        raise ValidationError(errors)


def _invited_ids(invited: Iterable[Person] | Iterable[int], actor) -> set[int]:
    """The people invited to sit in (列席): active people the manager may see."""
    ids = {getattr(p, "pk", p) for p in invited or []}
    ids = {int(i) for i in ids if i}
    if not ids:
        return set()
    allowed = set(
        objects_for(
            actor,
            VIEW_PERSON,
            Person.objects.filter(pk__in=ids, status=PersonStatus.ACTIVE),
            own=True,
        ).values_list("pk", flat=True)
    )
    if allowed != ids:
        raise ValidationError(
            {"invited": [_("所选列席人员中有不在您查看范围内或已不在册的人员，请重新选择。")]}
        )
    return ids


def _bulk_add(meeting: Meeting, person_ids: Iterable[int], role: str) -> None:
    batch: list[MeetingAttendance] = []
    for person_id in person_ids:
        batch.append(MeetingAttendance(meeting=meeting, person_id=person_id, role=role))
        if len(batch) >= _BULK:
            MeetingAttendance.objects.bulk_create(batch)
            batch = []
    if batch:
        MeetingAttendance.objects.bulk_create(batch)


def _member_ids(organization: Organization):
    return (
        Person.objects.filter(primary_org=organization, status=PersonStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@audited
@transaction.atomic
def meeting_create(
    *,
    organization: Organization,
    kind: MeetingKind,
    actor,
    invited: Iterable[Person] = (),
    send_notice: bool = False,
    **fields: Any,
) -> Meeting:
    """Schedule a meeting with its list: every active person of the organization (members)
    and the people invited to sit in (列席); optionally send the notice at once (not for a
    meeting recorded after it ended)."""
    _require(actor, organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能为已撤销的组织安排会议。"))
    meeting = Meeting(
        organization=organization,
        kind=kind,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in MEETING_FIELDS},
    )
    _clean(meeting)
    _check_people_fields(meeting, actor, {})
    invited_ids = _invited_ids(invited, actor)
    meeting.save()
    member_ids = set(_member_ids(organization))
    _bulk_add(meeting, sorted(member_ids), AttendeeRole.MEMBER)
    # A member of the organization picked as well is on the list once, as a member.
    _bulk_add(meeting, sorted(invited_ids - member_ids), AttendeeRole.INVITED)
    meeting.expected_count = len(member_ids | invited_ids)
    Meeting.objects.filter(pk=meeting.pk).update(expected_count=meeting.expected_count)
    if send_notice and timezone.now() < meeting.ends_at:
        # A meeting recorded after the fact needs no notice.
        _send_notice(meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update()
        .select_related("kind", "organization")
        .get(pk=meeting.pk)
    )


def _sync_invited(meeting: Meeting, wanted: set[int]) -> None:
    """Add and drop invited people; the meeting is locked. Someone already on the list in
    another role stays as they are; someone who signed in cannot be dropped."""
    rows = dict(MeetingAttendance.objects.filter(meeting=meeting).values_list("person_id", "role"))
    current = {pid for pid, role in rows.items() if role == AttendeeRole.INVITED}
    to_add = sorted(wanted - set(rows))
    to_drop = current - wanted
    if to_drop:
        dropping = MeetingAttendance.objects.filter(
            meeting=meeting, role=AttendeeRole.INVITED, person_id__in=to_drop
        )
        present = list(
            dropping.filter(status=AttendanceStatus.PRESENT).values_list("person__name", flat=True)
        )
        if present:
            raise ValidationError(
                {
                    "invited": [
                        _("%(names)s 已签到，不能移出列席名单。") % {"names": _("、").join(present)}
                    ]
                }
            )
        on_leave = dropping.filter(status=AttendanceStatus.LEAVE).count()
        dropped = dropping.delete()[1].get(MeetingAttendance._meta.label, 0)
        Meeting.objects.filter(pk=meeting.pk).update(
            expected_count=F("expected_count") - dropped, leave_count=F("leave_count") - on_leave
        )
    if to_add:
        _bulk_add(meeting, to_add, AttendeeRole.INVITED)
        Meeting.objects.filter(pk=meeting.pk).update(
            expected_count=F("expected_count") + len(to_add)
        )


@audited
@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor,
    kind: MeetingKind | None = None,
    invited: Iterable[Person] | None = None,
    **fields: Any,
) -> Meeting:
    """Change a meeting. The invited people (列席) may change only while it is scheduled."""
    _require(actor, meeting)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("已取消的会议不能修改。"))
    before = {"host": meeting.host_id, "recorder": meeting.recorder_id}
    if kind is not None:
        meeting.kind = kind
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    _clean(meeting)
    _check_people_fields(meeting, actor, before)
    wanted = None
    if invited is not None:
        wanted = _invited_ids(invited, actor)
        current = set(
            MeetingAttendance.objects.filter(
                meeting=meeting, role=AttendeeRole.INVITED
            ).values_list("person_id", flat=True)
        )
        if wanted == current:
            wanted = None
        elif meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"invited": [_("会议已召开，不能再调整列席人员。")]})
    # Counters are kept by F() updates: save the meeting's own columns only.
    meeting.save(update_fields=["kind", *MEETING_FIELDS, "updated_at"])
    if wanted is not None:
        _sync_invited(meeting, wanted)
        meeting.refresh_from_db(fields=["expected_count", "leave_count"])
    return meeting


def _move(meeting: Meeting, to: str, actor) -> Meeting:
    _require(actor, meeting)
    meeting = _locked(meeting)
    if (meeting.status, to) not in TRANSITIONS:
        raise ValidationError(
            _("会议当前状态为“%(status)s”，不能进行此操作。")
            % {"status": meeting.get_status_display()}
        )
    meeting.status = to
    return meeting


@audited
@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor) -> Meeting:
    meeting = _move(meeting, MeetingStatus.HELD, actor)
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@audited
@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor, reason: str = "") -> Meeting:
    """Cancel a meeting that has not taken place, with the reason; the people expected are
    told."""
    reason = (reason or "").strip()
    meeting = _move(meeting, MeetingStatus.CANCELLED, actor)
    if not reason:
        raise ValidationError({"reason": [_("请填写取消原因。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("取消原因不能超过 200 字。")]})
    if meeting.present_count:
        raise ValidationError(_("已有人员签到，不能取消该会议；如会议确未召开，请先更正出勤记录。"))
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    when = _when(meeting)
    _notify_expected(
        meeting,
        kind="meetings.meeting_cancelled",
        title=_("会议已取消：%(title)s") % {"title": meeting.title},
        body=_("原定于 %(when)s 召开的%(kind)s“%(title)s”已取消。取消原因：%(reason)s")
        % {"when": when, "kind": meeting.kind.label, "title": meeting.title, "reason": reason},
    )
    return meeting


# --- The notice (会议通知) ---------------------------------------------------------------------


def _when(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def expected_users(meeting: Meeting):
    """The active accounts of the people expected at a meeting (members and invited)."""
    from grassroots.accounts.models import User

    return User.objects.filter(
        is_active=True,
        person__meeting_attendances__meeting_id=meeting.pk,
        person__meeting_attendances__role__in=EXPECTED_ROLES,
    ).order_by("pk")


def _notify_expected(meeting: Meeting, *, kind: str, title: str, body: str) -> None:
    from grassroots.notifications.services import notify

    notify(
        recipients=expected_users(meeting).iterator(chunk_size=2000),
        kind=kind,
        title=title,
        body=body,
        url=meeting_url(meeting),
    )


def notice_text(meeting: Meeting) -> tuple[str, str]:
    """The notice's title and body: kind, title, time, place or link."""
    kind = meeting.kind.label
    title = _("会议通知：%(kind)s“%(title)s”") % {"kind": kind, "title": meeting.title}
    where = []
    if meeting.place:
        where.append(_("地点：%(place)s") % {"place": meeting.place})
    if meeting.link:
        where.append(_("线上链接：%(link)s") % {"link": meeting.link})
    body = _("%(org)s定于 %(when)s 召开%(kind)s“%(title)s”，%(where)s。") % {
        "org": meeting.organization.name,
        "when": _when(meeting),
        "kind": kind,
        "title": meeting.title,
        "where": _("，").join(where),
    }
    if meeting.is_lecture and meeting.lecturer:
        body += _("授课人：%(name)s。") % {"name": meeting.lecturer}
    body += _("请准时参加；不能参加的，请在会议页面请假并说明事由。")
    return title, body


def _send_notice(meeting: Meeting) -> None:
    title, body = notice_text(meeting)
    _notify_expected(meeting, kind="meetings.meeting_notice", title=title, body=body)
    meeting.notified_at = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(notified_at=meeting.notified_at)


@audited
@transaction.atomic
def meeting_send_notice(*, meeting: Meeting, actor, now: datetime | None = None) -> Meeting:
    """Send (or send again) the notice to everyone expected who has an account."""
    _require(actor, meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            _("会议当前状态为“%(status)s”，不能发送通知。")
            % {"status": meeting.get_status_display()}
        )
    if (now or timezone.now()) >= meeting.ends_at:
        raise ValidationError(_("会议已经结束，不能再发送通知。"))
    _send_notice(meeting)
    return meeting


# --- Answers to the notice (RSVP) ---------------------------------------------------------------


@audited
@transaction.atomic
def meeting_rsvp(
    *, meeting: Meeting, actor, answer: str, reason: str = "", now: datetime | None = None
) -> MeetingAttendance:
    """A person on the list answers for themself: attending, or leave (请假) with a reason,
    until the meeting ends. Leave moves their attendance to leave; attending after leave
    moves it back to expected; the meeting's leave count follows."""
    now = now or timezone.now()
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        raise PermissionDenied(_("您的账号未关联人员信息，无法回复会议通知。"))
    meeting = _locked(meeting)
    row = (
        MeetingAttendance.objects.select_for_update()
        .filter(meeting=meeting, person_id=person_id, role__in=EXPECTED_ROLES)
        .first()
    )
    if row is None:
        raise PermissionDenied(_("您不在本次会议的参会名单中。"))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            _("会议当前状态为“%(status)s”，不能再回复。") % {"status": meeting.get_status_display()}
        )
    if now >= meeting.ends_at:
        raise ValidationError(_("会议已经结束，不能再回复或请假。"))
    if answer not in (Rsvp.ATTENDING, Rsvp.LEAVE):
        raise ValidationError({"answer": [_("请选择参加或请假。")]})
    reason = (reason or "").strip()
    update = ["rsvp", "rsvp_at", "leave_reason", "status"]
    delta = 0
    if answer == Rsvp.LEAVE:
        if not reason:
            raise ValidationError({"reason": [_("请假须填写事由。")]})
        if len(reason) > REASON_MAX:
            raise ValidationError({"reason": [_("请假事由不能超过 200 字。")]})
        if row.status == AttendanceStatus.PRESENT:
            raise ValidationError(_("您已签到，不能再请假。"))
        if row.status == AttendanceStatus.ABSENT:
            raise ValidationError(_("您已被登记为缺席，如有误请联系会议组织者。"))
        if row.status == AttendanceStatus.EXPECTED:
            row.status = AttendanceStatus.LEAVE
            delta = 1
        row.leave_reason = reason
    else:
        if row.status == AttendanceStatus.LEAVE:
            row.status = AttendanceStatus.EXPECTED
            delta = -1
        row.leave_reason = ""
    row.rsvp = answer
    row.rsvp_at = now
    row.save(update_fields=update)
    if delta:
        Meeting.objects.filter(pk=meeting.pk).update(leave_count=F("leave_count") + delta)
    return row

"""Every write of the meetings app: one function per action, atomic, permission-checked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import user_can
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization

from ..enums import MeetingStatus
from ..models import Meeting, MeetingKind

MANAGE = "meetings.manage_meeting"
MEETING_FIELDS = ("title", "topic", "starts_at", "ends_at", "place", "link", "agenda")
# Where a meeting may move: held once it took place, cancelled before; nothing comes back.
TRANSITIONS = {
    (MeetingStatus.SCHEDULED, MeetingStatus.HELD),
    (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED),
}


def _require(actor, obj) -> None:
    if not user_can(actor, MANAGE, obj):
        raise PermissionDenied(_("您没有权限管理该组织的会议。"))


def _clean(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    meeting.title = (meeting.title or "").strip()
    if not meeting.title:
        errors.setdefault("title", []).append(_("请填写会议名称。"))
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors.setdefault("ends_at", []).append(_("结束时间应晚于开始时间。"))
    if not (meeting.place or "").strip() and not (meeting.link or "").strip():
        errors.setdefault("place", []).append(_("请填写地点或线上链接。"))
    if not meeting.kind.is_active:
        errors.setdefault("kind", []).append(_("该会议类别已停用。"))
    if errors:
        raise ValidationError(errors)


@audited
@transaction.atomic
def meeting_create(
    *, organization: Organization, kind: MeetingKind, actor, **fields: Any
) -> Meeting:
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
    meeting.save()
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("kind").get(pk=meeting.pk)


@audited
@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, **fields: Any) -> Meeting:
    _require(actor, meeting)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("已取消的会议不能修改。"))
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    _clean(meeting)
    meeting.save()
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
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@audited
@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor) -> Meeting:
    return _move(meeting, MeetingStatus.HELD, actor)


@audited
@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor) -> Meeting:
    return _move(meeting, MeetingStatus.CANCELLED, actor)

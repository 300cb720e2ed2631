"""The records of a meeting: its minutes (会议记录) with decisions, published once and then
changed only by revisions that keep the earlier ones, and its files and photos.

Publishing is allowed once the meeting has taken place: it is marked held, or it is still
marked scheduled but its start has passed (a secretary often writes the minutes before marking
the meeting held). A cancelled meeting has no minutes to publish and takes no files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.images import check_image, thumbnail
from grassroots.core.uploads import DOCUMENT_KINDS, IMAGE_KINDS, check_file

from ..enums import MeetingStatus
from ..models import Meeting, MeetingAttachment, Minutes, MinutesRevision
from .attendance import require_manager
from .meetings import meeting_url

TEXT_MAX = 50_000
DECISIONS_MAX = 10_000
REASON_MAX = 200
CAPTION_MAX = 200
MAX_ATTACHMENTS = 100  # per meeting


def _clean_text(text: str, decisions: str) -> tuple[str, str]:
    text = (text or "").strip()
    decisions = "\n".join(line.strip() for line in (decisions or "").splitlines() if line.strip())
    errors: dict[str, list[str]] = {}
    if len(text) > TEXT_MAX:
        errors["text"] = [_("会议记录不能超过 %(n)d 字。") % {"n": TEXT_MAX}]
    if len(decisions) > DECISIONS_MAX:
        errors["decisions"] = [_("决议不能超过 %(n)d 字。") % {"n": DECISIONS_MAX}]
    if errors:
        raise ValidationError(errors)
    return text, decisions


def _locked_minutes(meeting: Meeting) -> Minutes:
    """The meeting's minutes, locked; created empty the first time (two managers opening the
    minutes at once make one row: the one-to-one key refuses the second)."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None:
        return minutes
    try:
        with transaction.atomic():
            Minutes.objects.create(meeting=meeting)
    except IntegrityError:
        pass
    return Minutes.objects.select_for_update().get(meeting=meeting)


def _writable(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_related("kind", "organization").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("该会议已取消，不能填写会议记录。"))
    return meeting


@audited
@transaction.atomic
def minutes_save_draft(*, meeting: Meeting, text: str, decisions: str, actor) -> Minutes:
    """Save the draft of the minutes; only while they were never published."""
    require_manager(actor, meeting)
    meeting = _writable(meeting)
    text, decisions = _clean_text(text, decisions)
    minutes = _locked_minutes(meeting)
    if minutes.is_published:
        raise ValidationError(
            _("会议记录已发布，不能直接修改；如需更正，请提交修订并说明修订原因。")
        )
    minutes.text = text
    minutes.decisions = decisions
    minutes.updated_by = actor
    minutes.save(update_fields=["text", "decisions", "updated_by", "updated_at"])
    return minutes


def _check_held(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.HELD:
        return
    if meeting.status == MeetingStatus.SCHEDULED and now >= meeting.starts_at:
        return
    raise ValidationError(_("会议召开后才能发布会议记录。"))


def _notify_on_commit(meeting: Meeting, actor, title: str) -> None:
    """Tell the people on the meeting's list who have an account (not the publisher)."""
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    meeting_id = meeting.pk
    url = meeting_url(meeting)
    actor_id = actor.pk

    def send() -> None:
        users = User.objects.filter(
            is_active=True, person__meeting_attendances__meeting_id=meeting_id
        ).exclude(pk=actor_id)
        notify(
            recipients=users.iterator(chunk_size=2000),
            kind="meetings.minutes_published",
            title=title,
            url=url,
        )

    transaction.on_commit(send)


def _new_revision(minutes: Minutes, *, reason: str, actor, now: datetime) -> MinutesRevision:
    number = minutes.revision + 1
    try:
        with transaction.atomic():
            revision = MinutesRevision.objects.create(
                minutes=minutes,
                number=number,
                text=minutes.text,
                decisions=minutes.decisions,
                reason=reason,
                published_at=now,
                published_by=actor,
            )
    except IntegrityError:  # the row lock makes this unreachable; the constraint backs it
        raise ValidationError(_("会议记录已被他人同时发布，请刷新后重试。")) from None
    minutes.revision = number
    return revision


@audited
@transaction.atomic
def minutes_publish(
    *,
    meeting: Meeting,
    actor,
    text: str | None = None,
    decisions: str | None = None,
    now: datetime | None = None,
) -> Minutes:
    """Publish the minutes (version 1): the people on the list then see them and are told.
    `text` and `decisions`, when given, are saved with it (the draft form's 'publish' button)."""
    now = now or timezone.now()
    require_manager(actor, meeting)
    meeting = _writable(meeting)
    minutes = _locked_minutes(meeting)
    if minutes.is_published:
        raise ValidationError(_("会议记录已经发布；如需更正，请提交修订。"))
    _check_held(meeting, now)
    if text is not None:
        minutes.text, minutes.decisions = _clean_text(text, decisions or "")
    if not minutes.text.strip():
        raise ValidationError({"text": [_("会议记录为空，不能发布。")]})
    _new_revision(minutes, reason="", actor=actor, now=now)
    minutes.published_at = now
    minutes.updated_by = actor
    minutes.save(
        update_fields=["text", "decisions", "revision", "published_at", "updated_by", "updated_at"]
    )
    _notify_on_commit(meeting, actor, _("会议记录已发布：%(title)s") % {"title": meeting.title})
    return minutes


@audited
@transaction.atomic
def minutes_revise(
    *,
    meeting: Meeting,
    text: str,
    decisions: str,
    reason: str,
    actor,
    now: datetime | None = None,
) -> Minutes:
    """Correct published minutes: a new version with the reason; the earlier ones are kept."""
    now = now or timezone.now()
    require_manager(actor, meeting)
    meeting = _writable(meeting)
    text, decisions = _clean_text(text, decisions)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("请填写修订原因。")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("修订原因不能超过 %(n)d 字。") % {"n": REASON_MAX}]
    if not text:
        errors["text"] = [_("会议记录不能为空。")]
    if errors:
        raise ValidationError(errors)
    minutes = _locked_minutes(meeting)
    if not minutes.is_published:
        raise ValidationError(_("会议记录尚未发布，请直接修改草稿。"))
    if (text, decisions) == (minutes.text, minutes.decisions):
        raise ValidationError(_("内容没有变化，无需修订。"))
    minutes.text, minutes.decisions = text, decisions
    revision = _new_revision(minutes, reason=reason, actor=actor, now=now)
    minutes.updated_by = actor
    minutes.save(update_fields=["text", "decisions", "revision", "updated_by", "updated_at"])
    _notify_on_commit(
        meeting,
        actor,
        _("会议记录已修订（第 %(n)d 版）：%(title)s")
        % {"n": revision.number, "title": meeting.title},
    )
    return minutes


# --- Files and photos ------------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return int(getattr(settings, "MEETINGS_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def _file_name(uploaded) -> str:
    name = PurePath((getattr(uploaded, "name", "") or "").replace("\\", "/")).name.strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name or _("附件")


@audited
@transaction.atomic
def attachment_add(*, meeting: Meeting, file, actor, caption: str = "") -> MeetingAttachment:
    """Attach a document (PDF, Word, text) or a photo (JPEG, PNG, with a thumbnail) to a meeting
    that is scheduled or held. The file is judged by its content, not its name alone."""
    require_manager(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("该会议已取消，不能上传附件。"))
    if not file:
        raise ValidationError({"file": [_("请选择要上传的文件。")]})
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise ValidationError({"caption": [_("说明不能超过 %(n)d 字。") % {"n": CAPTION_MAX}]})
    if MeetingAttachment.objects.filter(meeting=meeting).count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("每个会议最多上传 %(n)d 个附件，请先删除不需要的。") % {"n": MAX_ATTACHMENTS}
        )
    limit = attachment_max_bytes()
    try:
        kind = check_file(file, {**DOCUMENT_KINDS, **IMAGE_KINDS}, limit)
        thumb = None
        if kind in IMAGE_KINDS:
            kind = check_image(file, limit)
            thumb = thumbnail(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    attachment = MeetingAttachment(
        meeting=meeting,
        name=_file_name(file),
        kind=kind,
        size=file.size,
        caption=caption,
        uploaded_by=actor,
    )
    attachment.file.save(file.name, file, save=False)
    if thumb is not None:
        attachment.thumbnail.save(thumb.name, thumb, save=False)
    try:
        attachment.save()
    except Exception:
        _delete_files(_stored(attachment))  # no row, so no stored file either
        raise
    return attachment


def _stored(attachment: MeetingAttachment) -> list[tuple]:
    return [
        (attachment.file, attachment.file.name),
        (attachment.thumbnail, attachment.thumbnail.name),
    ]


def _delete_files(names: list[tuple]) -> None:
    for field, name in names:
        if name:
            field.storage.delete(name)


@audited
@transaction.atomic
def attachment_delete(*, attachment: MeetingAttachment, actor) -> None:
    attachment = (
        MeetingAttachment.objects.select_for_update()
        .select_related("meeting")
        .get(pk=attachment.pk)
    )
    require_manager(actor, attachment.meeting)
    if attachment.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("该会议已取消，不能删除附件。"))
    names = _stored(attachment)
    attachment.delete()
    transaction.on_commit(lambda: _delete_files(names))

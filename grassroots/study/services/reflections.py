"""Writes of reflections (心得体会): a member writes and corrects their own; the secretary accepts,
returns or marks them excellent along REFLECTION_TRANSITIONS, each move logged as an event and
told to the author; an excellent one may be shared with the author's organization."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import user_can

from ..enums import REFLECTION_TRANSITIONS, ReflectionStatus, SessionStatus
from ..models import Attendance, Material, Reflection, ReflectionEvent, StudySession
from ..selectors.library import materials_for

DEFAULT_MIN_LENGTH = 300
MAX_LENGTH = 20_000  # characters, whitespace not counted
MAX_RAW_LENGTH = 60_000  # characters as typed: a bound for pages of blank lines
REVIEW_CODENAME = "study.review_reflection"

# Line and paragraph separators that editors and pasted web pages bring along.
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")
_WHITESPACE = re.compile(r"\s+")
# Invisible characters that pasted text carries (byte-order mark, zero-width space, word joiner):
# they would count as characters without being seen.
_INVISIBLE = {"\ufeff", "\u200b", "\u2060"}


def plain_text(value: str) -> str:
    """Text as plain Unicode: NFC, line endings as \\n, control characters other than the line
    break and the tab removed, and invisible ones too, surrounding blank space trimmed."""
    value = unicodedata.normalize("NFC", value or "")
    value = _LINE_BREAKS.sub("\n", value)
    value = "".join(
        ch
        for ch in value
        if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _INVISIBLE)
    )
    return value.strip()


def text_length(text: str) -> int:
    """The length the rules count: characters without any whitespace (a Chinese character is one)."""
    return len(_WHITESPACE.sub("", text or ""))


def min_length() -> int:
    return int(getattr(settings, "STUDY_REFLECTION_MIN_LENGTH", DEFAULT_MIN_LENGTH))


def _author_of(actor):
    person = getattr(actor, "person", None) if getattr(actor, "person_id", None) else None
    if person is None:
        raise ValidationError(_("您的账号未关联人员信息，不能提交心得体会。"))
    return person


def _is_author(actor, reflection: Reflection) -> bool:
    return bool(getattr(actor, "person_id", None)) and actor.person_id == reflection.person_id


def _checked_text(title: str, text: str) -> tuple[str, str, int]:
    errors: dict[str, list] = {}
    title = plain_text(title).replace("\n", " ").replace("\t", " ").strip()
    if not title:
        errors["title"] = [_("请填写标题。")]
    elif len(title) > Reflection._meta.get_field("title").max_length:
        errors["title"] = [_("标题不能超过 200 个字。")]
    if len(text or "") > MAX_RAW_LENGTH:
        errors["text"] = [_("正文过长，请精简后再提交。")]
        raise ValidationError(errors)
    text = plain_text(text)
    length = text_length(text)
    least = min_length()
    if length < least:
        errors["text"] = [
            _("正文至少 %(min)d 字（不含空格和换行），目前 %(n)d 字。")
            % {"min": least, "n": length}
        ]
    elif length > MAX_LENGTH:
        errors["text"] = [
            _("正文不能超过 %(max)d 字（不含空格和换行），目前 %(n)d 字。")
            % {"max": MAX_LENGTH, "n": length}
        ]
    if errors:
        raise ValidationError(errors)
    return title, text, length


def _check_subject(
    *, actor, person, session: StudySession | None, material: Material | None
) -> None:
    """A reflection is on a session the author was expected at, a material they can see, or on
    neither (a free topic); never on both."""
    if session is not None and material is not None:
        raise ValidationError(_("一篇心得只能对应一次学习活动或一份学习资料。"))
    if session is not None:
        expected = Attendance.objects.filter(session=session, person=person).exists()
        if not expected or session.status == SessionStatus.CANCELLED:
            raise ValidationError({"session": _("只能就您应参加的学习活动撰写心得。")})
    if material is not None:
        if not materials_for(actor).filter(pk=material.pk).exists():
            raise ValidationError({"material": _("该学习资料不在您的可见范围内。")})


def _notify_author(reflection: Reflection, title: str, body: str = "") -> None:
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    recipients = list(User.objects.filter(person_id=reflection.person_id, is_active=True))
    if not recipients:
        return
    url = reverse("study:reflection_detail", args=[reflection.pk])
    transaction.on_commit(
        lambda: notify(
            recipients=recipients, kind="study.reflection", title=title, body=body, url=url
        )
    )


def _event(reflection: Reflection, actor, from_status: str, to_status: str, comment: str = ""):
    return ReflectionEvent.objects.create(
        reflection=reflection,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _lock(reflection: Reflection) -> Reflection:
    # of=("self",): only the reflection's row; its author and organization are read, not locked.
    return (
        Reflection.objects.select_for_update(of=("self",))
        .select_related("person", "person__primary_org")
        .get(pk=reflection.pk)
    )


@audited
@transaction.atomic
def reflection_submit(
    *,
    title: str,
    text: str,
    session: StudySession | None = None,
    material: Material | None = None,
    actor,
) -> Reflection:
    """A member submits a reflection of their own; it waits for the secretary's review."""
    person = _author_of(actor)
    title, text, length = _checked_text(title, text)
    _check_subject(actor=actor, person=person, session=session, material=material)
    reflection = Reflection.objects.create(
        person=person,
        session=session,
        material=material,
        title=title,
        text=text,
        length=length,
        status=ReflectionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    _event(reflection, actor, "", ReflectionStatus.SUBMITTED)
    return reflection


@audited
@transaction.atomic
def reflection_update(
    *,
    reflection: Reflection,
    title: str,
    text: str,
    session: StudySession | None = None,
    material: Material | None = None,
    actor,
) -> Reflection:
    """The author corrects a reflection still waiting for review, or a returned one, which is
    then submitted again (returned → submitted) and waits anew."""
    if not _is_author(actor, reflection):
        raise PermissionDenied(_("只有作者本人可以修改心得体会。"))
    locked = _lock(reflection)
    if locked.status not in (ReflectionStatus.SUBMITTED, ReflectionStatus.RETURNED):
        raise ValidationError(_("该心得已审阅，不能再修改。"))
    title, text, length = _checked_text(title, text)
    _check_subject(actor=actor, person=locked.person, session=session, material=material)
    locked.title, locked.text, locked.length = title, text, length
    locked.session, locked.material = session, material
    # A check of the old text says nothing about the new one.
    locked.check_status, locked.check_result, locked.checked_at = "", None, None
    fields = ["title", "text", "length", "session", "material"]
    fields += ["check_status", "check_result", "checked_at"]
    if locked.status == ReflectionStatus.RETURNED:
        if (locked.status, ReflectionStatus.SUBMITTED) not in REFLECTION_TRANSITIONS:
            raise ValidationError(_("当前状态不能重新提交。"))
        _event(locked, actor, locked.status, ReflectionStatus.SUBMITTED)
        locked.status = ReflectionStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    locked.save(update_fields=fields)
    return locked


def may_review(actor, reflection: Reflection) -> bool:
    """Holds study.review_reflection over the author's organization and is not the author."""
    return user_can(actor, REVIEW_CODENAME, reflection) and not _is_author(actor, reflection)


def _review(
    *, reflection: Reflection, to_status: str, comment: str = "", actor
) -> tuple[Reflection, str]:
    locked = _lock(reflection)
    comment = plain_text(comment or "")
    if _is_author(actor, locked):
        raise PermissionDenied(_("不能审阅自己的心得体会。"))
    if not user_can(actor, REVIEW_CODENAME, locked):
        raise PermissionDenied(_("您没有权限审阅该心得体会。"))
    from_status = locked.status
    codename = REFLECTION_TRANSITIONS.get((from_status, to_status), "")
    if codename != REVIEW_CODENAME:
        raise ValidationError(
            _("不能把“%(from)s”的心得改为“%(to)s”。")
            % {
                "from": ReflectionStatus(from_status).label,
                "to": ReflectionStatus(to_status).label,
            }
        )
    if to_status == ReflectionStatus.RETURNED and not comment:
        raise ValidationError({"comment": _("退回时请填写修改意见。")})
    locked.status = to_status
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_comment = comment
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _event(locked, actor, from_status, to_status, comment)
    return locked, comment


@audited
@transaction.atomic
def reflection_accept(*, reflection: Reflection, comment: str = "", actor) -> Reflection:
    locked, comment = _review(
        reflection=reflection, to_status=ReflectionStatus.ACCEPTED, comment=comment, actor=actor
    )
    _notify_author(locked, _("您的心得体会“%(t)s”已通过审阅") % {"t": locked.title}, comment)
    return locked


@audited
@transaction.atomic
def reflection_return(*, reflection: Reflection, comment: str, actor) -> Reflection:
    """Send a reflection back to its author with what to change (a comment is required)."""
    locked, comment = _review(
        reflection=reflection, to_status=ReflectionStatus.RETURNED, comment=comment, actor=actor
    )
    _notify_author(
        locked, _("您的心得体会“%(t)s”被退回，请修改后重新提交") % {"t": locked.title}, comment
    )
    return locked


@audited
@transaction.atomic
def reflection_mark_excellent(*, reflection: Reflection, comment: str = "", actor) -> Reflection:
    """Mark a reflection excellent, when it is submitted or already accepted."""
    locked, comment = _review(
        reflection=reflection, to_status=ReflectionStatus.EXCELLENT, comment=comment, actor=actor
    )
    _notify_author(locked, _("您的心得体会“%(t)s”被评为优秀") % {"t": locked.title}, comment)
    return locked


REVIEW_ACTIONS = {
    ReflectionStatus.ACCEPTED: reflection_accept,
    ReflectionStatus.RETURNED: reflection_return,
    ReflectionStatus.EXCELLENT: reflection_mark_excellent,
}


@audited
@transaction.atomic
def reflection_set_shared(*, reflection: Reflection, shared: bool, actor) -> Reflection:
    """Share an excellent reflection with the author's organization (its people and those of the
    organizations below it), or stop sharing it. The reviewer shares; the reviewer or the author
    may stop sharing."""
    locked = _lock(reflection)
    if shared:
        if not may_review(actor, locked):
            raise PermissionDenied(_("您没有权限分享该心得体会。"))
        if locked.status != ReflectionStatus.EXCELLENT:
            raise ValidationError(_("只有评为优秀的心得才能在本组织分享。"))
    elif not (may_review(actor, locked) or _is_author(actor, locked)):
        raise PermissionDenied(_("您没有权限取消分享该心得体会。"))
    if locked.shared == shared:
        return locked
    locked.shared = shared
    locked.save(update_fields=["shared"])
    if shared:
        _notify_author(
            locked,
            _("您的优秀心得“%(t)s”已在%(org)s分享")
            % {"t": locked.title, "org": locked.person.primary_org.name},
        )
    return locked


def reflection_attach_check(
    *, reflection: Reflection, status: str, result: dict | list | None = None
) -> Reflection:
    """The hook for the template-copy check (textcheck): store its outcome on the reflection.

    A checker calls this after it has looked at `reflection.text`, with a short status of its
    own (e.g. "pending", "passed", "suspect", "failed"; at most 20 characters) and a JSON result.
    The detail page shows the block when a status is present; it reads, when the result holds
    them, `summary` (a sentence), `similarity` (0–1) and `matches` (a list of objects with
    `source`, `similarity` and `excerpt`). Editing the text clears the stored check. No actor:
    the checker is the system, not a person, and it changes no review state.
    """
    status = (status or "").strip()[: Reflection._meta.get_field("check_status").max_length]
    checked_at = timezone.now()
    Reflection.objects.filter(pk=reflection.pk).update(
        check_status=status, check_result=result, checked_at=checked_at
    )
    reflection.check_status, reflection.check_result = status, result
    reflection.checked_at = checked_at
    return reflection

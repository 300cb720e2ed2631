"""Writes of the question bank: create, edit, deactivate or delete a question; tags."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.core.audit import audited

from ..grading import fingerprint
from ..models import Question, Tag
from .common import clean_question, require

MANAGE = "quizzes.manage_questions"
MAX_TAGS = 10
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_tags(value) -> list[str]:
    """Tag names from "党章、三会一课" or a list: trimmed, unique, in order."""
    if isinstance(value, str):
        value = _TAG_SPLIT.split(value)
    names = [str(v).strip()[:30] for v in (value or []) if str(v).strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("每道题最多 %(n)d 个标签。") % {"n": MAX_TAGS}})
    return names


def tags_named(names: list[str]) -> list[Tag]:
    """The tags of these names, created when new (two imports at once may create the same)."""
    if not names:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return [existing[n] for n in names]


def _duplicate() -> ValidationError:
    return ValidationError({"stem": _("本组织题库中已有相同的题目（题型、题干和选项都相同）。")})


def _save(question: Question) -> None:
    clash = (
        Question.objects.filter(
            organization_id=question.organization_id, fingerprint=question.fingerprint
        )
        .exclude(pk=question.pk)
        .exists()
    )
    if clash:
        raise _duplicate()
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        raise _duplicate() from None


@audited
@transaction.atomic
def question_create(*, organization, actor, tags=(), **fields) -> Question:
    require(actor, MANAGE, organization, _("您没有权限维护该组织的题库。"))
    if not organization.is_active:
        raise ValidationError(_("不能向已撤销的组织的题库添加题目。"))
    cleaned = clean_question(**fields)
    names = parse_tags(tags)
    question = Question(organization=organization, created_by=actor, **cleaned)
    question.fingerprint = fingerprint(cleaned["qtype"], cleaned["stem"], cleaned["options"])
    _save(question)
    question.tags.set(tags_named(names))
    return question


@audited
@transaction.atomic
def question_update(*, question: Question, actor, tags=(), **fields) -> Question:
    """Edit a question. Attempts and contests keep their own copy, so a graded answer never
    changes with the bank."""
    require(actor, MANAGE, question)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    cleaned = clean_question(**fields)
    names = parse_tags(tags)
    for key, value in cleaned.items():
        setattr(locked, key, value)
    locked.fingerprint = fingerprint(cleaned["qtype"], cleaned["stem"], cleaned["options"])
    _save(locked)
    locked.tags.set(tags_named(names))
    return locked


@audited
@transaction.atomic
def question_set_active(*, question: Question, active: bool, actor) -> Question:
    require(actor, MANAGE, question)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
    return locked


def question_is_used(question: Question) -> bool:
    return (
        question.quiz_uses.exists()
        or question.attempt_uses.exists()
        or question.contest_uses.exists()
    )


@audited
@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    """Delete a question nobody has used yet; a used one can only be deactivated."""
    require(actor, MANAGE, question)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if question_is_used(locked):
        raise ValidationError(_("该题已被测试或竞赛使用，不能删除，可以停用。"))
    locked.delete()

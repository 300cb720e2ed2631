"""Checks shared by the write services: permissions, and the shape of questions and responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from grassroots.core.permissions import user_can

from ..enums import CHOICE_TYPES, Difficulty, QuestionType

MAX_OPTIONS = 8
MAX_BLANKS = 10
MAX_ANSWER_CHARS = 200


def require(actor, codename: str, obj=None, message: str | None = None) -> None:
    if not user_can(actor, codename, obj):
        raise PermissionDenied(message or _("您没有权限执行此操作。"))


def clean_question(
    *, qtype: str, stem: str, options, answer, explanation: str = "", difficulty=2
) -> dict:
    """A question's fields, normalized and checked; a ValidationError per field otherwise."""
    errors: dict[str, list[str]] = {}
    stem = (stem or "").strip()
    explanation = (explanation or "").strip()
    if qtype not in QuestionType.values:
        errors.setdefault("qtype", []).append(_("请选择题型。"))
    if not stem:
        errors.setdefault("stem", []).append(_("请填写题干。"))
    elif len(stem) > 2000:
        errors.setdefault("stem", []).append(_("题干不能超过 2000 字。"))
    if len(explanation) > 2000:
        errors.setdefault("explanation", []).append(_("解析不能超过 2000 字。"))
    try:
        difficulty = int(difficulty)
    except (TypeError, ValueError):
        difficulty = 0
    if difficulty not in Difficulty.values:
        errors.setdefault("difficulty", []).append(_("难度应为易、中、难之一。"))
    options = [str(o).strip() for o in (options or [])]
    while options and not options[-1]:
        options.pop()
    if qtype in CHOICE_TYPES:
        options, answer = _clean_choice(qtype, options, answer, errors)
    elif qtype == QuestionType.TRUE_FALSE:
        options = []
        if (
            not isinstance(answer, list | tuple)
            or len(answer) != 1
            or answer[0]
            not in (
                True,
                False,
            )
        ):
            errors.setdefault("answer", []).append(_("判断题的答案应为“正确”或“错误”。"))
        else:
            answer = [bool(answer[0])]
    elif qtype == QuestionType.FILL_BLANK:
        options = []
        answer = _clean_blanks(answer, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "qtype": qtype,
        "stem": stem,
        "options": options,
        "answer": answer,
        "explanation": explanation,
        "difficulty": difficulty,
    }


def _clean_choice(qtype: str, options: list[str], answer, errors: dict) -> tuple[list, list]:
    from ..grading import normalize

    if any(not o for o in options):
        errors.setdefault("options", []).append(_("选项不能有空行，请删除空白选项。"))
    if len(options) < 2:
        errors.setdefault("options", []).append(_("选择题至少需要两个选项。"))
    if len(options) > MAX_OPTIONS:
        errors.setdefault("options", []).append(_("选择题最多 %(n)d 个选项。") % {"n": MAX_OPTIONS})
    if any(len(o) > 500 for o in options):
        errors.setdefault("options", []).append(_("每个选项不能超过 500 字。"))
    normalized = [normalize(o) for o in options if o]
    if len(set(normalized)) != len(normalized):
        errors.setdefault("options", []).append(_("选项有重复。"))
    try:
        chosen = sorted({int(i) for i in (answer or [])})
    except (TypeError, ValueError):
        chosen = []
    if any(i < 0 or i >= len(options) for i in chosen):
        errors.setdefault("answer", []).append(_("正确答案须是已有的选项。"))
    elif qtype == QuestionType.SINGLE and len(chosen) != 1:
        errors.setdefault("answer", []).append(_("单选题应有且只有一个正确选项。"))
    elif qtype == QuestionType.MULTIPLE and len(chosen) < 2:
        errors.setdefault("answer", []).append(_("多选题至少应有两个正确选项。"))
    return options, chosen


def _clean_blanks(answer, errors: dict) -> list[list[str]]:
    blanks: list[list[str]] = []
    for accepted in answer or []:
        if isinstance(accepted, str):
            accepted = [accepted]
        values = [str(a).strip() for a in accepted if str(a).strip()]
        if values:
            blanks.append(list(dict.fromkeys(values)))
    if not blanks:
        errors.setdefault("answer", []).append(_("请填写填空题的参考答案。"))
    elif len(blanks) > MAX_BLANKS:
        errors.setdefault("answer", []).append(_("一道填空题最多 %(n)d 个空。") % {"n": MAX_BLANKS})
    elif any(len(a) > MAX_ANSWER_CHARS for accepted in blanks for a in accepted):
        errors.setdefault("answer", []).append(
            _("参考答案每项不能超过 %(n)d 字。") % {"n": MAX_ANSWER_CHARS}
        )
    return blanks


def clean_response(qtype: str, options: list, answer: list, raw) -> list:
    """A member's response in the bank's terms (option indexes, a boolean, texts per blank),
    checked against the question; an empty list is "not answered"."""
    invalid = ValidationError(_("答案格式不正确，请刷新页面后重试。"), code="invalid_response")
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list | tuple):
        raw = [raw]
    if qtype in CHOICE_TYPES:
        try:
            chosen = sorted({int(v) for v in raw})
        except (TypeError, ValueError):
            raise invalid from None
        if any(i < 0 or i >= len(options) for i in chosen):
            raise invalid
        if qtype == QuestionType.SINGLE and len(chosen) > 1:
            raise ValidationError(_("单选题只能选择一个选项。"), code="one_option")
        return chosen
    if qtype == QuestionType.TRUE_FALSE:
        value = raw[0]
        if value in (True, "true", "1", 1):
            return [True]
        if value in (False, "false", "0", 0):
            return [False]
        raise invalid
    texts = [str(v or "")[:MAX_ANSWER_CHARS] for v in raw]
    if len(texts) != len(answer):
        raise invalid
    if not any(t.strip() for t in texts):
        return []
    return texts

"""The dry run of a question import: every row of the file turned into a question, or into a
Chinese message per problem. Reads the database (which questions the bank already holds),
writes nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import CHOICE_TYPES, Difficulty, QuestionType
from .grading import fingerprint, normalize
from .models import Question
from .services.bank import parse_tags
from .services.common import clean_question
from .workbooks import OPTION_LETTERS, QuestionSheet

NEW = "new"
EXISTING = "existing"
REPEATED = "repeated"
ERROR = "error"
STATUS_LABELS = {
    NEW: gettext_lazy("新增"),
    EXISTING: gettext_lazy("题库已有（跳过）"),
    REPEATED: gettext_lazy("文件内重复（跳过）"),
    ERROR: gettext_lazy("有错误（跳过）"),
}

_TYPES = {
    QuestionType.SINGLE: ("单选", "单选题", "单项选择", "单项选择题", "single"),
    QuestionType.MULTIPLE: ("多选", "多选题", "多项选择", "多项选择题", "不定项选择题", "multiple"),
    QuestionType.TRUE_FALSE: ("判断", "判断题", "是非题", "true_false", "truefalse"),
    QuestionType.FILL_BLANK: ("填空", "填空题", "fill_blank", "fill"),
}
TYPE_BY_LABEL = {normalize(label): qtype for qtype, labels in _TYPES.items() for label in labels}
_DIFFICULTIES = {
    Difficulty.EASY: ("易", "简单", "容易", "1"),
    Difficulty.MEDIUM: ("中", "中等", "一般", "适中", "2"),
    Difficulty.HARD: ("难", "困难", "较难", "3"),
}
DIFFICULTY_BY_LABEL = {
    normalize(label): level for level, labels in _DIFFICULTIES.items() for label in labels
}
_TRUE = {normalize(v) for v in ("正确", "对", "是", "√", "✓", "T", "TRUE", "Y", "yes")}
_FALSE = {normalize(v) for v in ("错误", "错", "否", "×", "✗", "X", "F", "FALSE", "N", "no")}
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")


@dataclass
class ImportRow:
    line: int
    stem: str
    qtype_label: str
    status: str = NEW
    errors: list[str] = field(default_factory=list)
    fields: dict | None = None
    tags: list[str] = field(default_factory=list)
    fingerprint: str = ""
    same_as: int | None = None  # the earlier line of a repeated question

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_error(self) -> bool:
        return self.status == ERROR


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    ignored_headers: list[str]

    @property
    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, EXISTING: 0, REPEATED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def writable(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == NEW]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice_answer(raw: str) -> list[int] | None:
    value = _letters_of(raw)
    if not value:
        return None
    indexes = []
    for char in value:
        if char not in OPTION_LETTERS:
            return None
        indexes.append(OPTION_LETTERS.index(char))
    return sorted(set(indexes))


def _letters_of(raw: str) -> str:
    """ "A、C", "ａｃ" or "A,C" → "AC"."""
    return _LETTER_SEPARATORS.sub("", normalize(raw)).upper()


def _parse_row(line: int, values: dict) -> ImportRow:
    stem = _text(values.get("stem"))
    type_text = _text(values.get("qtype"))
    row = ImportRow(line=line, stem=stem, qtype_label=type_text)
    errors = row.errors
    qtype = TYPE_BY_LABEL.get(normalize(type_text))
    if not type_text:
        errors.append(_("请填写题型（单选题、多选题、判断题或填空题）。"))
    elif qtype is None:
        errors.append(
            _("题型“%(value)s”无法识别，应为单选题、多选题、判断题或填空题。")
            % {"value": type_text}
        )
    options: list[str] = []
    gap = None
    for letter in OPTION_LETTERS:
        text = _text(values.get(f"option_{letter}"))
        if text:
            if gap is not None:
                errors.append(
                    _("选项不能跳空：选项%(gap)s为空，但后面还有选项%(letter)s。")
                    % {"gap": gap, "letter": letter}
                )
                gap = None
            options.append(text)
        elif gap is None and len(options) == OPTION_LETTERS.index(letter):
            gap = letter
    answer_text = _text(values.get("answer"))
    answer = None
    if not answer_text:
        errors.append(_("请填写正确答案。"))
    elif qtype in CHOICE_TYPES:
        answer = _choice_answer(answer_text)
        if answer is None:
            errors.append(
                _("正确答案“%(value)s”应为选项字母，如 B 或 ABD。") % {"value": answer_text}
            )
        elif any(i >= len(options) for i in answer):
            errors.append(_("正确答案“%(value)s”中有不存在的选项。") % {"value": answer_text})
            answer = None
    elif qtype == QuestionType.TRUE_FALSE:
        key = normalize(answer_text)
        if key in _TRUE:
            answer = [True]
        elif key in _FALSE:
            answer = [False]
        else:
            errors.append(
                _("判断题的正确答案应为“正确”或“错误”，不能是“%(value)s”。")
                % {"value": answer_text}
            )
        if options:
            errors.append(_("判断题不需要填写选项，请清空选项列。"))
    elif qtype == QuestionType.FILL_BLANK:
        blanks = re.split(r"[;；]", unicodedata.normalize("NFKC", answer_text))
        answer = [[a.strip() for a in re.split(r"[|｜]", blank) if a.strip()] for blank in blanks]
        answer = [accepted for accepted in answer if accepted]
        if options:
            errors.append(_("填空题不需要填写选项，请清空选项列。"))
    difficulty_text = _text(values.get("difficulty"))
    difficulty = Difficulty.MEDIUM
    if difficulty_text:
        difficulty = DIFFICULTY_BY_LABEL.get(normalize(difficulty_text))
        if difficulty is None:
            errors.append(
                _("难度“%(value)s”无法识别，应为易、中、难（或 1、2、3）。")
                % {"value": difficulty_text}
            )
    try:
        row.tags = parse_tags(_text(values.get("tags")))
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors or qtype is None:
        if not stem:
            errors.insert(0, _("请填写题干。"))
        row.status = ERROR
        return row
    try:
        row.fields = clean_question(
            qtype=qtype,
            stem=stem,
            options=options,
            answer=answer,
            explanation=_text(values.get("explanation")),
            difficulty=difficulty,
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
        row.status = ERROR
        return row
    row.fingerprint = fingerprint(qtype, row.fields["stem"], row.fields["options"])
    return row


def build_plan(organization, sheet: QuestionSheet) -> ImportPlan:
    """What confirming would do, row by row: new, already in the bank, repeated, or wrong."""
    rows = [_parse_row(line, values) for line, values in sheet.rows]
    fingerprints = {row.fingerprint for row in rows if row.fingerprint}
    existing = set(
        Question.objects.filter(
            organization=organization, fingerprint__in=fingerprints
        ).values_list("fingerprint", flat=True)
    )
    first_line: dict[str, int] = {}
    for row in rows:
        if row.status == ERROR:
            continue
        if row.fingerprint in existing:
            row.status = EXISTING
        elif row.fingerprint in first_line:
            row.status = REPEATED
            row.same_as = first_line[row.fingerprint]
            row.errors.append(_("与第 %(line)d 行的题目相同。") % {"line": row.same_as})
        else:
            first_line[row.fingerprint] = row.line
    return ImportPlan(rows=rows, ignored_headers=sheet.ignored_headers)

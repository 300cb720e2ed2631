"""How an answer is judged: text normalization for fill-in-the-blank, the fingerprint that
recognizes a question already in the bank, and the score of one response. Pure functions,
no database, shared by quizzes and contests.

The shape of a question's `answer` (and of a member's `response`) depends on its type:
single and multiple choice hold option indexes (of the bank's order, never of the shuffled
order shown), true/false holds one boolean, fill-in-the-blank holds, per blank, the accepted
answers (and the response, per blank, the text typed).

Multiple choice is all-or-nothing. A quiz may allow partial credit instead: a response that
picks only correct options, but not all of them, earns half the points (rounded down); a
response with any wrong option earns nothing (the usual 少选得一半分，错选不得分).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from .enums import QuestionType

_SPACES = re.compile(r"\s+")
# Full-width ASCII (U+FF01–U+FF5E) sits at a fixed offset from its half-width form.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # the ideographic space


def normalize(text) -> str:
    """Text as compared: NFKC, full-width to half-width, case-folded, spaces collapsed."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).translate(_FULL_WIDTH)
    return _SPACES.sub(" ", value.casefold()).strip()


def fingerprint(qtype: str, stem: str, options: list[str]) -> str:
    """A stable key of a question: its type, stem and options (in any order), normalized, so
    that importing the same question twice, or with its options reordered, is recognized."""
    parts = [qtype, normalize(stem), *sorted(normalize(o) for o in options)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Judgement:
    answered: bool
    correct: bool
    score: int


def is_answered(qtype: str, response) -> bool:
    if not isinstance(response, list) or not response:
        return False
    if qtype == QuestionType.FILL_BLANK:
        return any(normalize(v) for v in response)
    return True


def judge(qtype: str, answer, response, points: int, *, partial_credit: bool = False) -> Judgement:
    """The score of `response` to a question of type `qtype` whose key is `answer`."""
    if not is_answered(qtype, response):
        return Judgement(False, False, 0)
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen, key = set(response), set(answer)
        if chosen == key:
            return Judgement(True, True, points)
        if partial_credit and qtype == QuestionType.MULTIPLE and chosen < key:
            return Judgement(True, False, points // 2)
        return Judgement(True, False, 0)
    if qtype == QuestionType.TRUE_FALSE:
        correct = bool(response[0]) == bool(answer[0])
        return Judgement(True, correct, points if correct else 0)
    # Fill in the blank: every blank must match one of its accepted answers.
    if len(response) != len(answer):
        return Judgement(True, False, 0)
    correct = all(
        normalize(given) in {normalize(a) for a in accepted}
        for given, accepted in zip(response, answer, strict=True)
    )
    return Judgement(True, correct, points if correct else 0)


def letters(count: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(count)]


def answer_text(qtype: str, answer, options: list[str], order: list[int] | None = None) -> str:
    """The key as a reader sees it: letters in the shown order, 正确/错误, or the accepted
    answers of each blank."""
    from django.utils.translation import gettext as _

    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        order = order if order is not None else list(range(len(options)))
        shown = letters(len(order))
        return "".join(sorted(shown[order.index(i)] for i in answer if i in order))
    if qtype == QuestionType.TRUE_FALSE:
        return _("正确") if answer and answer[0] else _("错误")
    return _("；").join(" / ".join(accepted) for accepted in answer)

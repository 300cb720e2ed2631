"""Turning the cells of one roster row into Person values, with a Chinese message per bad cell."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import (
    BY_KEY,
    CHOICE,
    DATE,
    ID_NUMBER,
    MOBILE,
    ORG_CODE,
    choice_lookup,
    normalize_header,
    normalize_text,
)

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIAL_MAX = 2_958_465  # 9999-12-31


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return normalize_text(str(value))


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    bad = ValidationError(
        _("“%(value)s”不是有效的日期，请写成 1990-01-02 的形式。") % {"value": _as_text(value)},
        code="date",
    )
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 10_000_000 <= number <= 99_991_231 and number == value:
            return parse_date(str(number))
        if 1 <= value <= _EXCEL_SERIAL_MAX:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise bad
    text = _as_text(value).split(" ")[0].split("T")[0]
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        raise bad
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise bad from None


def parse_id_cell(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has
        # already lost its last digits, there is nothing to recover.
        raise ValidationError(
            _("身份证号被 Excel 存成了数字，末几位已经丢失。请把该列设为“文本”格式后重新填写。"),
            code="id_numeric",
        )
    return _as_text(value).upper().replace(" ", "")


def parse_choice(key: str, value) -> str:
    text = _as_text(value)
    if not text:
        return ""
    found = choice_lookup(key).get(normalize_header(text)) or choice_lookup(key).get(text.lower())
    if found is None:
        raise ValidationError(
            _("“%(value)s”不是可选的%(column)s，请从模板“填写说明”表的可选值中选择。")
            % {"value": text, "column": BY_KEY[key].header},
            code="choice",
        )
    return found


def parse_cell(key: str, value):
    """One cell to its Python value: "" or None for an empty cell. Raises ValidationError."""
    kind = BY_KEY[key].kind
    if kind == DATE:
        return parse_date(value)
    if kind == CHOICE:
        return parse_choice(key, value)
    if kind == ID_NUMBER:
        return parse_id_cell(value)
    if kind in (MOBILE, ORG_CODE):
        return _as_text(value).replace(" ", "")
    return _as_text(value)


def parse_row(raw: dict[str, object]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """({key: value} for the non-empty cells, {key: [messages]})."""
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for key, cell in raw.items():
        try:
            value = parse_cell(key, cell)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
            continue
        if value not in (None, ""):
            values[key] = value
    return values, errors

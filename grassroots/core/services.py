"""Writes of the core app: the holiday table."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions
from .audit import audited
from .models import CalendarDay

_LINE_RE = re.compile(
    r"^(?P<start>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:\.\.|~|至)\s*(?P<end>\d{4}-\d{1,2}-\d{1,2}))?"
    r"\s+(?P<kind>\S+)(?:\s+(?P<name>.+))?$"
)
_HOLIDAY_WORDS = {"休", "假", "休息", "holiday", "off"}
_WORKDAY_WORDS = {"班", "上班", "调休上班", "workday", "work"}
MAX_IMPORT_DAYS = 400


def may_manage_calendar(user) -> bool:
    return permissions.ROOT in permissions.scope_prefixes(user, "core.manage_calendar")


def parse_schedule(text: str) -> tuple[list[tuple[date, bool, str]], list[str]]:
    """Lines like `2027-02-06..2027-02-12 休 春节` or `2027-02-14 班 春节调休` into days,
    with one message per bad line. Empty lines and lines starting with # are skipped."""
    days: list[tuple[date, bool, str]] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            errors.append(_("第 %(n)d 行格式不对：%(line)s") % {"n": number, "line": line[:60]})
            continue
        kind = match["kind"].lower()
        if kind in _HOLIDAY_WORDS:
            is_workday = False
        elif kind in _WORKDAY_WORDS:
            is_workday = True
        else:
            errors.append(_("第 %(n)d 行应写“休”或“班”。") % {"n": number})
            continue
        try:
            start = date.fromisoformat(_pad(match["start"]))
            end = date.fromisoformat(_pad(match["end"])) if match["end"] else start
        except ValueError:
            errors.append(_("第 %(n)d 行的日期不存在。") % {"n": number})
            continue
        if end < start or (end - start).days > 31:
            errors.append(_("第 %(n)d 行的日期范围不对（最长31天）。") % {"n": number})
            continue
        name = (match["name"] or "").strip()[:60]
        days.extend(
            (start + timedelta(days=i), is_workday, name) for i in range((end - start).days + 1)
        )
    if len(days) > MAX_IMPORT_DAYS:
        errors.append(_("一次最多导入 %(n)d 天。") % {"n": MAX_IMPORT_DAYS})
    return days, errors


def _pad(value: str) -> str:
    year, month, day = value.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


@audited
@transaction.atomic
def calendar_import(*, text: str, actor) -> int:
    """Write the days of an official schedule into the holiday table; all or nothing."""
    if not may_manage_calendar(actor):
        raise PermissionDenied(_("您没有权限维护节假日。"))
    days, errors = parse_schedule(text)
    if errors:
        raise ValidationError(errors)
    if not days:
        raise ValidationError(_("没有可导入的日期。"))
    for day, is_workday, name in days:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "name": name}
        )
    return len(days)


@audited
@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, actor) -> None:
    if not may_manage_calendar(actor):
        raise PermissionDenied(_("您没有权限维护节假日。"))
    day.delete()

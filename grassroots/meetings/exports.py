"""The compliance of a subtree as an Excel workbook, and the words a cell of it shows (the
page uses the same words)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from grassroots.core.workbooks import append_header

from .compliance import HELD, MISSING, PENDING, RuleCheck
from .enums import Period


def rule_heading(rule) -> str:
    """支部委员会（每月至少 1 次）"""
    return _("%(kind)s（%(period)s至少 %(n)d 次）") % {
        "kind": rule.meeting_kind.label,
        "period": rule.get_period_display(),
        "n": rule.min_count,
    }


def met_text(check: RuleCheck) -> str:
    """11/12 个月达标: how many of the rule's periods in the view met it."""
    unit = _("个月") if check.rule.period == Period.MONTH else _("个季度")
    return _("%(met)d/%(total)d %(unit)s达标") % {
        "met": check.met,
        "total": len(check.periods),
        "unit": unit,
    }


def cell_text(check: RuleCheck) -> str:
    """已召开 n / 未召开 / 进行中, with the months met when the rule is checked in several."""
    status = check.status
    if status == HELD:
        text = _("已召开 %(n)d") % {"n": check.held}
    elif status == MISSING:
        text = _("未召开")
    else:
        text = _("进行中")
    if len(check.periods) > 1:
        return _("%(text)s（%(met)s）") % {"text": text, "met": met_text(check)}
    if status != HELD and check.held:
        # Held some, fewer than the rule asks.
        return _("%(text)s（已召开 %(n)d/%(min)d）") % {
            "text": text,
            "n": check.held,
            "min": check.rule.min_count,
        }
    return text


def overall_text(status: str) -> str:
    return {HELD: _("全部达标"), MISSING: _("有未召开"), PENDING: _("进行中")}[status]


def write_overview(overview, rows):
    """The workbook: one row per organization, one column per rule. Written row by row
    (write-only workbook), so a county of thousands stays small in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(overview.view.label[:31])
    sheet.freeze_panes = "B3"
    fills = {
        MISSING: PatternFill("solid", fgColor="F8D7DA"),
        PENDING: PatternFill("solid", fgColor="FFF3CD"),
    }
    title = WriteOnlyCell(
        sheet,
        value=_("组织生活合规情况：%(org)s，%(period)s")
        % {"org": overview.organization.name, "period": overview.view.label},
    )
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    headers = [
        _("组织"),
        _("组织编码"),
        *[rule_heading(rule) for rule in overview.columns],
        _("总体"),
    ]
    append_header(sheet, headers)
    overall = {status: overall_text(status) for status in (HELD, MISSING, PENDING)}
    texts: dict[tuple, str] = {}  # the same few words over thousands of cells: translate once
    for row in rows:
        org = row.organization
        cells: list = ["　" * row.indent + org.name, org.code or ""]
        for rule in overview.columns:
            check = row.check_for(rule)
            if check is None:
                cells.append("—")
                continue
            key = (check.rule.pk, check.status, check.held, check.met, len(check.periods))
            if key not in texts:
                texts[key] = cell_text(check)
            cell = WriteOnlyCell(sheet, value=texts[key])
            if check.status in fills:
                cell.fill = fills[check.status]
            cells.append(cell)
        cells.append(overall[row.status])
        sheet.append(cells)
    return workbook

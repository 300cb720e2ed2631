"""A campaign's results as an Excel workbook (write-only): one row per subject with the groups'
scores by dimension, the total, the satisfaction rate and the rank, and the turnout per group.
Aggregates only: no row is a ballot (comments, one per ballot, are not exported)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from grassroots.core.workbooks import append_header

from .selectors.results import CampaignResult, ordered


def _number(value):
    return None if value is None else float(value)


def _hidden_text() -> str:
    return _("测评结束后显示")


def write_results(result: CampaignResult):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("测评结果"))
    titles = [_("排名"), _("测评对象"), _("说明")]
    for group in result.groups:
        for dimension in result.dimensions:
            titles.append(
                _("%(group)s·%(dimension)s") % {"group": group.name, "dimension": dimension.name}
            )
        titles.append(_("%(group)s得分") % {"group": group.name})
        titles.append(_("%(group)s票数") % {"group": group.name})
    titles += [_("综合得分"), _("满意率（%）"), _("有效票数")]
    append_header(sheet, titles)
    for row in ordered(result):
        cells = [row.rank, row.subject.label, row.subject.note]
        for group in row.groups:
            if group.hidden:
                cells += [_hidden_text()] * (len(result.dimensions) + 2)
                continue
            cells += [_number(cell.average) for cell in group.dimensions]
            cells += [_number(group.score_display), group.ballots]
        if row.hidden:
            cells += [_hidden_text(), _hidden_text(), None]
        else:
            cells += [_number(row.total), _number(row.satisfaction), row.ballots]
        sheet.append(cells)

    turnout = workbook.create_sheet(_("参评情况"))
    append_header(
        turnout, [_("测评人类别"), _("权重（%）"), _("已参评"), _("应参评"), _("参评率（%）")]
    )
    for line in result.turnout:
        turnout.append(
            [
                line.group.name,
                _number(line.group.weight),
                line.voters,
                line.eligible,
                _number(line.rate),
            ]
        )
    turnout.append([_("合计"), None, result.voters, result.eligible, _number(result.turnout_rate)])

    return workbook

"""A campaign's results as an Excel workbook (write-only): one row per subject with the groups'
scores by dimension, the total, the satisfaction rate and the rank; the comments (subject, group,
text: never a rater, a code or a score beside them); the turnout per group. No row is a
ballot."""

from __future__ import annotations

from django.utils.translation import gettext as _

from grassroots.core.workbooks import append_header, defuse_formula

from .selectors.results import CampaignResult, ordered, subject_comments


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

    _write_comments(workbook, result)
    return workbook


def _write_comments(workbook, result: CampaignResult) -> None:
    """The comments as the workbook's second sheet: subject, group, comment, one a row, the
    subjects in rank order; each anonymous group still hidden says so in one row."""
    sheet = workbook.create_sheet(_("意见建议"), index=1)
    append_header(sheet, [_("测评对象"), _("测评人类别"), _("意见建议")])
    for item in subject_comments(result, ordered(result)):
        for comment in item.comments:
            sheet.append(
                [defuse_formula(v) for v in (item.subject.label, comment.group.name, comment.text)]
            )
    for group in result.hidden_groups:
        sheet.append([None, defuse_formula(group.name), _hidden_text()])

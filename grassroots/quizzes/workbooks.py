"""The Excel files of the quizzes app: the question template, reading an uploaded question
file, and the export of a quiz's results (by person and by branch)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from grassroots.core.uploads import open_workbook, unreadable_xlsx
from grassroots.core.workbooks import defuse_formula

from .grading import letters, normalize

SHEET_NAME = "题目"
HELP_SHEET = "填写说明"
MAX_ROWS = 2_000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 5
OPTION_LETTERS = letters(8)

# (key, header, width, required)
COLUMNS = [
    ("qtype", "题型", 10, True),
    ("stem", "题干", 50, True),
    *[(f"option_{c}", f"选项{c}", 18, False) for c in OPTION_LETTERS],
    ("answer", "正确答案", 14, True),
    ("explanation", "解析", 40, False),
    ("tags", "标签", 16, False),
    ("difficulty", "难度", 8, False),
]
TYPE_LABELS = ["单选题", "多选题", "判断题", "填空题"]
DIFFICULTY_LABELS = ["易", "中", "难"]

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")

EXAMPLES = [
    {
        "qtype": "单选题",
        "stem": "党员教育培训每人每年集中学习培训时间一般不少于多少学时？",
        "option_A": "24学时",
        "option_B": "32学时",
        "option_C": "48学时",
        "option_D": "56学时",
        "answer": "B",
        "explanation": "《中国共产党党员教育管理工作条例》规定，党员每年集中学习培训时间一般不少于32学时。",
        "tags": "党员教育管理",
        "difficulty": "易",
    },
    {
        "qtype": "多选题",
        "stem": "“三会一课”中的“三会”是指（ ）。",
        "option_A": "支部党员大会",
        "option_B": "支部委员会",
        "option_C": "党小组会",
        "option_D": "民主生活会",
        "answer": "ABC",
        "explanation": "“三会”指支部党员大会、支部委员会和党小组会，“一课”指党课。",
        "tags": "三会一课、组织生活",
        "difficulty": "中",
    },
    {
        "qtype": "判断题",
        "stem": "预备党员的预备期为一年。",
        "answer": "正确",
        "explanation": "党章规定，预备党员的预备期为一年。",
        "tags": "党章",
        "difficulty": "易",
    },
    {
        "qtype": "填空题",
        "stem": "党支部党员大会一般每____召开一次。",
        "answer": "季度|个季度",
        "explanation": "《中国共产党支部工作条例（试行）》规定，支部党员大会一般每季度召开1次。",
        "tags": "支部工作条例",
        "difficulty": "中",
    },
]

HELP_LINES = [
    "1. 第一行是表头，请勿修改列名；列的顺序可以调整，不需要的选项列可以删除。",
    "2. 第2至5行是示例，导入前请删除（示例题目如果保留也会被导入）。",
    "3. 题型：单选题、多选题、判断题、填空题（可用下拉列表选择）。",
    "4. 单选题、多选题：选项依次填在“选项A”“选项B”……中，至少两个，最多八个，中间不要空列。",
    "5. 正确答案：单选题填一个字母，如 B；多选题填多个字母，如 ABD；判断题填“正确”或“错误”（也可写 对/错、√/×）。",
    "6. 填空题：正确答案中，几个可接受的答案用竖线“|”分隔（如 季度|个季度）；一道题有多个空时，各空的答案依次用分号“；”分隔。",
    "7. 填空题判分时忽略大小写、全角半角和首尾空格。",
    "8. 难度：易、中、难（或 1、2、3），留空按“中”处理。",
    "9. 标签用顿号“、”或逗号分隔，如“党章、三会一课”，便于按标签组卷。",
    f"10. 每个文件最多 {MAX_ROWS} 道题。题型、题干和选项都相同的题目不会重复导入。",
    "11. 上传后系统先检查每一行并列出问题，确认后才会写入。",
]


def build_template() -> IO[bytes]:
    """The blank question file: headers, one example per type, drop-downs for the type and the
    difficulty, and an instructions sheet. Returns an open temporary file."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(["填写说明", "", "题型可选值", "难度可选值"])
    for cell in help_sheet[1]:
        cell.font = _HEADER_FONT
    for index, line in enumerate(HELP_LINES, start=2):
        help_sheet.cell(row=index, column=1, value=line)
    for index, label in enumerate(TYPE_LABELS, start=2):
        help_sheet.cell(row=index, column=3, value=label)
    for index, label in enumerate(DIFFICULTY_LABELS, start=2):
        help_sheet.cell(row=index, column=4, value=label)
    help_sheet.column_dimensions["A"].width = 100
    help_sheet.column_dimensions["C"].width = 12
    help_sheet.column_dimensions["D"].width = 12
    type_range = f"{quote_sheetname(HELP_SHEET)}!$C$2:$C${len(TYPE_LABELS) + 1}"
    difficulty_range = f"{quote_sheetname(HELP_SHEET)}!$D$2:$D${len(DIFFICULTY_LABELS) + 1}"

    last_row = MAX_ROWS + 1
    for col, (key, header, width, required) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(col)
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font = _REQUIRED_FONT if required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[letter].width = width
        for row, example in enumerate(EXAMPLES, start=2):
            sheet.cell(row=row, column=col, value=example.get(key))
        source = {"qtype": type_range, "difficulty": difficulty_range}.get(key)
        if source:
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.error = "请从下拉列表中选择。"
            validation.errorTitle = header
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


# --- Reading an uploaded file -----------------------------------------------------------


@dataclass
class QuestionSheet:
    """The rows of a question file: (Excel line number, {column key: raw value})."""

    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def _header_lookup() -> dict[str, str]:
    lookup = {normalize(header): key for key, header, _w, _r in COLUMNS}
    # Common variants people type.
    lookup.update({"类型": "qtype", "题目": "stem", "答案": "answer", "标准答案": "answer"})
    lookup.update({"试题解析": "explanation", "答案解析": "explanation", "难易程度": "difficulty"})
    for c in OPTION_LETTERS:
        lookup[normalize(c)] = f"option_{c}"
        lookup[normalize(f"选项{c.lower()}")] = f"option_{c}"
    return lookup


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_questions(fileobj: IO[bytes]) -> QuestionSheet:
    """Check the file and read its rows. Raises ValidationError for a file that cannot be used."""
    workbook = open_workbook(fileobj)
    try:
        return _read_sheet(workbook)
    except ValidationError:
        raise
    except Exception:
        raise unreadable_xlsx() from None
    finally:
        workbook.close()


def _read_sheet(workbook) -> QuestionSheet:
    if SHEET_NAME in workbook.sheetnames:
        sheet = workbook[SHEET_NAME]
    elif workbook.worksheets:
        sheet = workbook.worksheets[0]
    else:
        raise ValidationError(_("文件中没有工作表。"), code="no_sheet")
    sheet.reset_dimensions()
    lookup = _header_lookup()
    columns: dict[str, int] | None = None
    result = QuestionSheet()
    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        if columns is None:
            if line > HEADER_SEARCH_ROWS:
                break
            keys = {lookup.get(normalize(v)) for v in values if not _blank(v)}
            if not {"qtype", "stem", "answer"} <= keys:
                continue
            columns = {}
            for index, value in enumerate(values):
                if _blank(value):
                    continue
                key = lookup.get(normalize(value))
                if key is None:
                    result.ignored_headers.append(str(value).strip())
                elif key in columns:
                    raise ValidationError(
                        _("表头中“%(header)s”列出现了两次，请只保留一列。")
                        % {"header": str(value).strip()},
                        code="duplicate_header",
                    )
                else:
                    columns[key] = index
            continue
        if all(_blank(v) for v in values):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise ValidationError(
                _("题目超过 %(n)d 道，请拆分成多个文件分批导入。") % {"n": MAX_ROWS},
                code="too_many_rows",
            )
        result.rows.append(
            (
                line,
                {k: values[i] if i < len(values) else None for k, i in columns.items()},
            )
        )
    if columns is None:
        raise ValidationError(
            _("找不到表头：请使用下载的模板，表头须包含“题型”“题干”和“正确答案”列。"),
            code="no_header",
        )
    if not result.rows:
        raise ValidationError(_("文件中没有题目。"), code="no_rows")
    return result


# --- Exporting results --------------------------------------------------------------


def _row(sheet, values: Iterable, bold: bool = False) -> None:
    if bold:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = _HEADER_FONT
            cells.append(cell)
        sheet.append(cells)
    else:
        sheet.append([defuse_formula(v) for v in values])


def write_results(quiz, people_rows: Iterable, branch_rows: list) -> IO[bytes]:
    """A quiz's results: one sheet ranked by person, one by branch. Rows are written as they
    come (write-only mode), so a quiz of 100,000 people does not sit in memory."""
    workbook = Workbook(write_only=True)
    people = workbook.create_sheet(_("成绩排名"))
    for letter, width in zip("ABCDEFGHI", (8, 12, 30, 8, 10, 8, 8, 20, 8), strict=True):
        people.column_dimensions[letter].width = width
    _row(people, [quiz.title], bold=True)
    _row(
        people,
        [
            _("名次"),
            _("姓名"),
            _("所在组织"),
            _("成绩"),
            _("用时"),
            _("交卷次数"),
            _("及格"),
            _("交卷时间"),
            _("最高分"),
        ],
        bold=True,
    )
    for rank, result in people_rows:
        _row(
            people,
            [
                rank,
                result.person.name,
                result.person.primary_org.name,
                result.score,
                format_seconds(result.time_used_seconds),
                result.attempts_submitted,
                _("是") if result.passed else _("否"),
                timezone.localtime(result.submitted_at).replace(tzinfo=None),
                result.best_score,
            ],
        )
    branches = workbook.create_sheet(_("按组织统计"))
    for letter, width in zip("ABCDEFG", (30, 10, 10, 10, 10, 10, 10), strict=True):
        branches.column_dimensions[letter].width = width
    _row(
        branches,
        [
            _("组织"),
            _("应参加人数"),
            _("已交卷人数"),
            _("参与率"),
            _("平均分"),
            _("及格人数"),
            _("及格率"),
        ],
        bold=True,
    )
    for row in branch_rows:
        _row(
            branches,
            [
                row.name,
                row.expected,
                row.submitted,
                f"{row.participation:.1%}" if row.participation is not None else "",
                round(row.average, 1) if row.average is not None else "",
                row.passed,
                f"{row.pass_rate:.1%}" if row.pass_rate is not None else "",
            ],
        )
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def format_seconds(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"

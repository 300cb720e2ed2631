"""The roster files the system writes: the blank template and the export of a people list."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from grassroots.core.registry import person_columns
from grassroots.core.validators import mask_id_number
from grassroots.core.workbooks import defuse_formula

from ..models import Organization, Person
from .columns import (
    BY_KEY,
    CHOICE,
    COLUMNS,
    DATE,
    EXAMPLE_ID_NUMBER,
    EXPORT_EXTRA_HEADER,
    chinese_labels,
    choice_label,
)
from .reader import MAX_ROWS, SHEET_NAME

HELP_SHEET = "填写说明"
ORG_SHEET = "组织代码"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
# People per chunk of the export: the columns other apps register cost one query per chunk.
EXPORT_CHUNK = 2000


def _example_row(org_code: str) -> dict[str, object]:
    return {
        "name": "张三",
        "gender": "女",
        "ethnicity": "汉族",
        "id_number": EXAMPLE_ID_NUMBER,
        "birth_date": date(1949, 12, 31),
        "mobile": "13800000000",
        "education": "大学本科",
        "political_status": "中共党员",
        "joined_party_on": date(1972, 7, 1),
        "full_member_on": date(1973, 7, 1),
        "org_code": org_code,
        "employer": "某县司法局",
        "job_title": "科员",
    }


def build_template(
    organizations: Iterable[Organization], *, example_org_code: str = ""
) -> IO[bytes]:
    """The blank roster: headers, one example row, instructions with the allowed values, and the
    codes of the organizations the user may import into. Returns an open temporary file."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    help_sheet = workbook.create_sheet(HELP_SHEET)
    org_sheet = workbook.create_sheet(ORG_SHEET)

    # Instructions on the left of the help sheet, one column of allowed values per choice column.
    lines = [
        "1. 第一行是表头，请勿修改列名；列的顺序可以调整，不需要的非必填列可以删除。",
        "2. 第2行是示例，导入前请删除（示例身份证号不会被导入）。",
        "3. 必填列：姓名、身份证号。导入按身份证号识别人员：已有的人员更新，新的人员新增。",
        "4. 已有人员的空白单元格不会覆盖系统中已有的信息。",
        "5. 日期写成 1990-01-02 的形式，或使用 Excel 的日期格式。",
        "6. 身份证号、手机号请使用“文本”格式，否则 Excel 会改掉长数字。",
        f"7. 每个文件最多 {MAX_ROWS} 行，文件不超过 10 MB。",
        "8. 上传后系统先检查每一行并列出问题，确认后才会写入。",
    ]
    help_sheet.append(["说明", "", "", "列名", "填写要求"])
    for index, column in enumerate(COLUMNS, start=2):
        help_sheet.cell(
            row=index, column=4, value=column.header + ("（必填）" if column.required else "")
        )
        help_sheet.cell(row=index, column=5, value=column.hint)
    for index, line in enumerate(lines, start=2):
        help_sheet.cell(row=index, column=1, value=line)
    help_sheet.column_dimensions["A"].width = 70
    help_sheet.column_dimensions["D"].width = 14
    help_sheet.column_dimensions["E"].width = 60
    first_list_col = 7
    list_ranges: dict[str, str] = {}
    choice_columns = [c for c in COLUMNS if c.kind == CHOICE]
    for offset, column in enumerate(choice_columns):
        col = first_list_col + offset
        letter = get_column_letter(col)
        help_sheet.cell(row=1, column=col, value=f"{column.header}可选值")
        labels = [label for _value, label in chinese_labels(column.choices)]
        for row, label in enumerate(labels, start=2):
            help_sheet.cell(row=row, column=col, value=label)
        help_sheet.column_dimensions[letter].width = 16
        list_ranges[column.key] = (
            f"{quote_sheetname(HELP_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        )
    for cell in help_sheet[1]:
        cell.font = _HEADER_FONT

    org_sheet.append(["组织代码", "组织名称"])
    org_count = 0
    for org in organizations:
        org_sheet.append([org.code, org.name])
        org_count += 1
    org_sheet.column_dimensions["A"].width = 16
    org_sheet.column_dimensions["B"].width = 40
    for cell in org_sheet[1]:
        cell.font = _HEADER_FONT

    last_row = MAX_ROWS + 1
    example = _example_row(example_org_code)
    for col, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(col)
        header = sheet.cell(row=1, column=col, value=column.header)
        header.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        header.fill = _HEADER_FILL
        header.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[letter].width = column.width
        value = example[column.key]
        cell = sheet.cell(row=2, column=col, value=value)
        if column.kind == DATE:
            cell.number_format = DATE_FORMAT
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
        elif column.key in ("id_number", "mobile", "org_code"):
            cell.number_format = TEXT_FORMAT
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        source = list_ranges.get(column.key)
        if column.key == "org_code" and org_count:
            source = f"{quote_sheetname(ORG_SHEET)}!$A$2:$A${org_count + 1}"
        if source:
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.error = "请从下拉列表中选择。"
            validation.errorTitle = column.header
            validation.showErrorMessage = column.kind == CHOICE
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def _export_value(person: Person, key: str):
    if key == "org_code":
        return person.primary_org.code
    value = getattr(person, key)
    if BY_KEY[key].kind == CHOICE:
        return choice_label(key, value) if value else ""
    return value


def _chunks(people: Iterable[Person], size: int) -> Iterator[list[Person]]:
    iterator = iter(people)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_export(people: Iterable[Person], id_prefixes: list[str], *, user) -> IO[bytes]:
    """Write people to a roster file in write-only mode (rows go to disk as they come), with the
    ID number masked for those outside `id_prefixes` (the user's orgs.view_id_number scope),
    and after the roster's own columns those other apps register in core.registry.person_columns
    (挂职经历), each computed once per chunk of people with what `user` may see. Returns an open temporary file, deleted
    when closed."""
    extra = person_columns.items()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    for col, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 1)].width = 30
    for col, column in enumerate(extra, start=len(COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    header_cells = []
    headers = [c.header for c in COLUMNS] + [EXPORT_EXTRA_HEADER] + [str(c.label) for c in extra]
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = _HEADER_FONT
        header_cells.append(cell)
    sheet.append(header_cells)

    # Plain values: openpyxl gives a date its yyyy-mm-dd format by itself, and a styled cell
    # per value would double the time of a 100,000-row export.
    id_index = [c.key for c in COLUMNS].index("id_number")
    for chunk in _chunks(people, EXPORT_CHUNK):
        ids = [person.pk for person in chunk]
        extra_values = [column.values(user, ids) for column in extra]
        for person in chunk:
            path = person.primary_org.path
            values: list = [_export_value(person, c.key) for c in COLUMNS]
            if not any(path.startswith(prefix) for prefix in id_prefixes):
                values[id_index] = mask_id_number(person.id_number)
            values.append(person.primary_org.name)
            # "" rather than None, so that a reader sees a full row, as for the blank fields.
            values.extend(found.get(person.pk, "") for found in extra_values)
            sheet.append([defuse_formula(v) for v in values])

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle

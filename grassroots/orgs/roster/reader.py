"""Reading an uploaded roster file safely: type and size first, the zip's declared sizes before
openpyxl sees it, then the rows in read-only mode with a cap on their number.

Every refusal is a ValidationError with a Chinese message; nothing here writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.core.uploads import check_xlsx_upload, open_workbook, unreadable_xlsx

from .columns import REQUIRED, header_lookup, normalize_header

MAX_ROWS = 50_000  # data rows
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # a title row or two above the headers is common
SHEET_NAME = "花名册"


@dataclass
class RosterSheet:
    """The rows of a roster file: {column key: column index} and (Excel line number, values)."""

    columns: dict[str, int]
    ignored_headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _max_bytes() -> int:
    return settings.ROSTER_UPLOAD_MAX_BYTES


def check_upload(name: str, size: int) -> None:
    """The name and size of an upload, before its content is looked at."""
    check_xlsx_upload(name, size, _max_bytes())


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_header(row: tuple) -> bool:
    lookup = header_lookup()
    keys = {lookup.get(normalize_header(v)) for v in row}
    return all(c.key in keys for c in REQUIRED)


def read_roster(fileobj: IO[bytes]) -> RosterSheet:
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


def _read_sheet(workbook) -> RosterSheet:
    if SHEET_NAME in workbook.sheetnames:
        sheet = workbook[SHEET_NAME]
    elif workbook.worksheets:
        sheet = workbook.worksheets[0]
    else:
        raise ValidationError(_("文件中没有工作表。"), code="no_sheet")
    # Some programs write wrong dimensions; read what is there, the caps below bound it.
    sheet.reset_dimensions()
    lookup = header_lookup()
    result: RosterSheet | None = None
    seen = 0
    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        seen += 1
        if seen > MAX_ROWS * 2:
            raise ValidationError(_("文件中的行数过多。"), code="too_many_rows")
        if result is None:
            if line > HEADER_SEARCH_ROWS:
                break
            if not _is_header(values):
                continue
            result = RosterSheet(columns={})
            for index, value in enumerate(values):
                header = normalize_header(value)
                if not header:
                    continue
                key = lookup.get(header)
                if key is None:
                    result.ignored_headers.append(str(value).strip())
                elif key in result.columns:
                    raise ValidationError(
                        _("表头中“%(header)s”列出现了两次，请只保留一列。")
                        % {"header": str(value).strip()},
                        code="duplicate_header",
                    )
                else:
                    result.columns[key] = index
            continue
        if all(_is_blank(v) for v in values):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise ValidationError(
                _("数据超过 %(n)d 行，请拆分成多个文件分批导入。") % {"n": MAX_ROWS},
                code="too_many_rows",
            )
        result.rows.append(
            (
                line,
                {
                    key: values[index] if index < len(values) else None
                    for key, index in result.columns.items()
                },
            )
        )
    if result is None:
        raise ValidationError(
            _("找不到表头：请使用下载的模板，表头须包含“姓名”和“身份证号”列。"), code="no_header"
        )
    if not result.rows:
        raise ValidationError(_("文件中没有数据行。"), code="no_rows")
    return result

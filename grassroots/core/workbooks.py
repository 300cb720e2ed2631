"""Pieces of the Excel exports every app writes (openpyxl, write-only workbooks)."""

from __future__ import annotations

import tempfile

from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value):
    """Text that a spreadsheet would run as a formula (=HYPERLINK(...), +1, @SUM) is written
    with a leading apostrophe, so that the cell stays text in Excel and WPS."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet, values) -> None:
    """Append a row of values, text that would run as a formula defused."""
    sheet.append([defuse_formula(v) for v in values])


def append_header(sheet, titles) -> None:
    """Append a row of bold column titles to a write-only sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for text in titles:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def workbook_response(workbook, filename: str) -> FileResponse:
    """The workbook as an .xlsx download, written to a temporary file (never held whole in
    memory) that is gone once the response is sent."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )

"""Checks on uploaded files, shared by every app that accepts them: Excel workbooks for imports
and documents or images for evidence and libraries.

A file is judged by its name, its size and its first bytes (never by the browser's declared
content type), and refused with a ValidationError that says in Chinese what to do. Nothing here
stores anything; uploads are stored under MEDIA_ROOT and served as attachments only.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what the zip entries may unpack to, together
MAX_ZIP_ENTRIES = 5_000


def _unreadable_xlsx() -> ValidationError:
    return ValidationError(
        _("无法读取该 Excel 文件，文件可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"),
        code="unreadable",
    )


def check_xlsx_upload(name: str, size: int, max_bytes: int) -> None:
    """The name and size of an Excel upload, before its content is looked at."""
    lowered = (name or "").lower()
    if lowered.endswith(".xls") or lowered.endswith(".et"):
        raise ValidationError(
            _("不支持旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。"), code="xls"
        )
    if not lowered.endswith(".xlsx"):
        raise ValidationError(_("只能上传 .xlsx 格式的 Excel 文件。"), code="extension")
    check_size(size, max_bytes)


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ValidationError(
            _("文件过大：不能超过 %(mb)d MB，请分批导入。") % {"mb": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")


def _check_zip(fileobj: IO[bytes], required: str, not_valid: ValidationError) -> None:
    """A zip (OOXML) container holding `required/` parts that unpacks to a sane size.

    zipfile never yields more bytes than an entry declares (and fails on a CRC mismatch), so
    checking the declared sizes is enough to stop a zip bomb before a parser opens it.
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            names = {info.filename for info in entries}
            if "[Content_Types].xml" not in names or not any(n.startswith(required) for n in names):
                raise not_valid
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ValidationError(_("文件结构异常（条目过多），已拒绝。"), code="zip_entries")
            total = sum(info.file_size for info in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(
                    _(
                        "文件解压后过大（超过 %(mb)d MB），已拒绝；请删除多余的工作表、图片或格式后再上传。"
                    )
                    % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
                    code="zip_bomb",
                )
            if any(info.flag_bits & 0x1 for info in entries):
                raise ValidationError(_("文件已加密，请取消密码保护后再上传。"), code="encrypted")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise not_valid from None
    finally:
        fileobj.seek(0)


def check_xlsx(fileobj: IO[bytes]) -> None:
    """Is this a real .xlsx (a zip with the OOXML parts) that unpacks to a sane size?"""
    _check_zip(
        fileobj,
        "xl/",
        ValidationError(
            _(
                "文件内容不是有效的 .xlsx 文件（可能是改了扩展名的其他文件），请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
            ),
            code="not_xlsx",
        ),
    )


def open_workbook(fileobj: IO[bytes]):
    """Check an uploaded .xlsx and open it read-only (values, not formulas); the caller closes
    it. A damaged file becomes a ValidationError, whatever openpyxl raised."""
    from openpyxl import load_workbook

    check_xlsx(fileobj)
    try:
        return load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same here
        raise _unreadable_xlsx() from None


def unreadable_xlsx() -> ValidationError:
    return _unreadable_xlsx()


# --- Documents and images -------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    label: str
    content_type: str


DOCUMENT_KINDS = {
    "pdf": FileKind((".pdf",), gettext_lazy("PDF"), "application/pdf"),
    "docx": FileKind(
        (".docx",),
        gettext_lazy("Word 文档"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "doc": FileKind((".doc", ".wps"), gettext_lazy("Word 97-2003 文档"), "application/msword"),
    "txt": FileKind((".txt",), gettext_lazy("纯文本"), "text/plain; charset=utf-8"),
}
IMAGE_KINDS = {
    "jpeg": FileKind((".jpg", ".jpeg"), gettext_lazy("JPEG 图片"), "image/jpeg"),
    "png": FileKind((".png",), gettext_lazy("PNG 图片"), "image/png"),
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff(head: bytes, fileobj: IO[bytes]) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(OLE_MAGIC):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # confirmed by _check_zip
    try:
        fileobj.seek(0)
        fileobj.read(64 * 1024).decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < 64 * 1024 - 4:
            return None
    finally:
        fileobj.seek(0)
    return "txt"


def check_file(uploaded, kinds: dict[str, FileKind], max_bytes: int) -> str:
    """Check an uploaded document or image against the allowed kinds; return the kind's key.

    The extension must be one of the allowed kinds and agree with the first bytes of the file,
    so a renamed executable or an HTML page posing as a .txt or .pdf is refused."""
    name = (getattr(uploaded, "name", "") or "").lower()
    allowed = ", ".join(ext for kind in kinds.values() for ext in kind.extensions)
    by_extension = next(
        (key for key, kind in kinds.items() if any(name.endswith(e) for e in kind.extensions)),
        None,
    )
    if by_extension is None:
        raise ValidationError(
            _("不支持该文件类型，只能上传：%(allowed)s。") % {"allowed": allowed},
            code="extension",
        )
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size > max_bytes:
        raise ValidationError(
            _("文件过大：不能超过 %(mb)d MB。") % {"mb": max(max_bytes // (1024 * 1024), 1)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    sniffed = _sniff(head, uploaded)
    mismatch = ValidationError(
        _("文件内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。"), code="mismatch"
    )
    if sniffed != by_extension:
        raise mismatch
    if sniffed == "txt" and b"<" in head.lower() and b"<html" in uploaded.read(1024).lower():
        uploaded.seek(0)
        raise mismatch
    uploaded.seek(0)
    if sniffed == "docx":
        _check_zip(uploaded, "word/", mismatch)
    return sniffed


def content_type_for(kind_key: str) -> str:
    kind = DOCUMENT_KINDS.get(kind_key) or IMAGE_KINDS.get(kind_key)
    return kind.content_type if kind else "application/octet-stream"


def kind_of(name: str) -> str:
    """The key of the document or image kind that a stored file's extension names, or "" (its
    content was checked against that extension when it was uploaded)."""
    lowered = (name or "").lower()
    for key, kind in {**DOCUMENT_KINDS, **IMAGE_KINDS}.items():
        if lowered.endswith(kind.extensions):
            return key
    return ""

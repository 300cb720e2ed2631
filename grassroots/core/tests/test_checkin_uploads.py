"""Check-in tokens for QR codes, and the checks every uploaded file passes."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.core import checkin, uploads

# --- Check-in tokens ---------------------------------------------------------------


def test_a_token_reads_back_as_its_event():
    token = checkin.make_token("study", 42, "out")
    found = checkin.read_token(token, "study", 42)
    assert (found.object_id, found.action) == (42, "out")


@pytest.mark.parametrize(
    ("token", "kind", "object_id", "code"),
    [
        (lambda: checkin.make_token("study", 42), "study", 43, "other_event"),
        (lambda: checkin.make_token("meeting", 42), "study", 42, "invalid"),
        (lambda: checkin.make_token("study", 42) + "x", "study", 42, "invalid"),
        (lambda: "", "study", 42, "invalid"),
    ],
)
def test_a_token_of_another_event_or_kind_or_forged_is_refused(token, kind, object_id, code):
    with pytest.raises(ValidationError) as error:
        checkin.read_token(token(), kind, object_id)
    assert error.value.code == code


def test_an_old_token_has_expired(monkeypatch):
    token = checkin.make_token("study", 7)
    later = time.time() + checkin.DEFAULT_MAX_AGE + 5
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ValidationError) as error:
        checkin.read_token(token, "study", 7)
    assert error.value.code == "expired"
    assert "过期" in error.value.messages[0]


def test_qr_is_inline_svg():
    svg = checkin.qr_svg("https://example.cn/study/checkin/abc")
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[1][:50]


# --- Uploads -----------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("讲话.pdf", b"%PDF-1.7\n...", "pdf"),
        ("笔记.txt", "学习党章，心得如下。".encode(), "txt"),
        ("材料.DOCX", docx_bytes(), "docx"),
        ("旧.doc", uploads.OLE_MAGIC + b"\0" * 100, "doc"),
    ],
)
def test_documents_are_accepted_by_their_content(name, content, kind):
    assert uploads.check_file(upload(name, content), uploads.DOCUMENT_KINDS, 1024 * 1024) == kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.exe", b"MZ\x90\x00", "extension"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\xff\xff", "mismatch"),
        ("page.txt", b"<!doctype html><html><script>alert(1)</script>", "mismatch"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n....", "mismatch"),
        ("fake.docx", b"PK\x03\x04 not really a zip", "mismatch"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * 2048, "too_large"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        uploads.check_file(upload(name, content), uploads.DOCUMENT_KINDS, 1024)
    assert error.value.code == code


def test_a_workbook_posing_as_a_word_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValidationError):
        uploads.check_file(upload("a.docx", buffer.getvalue()), uploads.DOCUMENT_KINDS, 10**6)


def test_images_by_their_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    assert uploads.check_file(upload("照片.png", png), uploads.IMAGE_KINDS, 10**6) == "png"
    with pytest.raises(ValidationError):
        uploads.check_file(upload("照片.jpg", png), uploads.IMAGE_KINDS, 10**6)

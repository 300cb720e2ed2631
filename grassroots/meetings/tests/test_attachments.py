"""Files and photos of a meeting: checked by content and size, a thumbnail for photos, served
only as attachments to those who may see the meeting, deleted by managers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.meetings.models import Meeting, MeetingAttachment
from grassroots.meetings.services import minutes as services
from grassroots.meetings.tests.test_attendance_support import (
    html_as_png,
    login,
    meeting_of,
    member,
    pdf_file,
    png_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(county, alice):
    return meeting_of(county.branch1, [alice.person])


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_real_photo_gets_a_thumbnail(settings, meeting, secretary):
    photo = services.attachment_add(
        meeting=meeting, file=png_file(size=(1600, 1200)), caption="会场", actor=secretary
    )
    assert (photo.kind, photo.name, photo.caption) == ("png", "会场照片.png", "会场")
    assert photo.is_image and photo.thumbnail.name.endswith(".jpg")
    from PIL import Image

    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 480
    document = services.attachment_add(meeting=meeting, file=pdf_file(), actor=secretary)
    assert document.kind == "pdf" and not document.is_image
    assert len(stored_files(settings)) == 3


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_png, "文件内容与扩展名不符"),
        (lambda: SimpleUploadedFile("页面.html", b"<html></html>"), "不支持该文件类型"),
        (lambda: SimpleUploadedFile("空.pdf", b""), "文件是空的"),
        (
            lambda: SimpleUploadedFile("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "图片无法读取",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_stored(settings, meeting, secretary, upload, message):
    with pytest.raises(ValidationError) as error:
        services.attachment_add(meeting=meeting, file=upload(), actor=secretary)
    assert message in " ".join(error.value.message_dict["file"])
    assert not MeetingAttachment.objects.exists()
    assert stored_files(settings) == []


def test_the_size_limit_comes_from_the_settings(settings, meeting, secretary):
    settings.MEETINGS_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        services.attachment_add(meeting=meeting, file=big, actor=secretary)
    assert "不能超过 1 MB" in str(error.value)
    del settings.MEETINGS_ATTACHMENT_MAX_MB
    assert services.attachment_max_bytes() == 10 * 1024 * 1024
    assert not MeetingAttachment.objects.exists()


def test_who_may_upload_and_when(county, make_user, meeting, secretary, alice):
    with pytest.raises(PermissionDenied):
        services.attachment_add(meeting=meeting, file=pdf_file(), actor=alice)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            meeting=meeting, file=pdf_file(), actor=make_user("branch_secretary", county.branch2)
        )
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    services.attachment_add(meeting=meeting, file=pdf_file(), actor=secretary)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as error:
        services.attachment_add(meeting=meeting, file=pdf_file(), actor=secretary)
    assert "已取消" in str(error.value)
    assert MeetingAttachment.objects.count() == 1


def test_downloads_are_attachments_for_those_who_see_the_meeting(
    client, county, make_user, meeting, secretary, alice
):
    photo = services.attachment_add(meeting=meeting, file=png_file(), actor=secretary)
    document = services.attachment_add(meeting=meeting, file=pdf_file(), actor=secretary)
    login(client, alice)
    response = client.get(reverse("meetings:attachment_download", args=[meeting.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(reverse("meetings:attachment_download", args=[meeting.pk, photo.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    response = client.get(reverse("meetings:attachment_thumbnail", args=[meeting.pk, photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A document has no thumbnail; a file of another meeting is not found through this one.
    assert (
        client.get(
            reverse("meetings:attachment_thumbnail", args=[meeting.pk, document.pk])
        ).status_code
        == 404
    )
    other = meeting_of(county.branch1, [alice.person])
    assert (
        client.get(
            reverse("meetings:attachment_download", args=[other.pk, document.pk])
        ).status_code
        == 404
    )
    # Another branch's secretary, and a member of another branch, see nothing.
    for outsider in (
        make_user("branch_secretary", county.branch2),
        member(make_user, county.branch2),
    ):
        login(client, outsider)
        for name in ("attachment_download", "attachment_thumbnail"):
            assert (
                client.get(reverse(f"meetings:{name}", args=[meeting.pk, photo.pk])).status_code
                == 404
            )


def test_upload_page_and_gallery(client, settings, meeting, secretary, alice):
    url = reverse("meetings:attachment_upload", args=[meeting.pk])
    login(client, secretary)
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": html_as_png()})
    assert response.status_code == 400 and "文件内容与扩展名不符" in response.content.decode()
    response = client.post(url, {"file": png_file(), "caption": "合影"})
    assert response.status_code == 302
    photo = MeetingAttachment.objects.get()
    body = (
        login(client, alice)
        .get(reverse("meetings:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )
    assert 'data-testid="photo-gallery"' in body
    assert reverse("meetings:attachment_thumbnail", args=[meeting.pk, photo.pk]) in body
    assert 'data-testid="attachment-upload"' not in body
    assert login(client, alice).get(url).status_code == 403


def test_managers_delete_files(
    client, settings, django_capture_on_commit_callbacks, meeting, secretary, alice
):
    photo = services.attachment_add(meeting=meeting, file=png_file(), actor=secretary)
    url = reverse("meetings:attachment_delete", args=[meeting.pk, photo.pk])
    assert login(client, alice).post(url).status_code == 403
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert login(client, secretary).post(url).status_code == 302
    assert not MeetingAttachment.objects.exists()
    assert stored_files(settings) == []

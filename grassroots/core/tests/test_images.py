"""Photos: checked by decoding them, refused when crafted or too large, and shrunk to an
upright thumbnail without the camera's metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.core import images

MB = 1024 * 1024


def upload(name: str, image: Image.Image, fmt: str, **save) -> SimpleUploadedFile:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return SimpleUploadedFile(name, out.getvalue())


def test_a_photo_is_checked_and_thumbnailed_upright_without_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the phone was held upright, the sensor lay on its side
    exif[0x010F] = "某品牌手机"  # the camera's make
    photo = upload("合影.jpg", Image.new("RGB", (1200, 600), "red"), "JPEG", exif=exif)
    assert images.check_image(photo, 5 * MB) == "jpeg"
    thumb = images.thumbnail(photo)
    with Image.open(io.BytesIO(thumb.read())) as result:
        assert result.format == "JPEG"
        assert result.size == (240, 480)  # turned upright, then fitted into 480 × 480
        assert not result.getexif()
    assert photo.tell() == 0  # the upload can still be stored whole


def test_a_transparent_png_gets_a_white_background():
    photo = upload("标志.png", Image.new("RGBA", (100, 100), (0, 0, 0, 0)), "PNG")
    assert images.check_image(photo, MB) == "png"
    with Image.open(io.BytesIO(images.thumbnail(photo).read())) as result:
        assert result.mode == "RGB" and result.getpixel((50, 50)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("照片.png", b"<html><script>alert(1)</script></html>", "mismatch"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unreadable"),
        ("照片.gif", b"GIF89a....", "extension"),
        ("照片.pdf", b"%PDF-1.4\n", "extension"),
    ],
)
def test_bad_photos_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile(name, content), MB)
    assert error.value.code == code


def test_too_large_and_too_many_pixels(monkeypatch):
    photo = upload("大图.png", Image.new("L", (300, 300)), "PNG")
    with pytest.raises(ValidationError) as error:
        images.check_image(photo, 100)
    assert error.value.code == "too_large"
    monkeypatch.setattr(images, "MAX_PIXELS", 300 * 299)
    with pytest.raises(ValidationError) as error:
        images.check_image(photo, MB)
    assert error.value.code == "too_many_pixels"

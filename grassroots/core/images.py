"""Photos uploaded to a record (a meeting, an activity): checked by decoding, and shrunk to a
thumbnail for lists.

`check_file` first compares the extension with the first bytes; Pillow then decodes the whole
picture, so a truncated or crafted file is refused before it is stored, and a picture of more
than `MAX_PIXELS` (a decompression bomb) is refused without being expanded. The thumbnail is a
new JPEG written from the pixels alone: the camera's EXIF data (place, device) is not copied,
and the orientation the phone recorded is applied first so portraits stand upright.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .uploads import IMAGE_KINDS, check_file

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is larger than any phone takes
THUMBNAIL_SIZE = (480, 480)


def _unreadable() -> ValidationError:
    return ValidationError(_("图片无法读取，可能已损坏，请重新上传。"), code="unreadable")


def check_image(uploaded, max_bytes: int) -> str:
    """Check an uploaded photo (JPEG or PNG, at most `max_bytes`); return its kind's key."""
    kind = check_file(uploaded, IMAGE_KINDS, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        _("图片像素过大，请缩小后再上传。"), code="too_many_pixels"
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("图片像素过大，请缩小后再上传。"), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _unreadable() from None
    finally:
        uploaded.seek(0)
    return kind


def thumbnail(uploaded, size: tuple[int, int] = THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail of a checked photo, upright, without its metadata."""
    try:
        with Image.open(uploaded) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(size)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError):
        raise _unreadable() from None
    finally:
        uploaded.seek(0)
    return ContentFile(out.getvalue(), name="thumb.jpg")

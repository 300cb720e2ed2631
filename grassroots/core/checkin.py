"""Check-in links for QR codes: signed, time-limited tokens that name one event.

An event screen (a study session, a meeting) shows a QR code of a URL holding a token; a member
scans it with a phone, logs in if needed, and the app reads the token back. The token is signed
with SECRET_KEY and a salt per kind of event, so it cannot be forged, cannot be moved to another
kind of event, and expires after `max_age` seconds. The screen refreshes its code before then,
so a photo of the code passed around a chat group stops working soon.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_AGE = 10 * 60  # seconds a shown code stays valid
REFRESH_SECONDS = 60  # how often an event screen fetches a new code


@dataclass(frozen=True)
class CheckinToken:
    kind: str
    object_id: int
    action: str  # "in" or "out"


def _signer(kind: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"grassroots.checkin.{kind}")


def make_token(kind: str, object_id: int, action: str = "in") -> str:
    return _signer(kind).sign_object({"id": int(object_id), "a": action}, compress=False)


def read_token(
    token: str, kind: str, object_id: int | None = None, max_age: int = DEFAULT_MAX_AGE
) -> CheckinToken:
    """The event a token names, or a ValidationError saying why it cannot be used: expired,
    not a check-in code of this kind, or the code of another event than `object_id`."""
    try:
        data = _signer(kind).unsign_object(token or "", max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("签到码已过期，请重新扫描现场屏幕上的二维码。"), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("签到码无效，请扫描现场屏幕上的二维码。"), code="invalid") from None
    try:
        found = CheckinToken(kind=kind, object_id=int(data["id"]), action=str(data.get("a", "in")))
    except (KeyError, TypeError, ValueError):
        raise ValidationError(_("签到码无效，请扫描现场屏幕上的二维码。"), code="invalid") from None
    if object_id is not None and found.object_id != int(object_id):
        raise ValidationError(
            _("这是另一场活动的签到码，请扫描本场活动的二维码。"), code="other_event"
        )
    if found.action not in ("in", "out"):
        raise ValidationError(_("签到码无效，请扫描现场屏幕上的二维码。"), code="invalid")
    return found


def qr_svg(data: str, scale: int = 6) -> str:
    """An inline SVG of a QR code for `data` (no file, no external service)."""
    return segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff")

"""Validators for Chinese identity data: citizen ID numbers (GB 11643) and mobile numbers."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdNumberFacts:
    birth_date: date
    gender: str  # "M" or "F"


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def parse_id_number(value: str) -> IdNumberFacts:
    """Validate an 18-digit citizen ID number and return the birth date and gender it encodes."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("身份证号应为18位，前17位为数字，末位为数字或X。"), code="id_format"
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="id_birth_date") from None
    if born.year < 1900 or born > date.today():
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="id_birth_date")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验码错误。"), code="id_check_digit")
    return IdNumberFacts(birth_date=born, gender="M" if int(value[16]) % 2 else "F")


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def mask_id_number(value: str) -> str:
    """3201**********1234: the region prefix and the last four, nothing in between."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(_("手机号应为以1开头的11位数字。"), code="mobile")


def mask_for_audit(value) -> str:
    """django-auditlog's mask for ID numbers in change history: the same 4+4 mask as the pages
    (auditlog's default shows the last half, which with the birth date gives the number away)."""
    if value in (None, "", "None"):
        return value
    return mask_id_number(str(value))

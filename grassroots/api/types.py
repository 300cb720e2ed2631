"""Constrained parameter types: bad input is refused with 422 before it reaches the database."""

from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# The largest value of a bigint primary key; a larger id would overflow the database driver.
MAX_ID = 2**63 - 1
MAX_OFFSET = 10_000_000


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no search needs control characters.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise PydanticCustomError("control_characters", _("不能包含控制字符。"))
    return value.strip()


def _blank_is_none(value):
    # HTML forms and many clients send "?parent=" for "no filter".
    return None if value == "" else value


ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Blankable = BeforeValidator(_blank_is_none)


def search_text(max_length: int):
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_control_characters)]


Code = Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]

"""Limit/offset pagination with bounds: limit 1–200 (default 50), and a bounded offset."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .types import MAX_OFFSET

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–200")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

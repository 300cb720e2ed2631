"""API of the materials library (scoped as on the pages) and of the caller's own reflections.

Mounted by the project's API with `api.add_router("", api_library.router)`.
(No `from __future__ import annotations`: ninja reads the parameter types at import.)
"""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from grassroots.api.pagination import Pagination
from grassroots.api.schemas import OrgRef
from grassroots.api.types import ObjectId, search_text

from .enums import MaterialKind, ReflectionStatus
from .selectors import library as library_selectors
from .selectors import reflections as reflection_selectors

router = Router(tags=["study"])

KindFilter = Literal[tuple(MaterialKind.values)]  # type: ignore[misc]
StatusFilter = Literal[tuple(ReflectionStatus.values)]  # type: ignore[misc]


class MaterialOut(Schema):
    id: int
    title: str
    kind: str
    summary: str
    organization: OrgRef
    tags: list[str]
    link: str = Field(description="链接类资料的地址")
    body: str = Field(description="文章类资料的正文")
    file_kind: str = Field(description="文档格式：pdf、docx、doc、txt")
    original_name: str
    download_url: str | None = Field(description="文档的下载地址（需登录或令牌）")
    created_at: datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        if obj.kind != MaterialKind.DOCUMENT or not obj.file:
            return None
        return reverse("study:material_download", args=[obj.pk])


class MaterialFilters(Schema):
    q: search_text(60) = Field("", description="标题或标签包含的文字")
    tag: search_text(30) = Field("", description="标签（完整名称）")
    kind: KindFilter | None = Field(None, description="document、link 或 note")


class ReflectionOut(Schema):
    id: int
    title: str
    text: str
    length: int = Field(description="字数，不计空格和换行")
    status: str
    status_label: str
    shared: bool
    session_id: int | None
    material_id: int | None
    submitted_at: datetime
    reviewed_at: datetime | None
    review_comment: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class ReflectionFilters(Schema):
    status: StatusFilter | None = Field(
        None, description="submitted、returned、accepted、excellent"
    )


@router.get(
    "/study/materials",
    response=list[MaterialOut],
    url_name="study_materials",
    summary="学习资料列表",
)
@paginate(Pagination)
def list_materials(request, filters: Query[MaterialFilters]):
    return library_selectors.filter_materials(
        request.auth, query=filters.q, tag=filters.tag, kind=filters.kind or ""
    ).defer(None)


@router.get(
    "/study/materials/{id}",
    response=MaterialOut,
    url_name="study_material",
    summary="学习资料详情",
)
def get_material(request, id: ObjectId):
    return library_selectors.access_material(request.auth, id)


@router.get(
    "/study/reflections/mine",
    response=list[ReflectionOut],
    url_name="study_my_reflections",
    summary="我的心得体会",
)
@paginate(Pagination)
def my_reflections(request, filters: Query[ReflectionFilters]):
    return reflection_selectors.my_reflections(request.auth, status=filters.status or "").defer(
        None
    )

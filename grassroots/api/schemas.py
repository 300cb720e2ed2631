"""What the API answers with, and the filters its lists take."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema

from grassroots.core import permissions
from grassroots.orgs.enums import OrgStatus, PersonStatus, PoliticalStatus

from .types import Blankable, Code, ObjectId, search_text

# One Literal rather than a union with the enum: a bad value then gets one plain error.
OrgStatusFilter = Literal[tuple([*OrgStatus.values, "all"])]  # type: ignore[misc]
PersonStatusFilter = Literal[tuple([*PersonStatus.values, "all"])]  # type: ignore[misc]

# --- Organizations -------------------------------------------------------------


class KindOut(Schema):
    code: str
    name: str


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: KindOut
    status: str
    depth: int = Field(description="层级，顶层组织为1")
    parent_id: int | None = Field(None, description="上级组织；上级不在您的权限范围内时为空")
    founded_on: date | None
    dissolved_on: date | None
    phone: str
    address: str


class OrganizationFilters(Schema):
    parent: Annotated[ObjectId | None, Blankable] = Field(
        None, description="只列出该组织的直接下级"
    )
    subtree: Annotated[ObjectId | None, Blankable] = Field(
        None, description="只列出该组织及其全部下级"
    )
    kind: Annotated[Code | None, Blankable] = Field(None, description="组织类别代码，如 branch")
    status: OrgStatusFilter = Field("active", description="默认只列出正常组织；all：全部")
    q: search_text(60) = Field("", description="名称、简称或组织代码")


# --- People --------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: date | None
    id_number: str = Field(description="无“查看完整身份证号”权限时为脱敏号码")
    id_number_masked: bool
    mobile: str
    email: str
    education: str
    political_status: str
    joined_party_on: date | None
    full_member_on: date | None
    primary_org: OrgRef
    employer: str
    job_title: str
    rank: str
    status: str

    @staticmethod
    def _full_id_allowed(obj, context) -> bool:
        # The user's prefixes are cached on the user by the permission engine: no query per row.
        user = context["request"].auth
        return permissions.covers(user, "orgs.view_id_number", obj.primary_org.path)

    @staticmethod
    def resolve_id_number(obj, context) -> str:
        if PersonOut._full_id_allowed(obj, context):
            return obj.id_number
        return obj.masked_id_number

    @staticmethod
    def resolve_id_number_masked(obj, context) -> bool:
        return bool(obj.id_number) and not PersonOut._full_id_allowed(obj, context)


class PeopleFilters(Schema):
    org: Annotated[ObjectId | None, Blankable] = Field(
        None, description="只列出该组织及其下级组织的人员"
    )
    political_status: Annotated[PoliticalStatus | None, Blankable] = None
    status: PersonStatusFilter = Field("active", description="默认只列出在册人员；all：全部")
    q: search_text(40) = Field("", description="姓名、拼音首字母、手机号或身份证号开头")


# --- The user ------------------------------------------------------------------


class GrantOut(Schema):
    role: str = Field(description="角色标识，如 branch_secretary")
    role_name: str
    organization_id: int
    organization_name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    person_id: int | None
    grants: list[GrantOut]

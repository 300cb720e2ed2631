"""The columns of the roster file (花名册) and the Chinese labels its choice columns accept.

The file is a Chinese administrative document: its headers and choice values are Chinese in
every interface language, so that a file exported by one user imports for any other. Headers
are matched by name, never by position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.utils import translation

from ..enums import Education, Ethnicity, Gender, PoliticalStatus

TEXT, CHOICE, DATE, ID_NUMBER, MOBILE, ORG_CODE = "text", "choice", "date", "id", "mobile", "org"


@dataclass(frozen=True)
class Column:
    key: str  # a Person field, or "org_code"
    header: str  # the header in the file (Chinese, part of the file format)
    kind: str
    width: int = 12
    required: bool = False
    choices: type[models.TextChoices] | None = None
    aliases: tuple[str, ...] = ()
    hint: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", TEXT, 10, required=True, hint="必填。"),
    Column("gender", "性别", CHOICE, 6, choices=Gender, hint="男或女；空着则按身份证号填写。"),
    Column(
        "ethnicity",
        "民族",
        CHOICE,
        10,
        choices=Ethnicity,
        hint="如“汉族”，见右侧可选值；新人员空着为汉族。",
    ),
    Column(
        "id_number",
        "身份证号",
        ID_NUMBER,
        22,
        required=True,
        aliases=("身份证号码", "公民身份号码", "身份证"),
        hint="必填，18位；请把此列设为“文本”格式，否则 Excel 会丢掉末几位。导入按身份证号识别同一人员。",
    ),
    Column("birth_date", "出生日期", DATE, 12, hint="如 1990-01-02；空着则按身份证号填写。"),
    Column("mobile", "手机号", MOBILE, 14, aliases=("手机", "手机号码"), hint="11位手机号。"),
    Column(
        "education",
        "学历",
        CHOICE,
        12,
        choices=Education,
        aliases=("文化程度",),
        hint="见右侧可选值。",
    ),
    Column(
        "political_status",
        "政治面貌",
        CHOICE,
        14,
        choices=PoliticalStatus,
        hint="见右侧可选值；新人员空着为群众。",
    ),
    Column(
        "joined_party_on", "入党日期", DATE, 12, aliases=("入党时间",), hint="党员、预备党员必填。"
    ),
    Column(
        "full_member_on",
        "转正日期",
        DATE,
        12,
        aliases=("转正时间",),
        hint="正式党员填写；不能早于入党日期。",
    ),
    Column(
        "org_code",
        "组织代码",
        ORG_CODE,
        12,
        aliases=("党组织代码", "所在组织代码"),
        hint="见“组织代码”表；新人员空着则进入导入时所选的组织，已有人员空着则不转移。",
    ),
    Column("employer", "工作单位", TEXT, 24, aliases=("单位",)),
    Column("job_title", "职务", TEXT, 16),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = [c for c in COLUMNS if c.required]
# The fields of Person that the file writes; org_code is resolved to primary_org separately.
PERSON_KEYS = [c.key for c in COLUMNS if c.key != "org_code"]
EXPORT_EXTRA_HEADER = "所在组织"

# The example row of the template carries the standard's own sample number (GB 11643), so that
# an example left in the file is recognized rather than imported as a person.
EXAMPLE_ID_NUMBER = "11010519491231002X"

_PARENS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_SPACES_RE = re.compile(r"[\s*＊]+")


def normalize_text(value: str) -> str:
    """Full-width letters and digits to half-width, surrounding blanks off."""
    return unicodedata.normalize("NFKC", value).strip()


def normalize_header(value) -> str:
    if value is None:
        return ""
    text = normalize_text(str(value))
    text = _PARENS_RE.sub("", text)
    return _SPACES_RE.sub("", text)


@cache
def header_lookup() -> dict[str, str]:
    """{normalized header or alias: column key}."""
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[normalize_header(column.header)] = column.key
        for alias in column.aliases:
            lookup[normalize_header(alias)] = column.key
    return lookup


# Spellings seen in real rosters, beside the labels of the choices.
_CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"男性": Gender.MALE, "女性": Gender.FEMALE},
    "education": {
        "博士": Education.DOCTORATE,
        "研究生": Education.MASTER,
        "硕士": Education.MASTER,
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "中专": Education.SECONDARY,
        "高中": Education.SECONDARY,
        "中专及高中": Education.SECONDARY,
        "职高": Education.SECONDARY,
        "技校": Education.SECONDARY,
        "初中": Education.JUNIOR,
        "小学": Education.JUNIOR,
    },
    "political_status": {
        "党员": PoliticalStatus.PARTY_MEMBER,
        "正式党员": PoliticalStatus.PARTY_MEMBER,
        "中国共产党党员": PoliticalStatus.PARTY_MEMBER,
        "预备党员": PoliticalStatus.PROBATIONARY,
        "团员": PoliticalStatus.LEAGUE_MEMBER,
        "共青团员": PoliticalStatus.LEAGUE_MEMBER,
        "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
        "无党派": PoliticalStatus.NON_PARTY,
    },
}


def chinese_labels(choices: type[models.TextChoices]) -> list[tuple[str, str]]:
    """[(value, Chinese label)] whatever the language of the request."""
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in choices.choices]


@cache
def choice_lookup(key: str) -> dict[str, str]:
    """{accepted spelling: value} for a choice column."""
    column = BY_KEY[key]
    lookup: dict[str, str] = {}
    for value, label in chinese_labels(column.choices):
        lookup[normalize_header(label)] = value
        lookup[value.lower()] = value
        if key == "ethnicity" and label.endswith("族"):
            lookup[label[:-1]] = value  # 汉 → 汉族, 维吾尔 → 维吾尔族
    for alias, value in _CHOICE_ALIASES.get(key, {}).items():
        lookup[normalize_header(alias)] = str(value)
    return lookup


@cache
def choice_label(key: str, value: str) -> str:
    return dict(chinese_labels(BY_KEY[key].choices)).get(value, "")

"""The dry run of a roster import: what each row of the file would do, and why a row cannot.

It reads the database in a fixed number of queries whatever the number of rows (organizations
by code, people by ID number, current memberships of those who would move, each in chunks as
large as the database takes) and checks every person with services.clean_person, so that the form, the
import and the API give the same messages. Nothing here writes.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import permissions

from ..enums import OrgStatus, PersonStatus
from ..models import Membership, Organization, Person, RosterImport
from ..services import clean_person
from .columns import BY_KEY, EXAMPLE_ID_NUMBER, PERSON_KEYS
from .parsing import parse_row
from .reader import RosterSheet

IMPORT_CODENAME = "orgs.import_roster"

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("新增"),
    UPDATE: gettext_lazy("更新"),
    UNCHANGED: gettext_lazy("无变化"),
    ERROR: gettext_lazy("有错误"),
}

# Person fields that clean_person may report on, with the column a user would fix.
_FIELD_HEADERS = {key: BY_KEY[key].header for key in PERSON_KEYS}
_FIELD_HEADERS["primary_org"] = BY_KEY["org_code"].header


@dataclass
class RowPlan:
    line: int  # the row number Excel shows
    name: str
    id_number: str
    org: Organization | None
    org_text: str  # the code as written, for a row whose organization is unknown
    action: str = CREATE
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the headers of changed columns
    person: Person | None = None  # the checked instance to write
    existing: Person | None = None  # the person as stored, when the row updates one
    moved_from: Organization | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def is_error(self) -> bool:
        return self.action == ERROR


@dataclass
class RosterPlan:
    rows: list[RowPlan]
    ignored_headers: list[str]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.action for row in self.rows)
        return {action: found.get(action, 0) for action in (CREATE, UPDATE, UNCHANGED, ERROR)}

    @property
    def writable(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == ERROR]


def _chunks(values: Iterable) -> Iterator[list]:
    """Lists small enough for one `IN (...)`: 990 on SQLite, 5,000 on PostgreSQL."""
    size = min((connection.features.max_query_params or 10_000) - 9, 5_000)
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _message(key: str, message: str) -> str:
    header = _FIELD_HEADERS.get(key)
    if not header or header in message:
        return message
    return _("%(column)s：%(message)s") % {"column": header, "message": message}


def _messages(errors: dict[str, list[str]]) -> list[str]:
    return [_message(key, msg) for key, messages in errors.items() for msg in messages]


def build_plan(
    user, roster_import: RosterImport, sheet: RosterSheet, *, lock: bool = False
) -> RosterPlan:
    """What importing `sheet` into `roster_import.organization` would do, row by row.

    With lock=True (the confirmation, inside its transaction) the people the rows match are
    locked until the transaction ends.
    """
    scope_org = roster_import.organization
    parsed = []
    for line, raw in sheet.rows:
        values, errors = parse_row(raw)
        parsed.append((line, values, errors))

    codes = {v["org_code"] for _line, v, _e in parsed if v.get("org_code")}
    orgs_by_code: dict[str, Organization] = {}
    for chunk in _chunks(codes):
        for org in Organization.objects.filter(code__in=chunk):
            orgs_by_code[org.code] = org

    id_numbers = {v["id_number"] for _line, v, _e in parsed if v.get("id_number")}
    people_by_id: dict[str, list[Person]] = defaultdict(list)
    people_qs = Person.objects.select_related("primary_org")
    if lock:
        people_qs = people_qs.select_for_update(of=("self",))
    for chunk in _chunks(id_numbers):
        for person in people_qs.filter(id_number__in=chunk).order_by("id"):
            people_by_id[person.id_number].append(person)
    id_counts = Counter(v.get("id_number") for _line, v, _e in parsed if v.get("id_number"))
    lines_by_id: dict[str, list[int]] = defaultdict(list)
    for line, values, _e in parsed:
        if values.get("id_number"):
            lines_by_id[values["id_number"]].append(line)

    rows = [
        _plan_row(
            user,
            scope_org,
            line,
            values,
            errors,
            orgs_by_code,
            people_by_id,
            id_counts,
            lines_by_id,
        )
        for line, values, errors in parsed
    ]
    _check_memberships(rows)
    return RosterPlan(rows=rows, ignored_headers=sheet.ignored_headers)


def _can_import(user, org: Organization) -> bool:
    return permissions.covers(user, IMPORT_CODENAME, org.path)


def _resolve_org(user, scope_org, code, orgs_by_code) -> tuple[Organization | None, str | None]:
    org = orgs_by_code.get(code)
    visible = org is not None and (
        permissions.covers(user, "orgs.view_organization", org.path) or _can_import(user, org)
    )
    if not visible:
        return None, _("组织代码“%(code)s”不存在，或不在您的管理范围内。") % {"code": code}
    if not org.path.startswith(scope_org.path):
        return None, _("组织“%(name)s”（%(code)s）不在本次导入范围“%(scope)s”及其下级内。") % {
            "name": org.name,
            "code": code,
            "scope": scope_org.name,
        }
    if not _can_import(user, org):
        return None, _("您没有向组织“%(name)s”导入人员的权限。") % {"name": org.name}
    if org.status != OrgStatus.ACTIVE:
        return None, _("组织“%(name)s”已撤销，不能导入人员。") % {"name": org.name}
    return org, None


def _plan_row(
    user, scope_org, line, values, parse_errors, orgs_by_code, people_by_id, id_counts, lines_by_id
):
    id_number = values.get("id_number", "")
    code = values.get("org_code", "")
    row = RowPlan(
        line=line, name=str(values.get("name", "")), id_number=id_number, org=None, org_text=code
    )
    errors = _messages(parse_errors)

    org = None
    if code:
        org, problem = _resolve_org(user, scope_org, code, orgs_by_code)
        if problem:
            errors.append(problem)

    if not id_number and "id_number" not in parse_errors:
        errors.append(_("身份证号：请填写身份证号（导入按身份证号识别人员）。"))
    if id_number == EXAMPLE_ID_NUMBER:
        errors.append(_("这是模板中的示例行，请删除后再导入。"))
    if id_number and id_counts[id_number] > 1:
        others = [str(n) for n in lines_by_id[id_number] if n != line]
        errors.append(_("身份证号与第 %(lines)s 行重复。") % {"lines": "、".join(others)})

    existing = None
    candidates = people_by_id.get(id_number, []) if id_number else []
    active = [p for p in candidates if p.status == PersonStatus.ACTIVE]
    if active:
        existing = active[0]
        if not _can_import(user, existing.primary_org):
            errors.append(
                _(
                    "该身份证号已属于您管理范围以外的在册人员，不能通过导入修改；如需转入，请联系其所在组织办理组织关系转接。"
                )
            )
            existing = None
    elif candidates:
        in_scope = [p for p in candidates if _can_import(user, p.primary_org)]
        if in_scope:
            errors.append(
                _(
                    "该身份证号对应的人员“%(name)s”状态为“%(status)s”，请先在人员页面恢复其状态，再导入。"
                )
                % {"name": in_scope[0].name, "status": in_scope[0].get_status_display()}
            )

    fields = {key: values[key] for key in PERSON_KEYS if key in values}
    if existing is not None:
        person = copy.copy(existing)
        target = org or existing.primary_org
        if not code and not target.path.startswith(scope_org.path):
            errors.append(
                _("该人员现属“%(org)s”，不在本次导入范围“%(scope)s”内；如需转入，请填写组织代码。")
                % {"org": target.name, "scope": scope_org.name}
            )
    else:
        target = org or scope_org
        if not code and not _can_import(user, target):
            errors.append(_("您没有向组织“%(name)s”导入人员的权限。") % {"name": target.name})
        elif not code and target.status != OrgStatus.ACTIVE:
            errors.append(_("组织“%(name)s”已撤销，不能导入人员。") % {"name": target.name})
        person = Person(status=PersonStatus.ACTIVE)
    for key, value in fields.items():
        setattr(person, key, value)
    person.primary_org = target
    row.org = target if org is not None or not code else None  # else show the code as written

    try:
        clean_person(person, check_unique=False)
    except ValidationError as exc:
        errors.extend(_messages(exc.message_dict))
    if not row.name:
        row.name = person.name

    if errors:
        row.action = ERROR
        row.errors = list(dict.fromkeys(errors))  # the same message once
        return row
    row.person = person
    row.id_number = person.id_number
    if existing is None:
        row.action = CREATE
        return row
    row.existing = existing
    row.changes = [
        BY_KEY[key].header for key in PERSON_KEYS if getattr(existing, key) != getattr(person, key)
    ]
    if existing.primary_org_id != target.pk:
        row.moved_from = existing.primary_org
        row.changes.append(BY_KEY["org_code"].header)
    row.action = UPDATE if row.changes else UNCHANGED
    return row


def _check_memberships(rows: list[RowPlan]) -> None:
    """A move ends the current membership today; it cannot end before it started."""
    moving = {row.existing.pk: row for row in rows if row.moved_from is not None}
    if not moving:
        return
    today = timezone.localdate()
    for chunk in _chunks(moving):
        current = Membership.objects.filter(
            person_id__in=chunk, ended_on__isnull=True, started_on__gt=today
        )
        for person_id in current.values_list("person_id", flat=True):
            row = moving[person_id]
            row.action = ERROR
            row.person = None
            row.errors.append(_("该人员当前组织关系的起始日期晚于今天，暂不能通过导入转移。"))

"""Every write of the orgs app: one function per action, atomic, permission-checked."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited, log_change
from grassroots.core.permissions import subtree_q, user_can
from grassroots.core.validators import (
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
    validate_mobile,
)

from . import counts as org_counts
from .enums import OrgStatus, PersonStatus, PoliticalStatus
from .models import Membership, Organization, OrganizationKind, Person, Position
from .pinyin import pinyin_keys

PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "mobile",
    "email",
    "education",
    "political_status",
    "joined_party_on",
    "full_member_on",
    "employer",
    "job_title",
    "rank",
)
ORG_FIELDS = ("code", "name", "short_name", "kind", "founded_on", "secretary", "phone", "address")


def _require(actor, codename: str, obj=None) -> None:
    if not user_can(actor, codename, obj):
        raise PermissionDenied(_("您没有权限执行此操作。"))


# --- Organizations -----------------------------------------------------------


def _check_org(org: Organization, parent: Organization | None = None) -> None:
    org.code = (org.code or "").strip()
    org.name = (org.name or "").strip()
    if not org.code:
        raise ValidationError({"code": _("请填写组织代码。")})
    clash = Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists()
    if clash:
        raise ValidationError({"code": _("组织代码“%(code)s”已被使用。") % {"code": org.code}})
    if org.secretary_id:
        # A secretary belongs to the organization, one below it, or one above it; never to a
        # stranger subtree. A new organization is judged by its parent.
        sec_path = org.secretary.primary_org.path
        own_path = org.path if org.pk else parent.path if parent else ""
        above = own_path.startswith(sec_path)
        below = bool(org.pk) and sec_path.startswith(org.path)
        if not (above or below):
            raise ValidationError({"secretary": _("书记应为本组织、下级组织或上级组织的人员。")})
    org.full_clean(exclude=["path", "depth", "numchild", "secretary"], validate_unique=False)


@audited
@transaction.atomic
def organization_create(*, parent: Organization | None, actor, **fields: Any) -> Organization:
    if parent is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以新建顶级组织。"))
    else:
        _require(actor, "orgs.manage_organization", parent)
        if parent.status != OrgStatus.ACTIVE:
            raise ValidationError(_("不能在已撤销的组织下新建组织。"))
    org = Organization(**{k: v for k, v in fields.items() if k in ORG_FIELDS})
    _check_org(org, parent)
    code_taken = ValidationError({"code": _("组织代码“%(code)s”已被使用。") % {"code": org.code}})
    if parent is None:
        try:
            with transaction.atomic():
                root = Organization.objects.add_root(instance=org)
        except IntegrityError:
            raise code_taken from None
        return root
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    try:
        with transaction.atomic():
            return Organization.objects.add_child(parent, instance=org)
    except IntegrityError:
        # Two officers submitted the same code at the same moment.
        raise code_taken from None


@audited
@transaction.atomic
def organization_update(*, organization: Organization, actor, **fields: Any) -> Organization:
    _require(actor, "orgs.manage_organization", organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    for key, value in fields.items():
        if key in ORG_FIELDS:
            setattr(org, key, value)
    _check_org(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ValidationError(
            {"code": _("组织代码“%(code)s”已被使用。") % {"code": org.code}}
        ) from None
    return org


@audited
@transaction.atomic
def organization_move(
    *, organization: Organization, new_parent: Organization, actor
) -> Organization:
    """Move a subtree under another parent; permissions and scoped lists follow the new paths."""
    _require(actor, "orgs.manage_organization", organization)
    _require(actor, "orgs.manage_organization", new_parent)
    org = Organization.objects.get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if organization.depth == 1:
        raise ValidationError(_("不能移动顶级组织。"))
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把组织移到它自己或它的下级组织之下。"))
    if new_parent.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能移到已撤销的组织之下。"))
    if Organization.objects.get_parent(org).pk == new_parent.pk:
        return org
    old_parent = Organization.objects.get_parent(org)
    Organization.objects.move(org, new_parent, pos="last-child")  # bulk path updates, no signals
    org_counts.changed()
    org.refresh_from_db()
    log_change(org, {"parent": [old_parent.name, new_parent.name]}, actor=actor)
    return org


@audited
@transaction.atomic
def organization_dissolve(
    *, organization: Organization, on: date | None = None, actor
) -> Organization:
    """Dissolve (撤销) an organization with its whole subtree; active members must move first."""
    _require(actor, "orgs.manage_organization", organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError(_("该组织已撤销。"))
    if org.depth == 1:
        raise ValidationError(_("不能撤销顶级组织。"))
    active_people = Person.objects.filter(
        subtree_q("primary_org__path", org.path), status=PersonStatus.ACTIVE
    ).count()
    if active_people:
        raise ValidationError(
            _("该组织及其下级还有 %(n)d 名在册人员，请先转移人员或使用“合并”。")
            % {"n": active_people}
        )
    on = on or timezone.localdate()
    for node in Organization.objects.filter(subtree_q("path", org.path), status=OrgStatus.ACTIVE):
        node.status = OrgStatus.DISSOLVED
        node.dissolved_on = on
        node.save(update_fields=["status", "dissolved_on", "updated_at"])
    org.refresh_from_db()
    return org


@audited
@transaction.atomic
def organization_merge(
    *, organization: Organization, into: Organization, on: date | None = None, actor
) -> Organization:
    """Merge an organization into another: its people and sub-organizations move, then it is dissolved."""
    _require(actor, "orgs.manage_organization", organization)
    _require(actor, "orgs.manage_organization", into)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    into = Organization.objects.select_for_update().get(pk=into.pk)
    if org.depth == 1:
        raise ValidationError(_("不能合并顶级组织。"))
    if into.path.startswith(org.path):
        raise ValidationError(_("不能并入自身或自己的下级组织。"))
    if org.status != OrgStatus.ACTIVE or into.status != OrgStatus.ACTIVE:
        raise ValidationError(_("只能合并两个正常状态的组织。"))
    on = on or timezone.localdate()
    for child in list(Organization.objects.get_children(org)):
        Organization.objects.move(Organization.objects.get(pk=child.pk), into, pos="last-child")
        org_counts.changed()
        into.refresh_from_db()
        log_change(child, {"parent": [org.name, into.name]}, actor=actor)
    for person in Person.objects.filter(primary_org=org, status=PersonStatus.ACTIVE):
        _transfer(
            person,
            into,
            on,
            _("组织合并：%(old)s 并入 %(new)s") % {"old": org.name, "new": into.name},
        )
    org.refresh_from_db()
    org.status = OrgStatus.DISSOLVED
    org.dissolved_on = on
    org.merged_into = into
    org.save(update_fields=["status", "dissolved_on", "merged_into", "updated_at"])
    return org


@audited
@transaction.atomic
def organization_kind_save(*, kind: OrganizationKind, actor) -> OrganizationKind:
    if not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以维护组织类别。"))
    kind.full_clean()
    kind.save()
    return kind


# --- People -----------------------------------------------------------------


def clean_person(person: Person, *, check_unique: bool = True) -> None:
    """Normalize and check one person: ID number against birth date and gender, mobile, dates.

    With check_unique=False the ID number is not looked up in the database: the roster import
    checks thousands of rows against one prefetched set instead of one query per row.
    """
    errors: dict[str, list[str]] = {}
    person.name = (person.name or "").strip()
    person.id_number = normalize_id_number(person.id_number)
    person.mobile = normalize_mobile(person.mobile)
    if not person.name:
        errors.setdefault("name", []).append(_("请填写姓名。"))
    if person.id_number:
        try:
            facts = parse_id_number(person.id_number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
        else:
            if person.birth_date is None:
                person.birth_date = facts.birth_date
            elif person.birth_date != facts.birth_date:
                errors.setdefault("birth_date", []).append(_("出生日期与身份证号不一致。"))
            if not person.gender:
                person.gender = facts.gender
            elif person.gender != facts.gender:
                errors.setdefault("gender", []).append(_("性别与身份证号不一致。"))
    if person.mobile:
        try:
            validate_mobile(person.mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
    if person.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY):
        if not person.joined_party_on:
            errors.setdefault("joined_party_on", []).append(_("党员须填写入党日期。"))
    if (
        person.full_member_on
        and person.joined_party_on
        and person.full_member_on < person.joined_party_on
    ):
        errors.setdefault("full_member_on", []).append(_("转正日期不能早于入党日期。"))
    if person.political_status == PoliticalStatus.PROBATIONARY and person.full_member_on:
        errors.setdefault("full_member_on", []).append(_("预备党员尚无转正日期。"))
    today = timezone.localdate()
    for field in ("birth_date", "joined_party_on", "full_member_on"):
        value = getattr(person, field)
        if value and value > today:
            errors.setdefault(field, []).append(_("日期不能晚于今天。"))
    if check_unique and person.id_number and person.status == PersonStatus.ACTIVE:
        clash = (
            Person.objects.filter(id_number=person.id_number, status=PersonStatus.ACTIVE)
            .exclude(pk=person.pk)
            .exists()
        )
        if clash:
            errors.setdefault("id_number", []).append(_("该身份证号已属于另一在册人员。"))
    if errors:
        raise ValidationError(errors)
    try:
        person.full_clean(
            exclude=["primary_org", "id_number"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)


def _save_person(person: Person) -> Person:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another request took the ID number between the check and the write.
        raise ValidationError({"id_number": [_("该身份证号已属于另一在册人员。")]}) from None
    return person


@audited
@transaction.atomic
def person_create(
    *, organization: Organization, actor, joined_on: date | None = None, **fields: Any
) -> Person:
    _require(actor, "orgs.manage_person", organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能把人员加入已撤销的组织。"))
    person = Person(
        primary_org=organization, **{k: v for k, v in fields.items() if k in PERSON_FIELDS}
    )
    _check_not_future(joined_on, "joined_on")
    clean_person(person)
    _save_person(person)
    Membership.objects.create(
        person=person, organization=organization, started_on=joined_on or timezone.localdate()
    )
    return person


@audited
@transaction.atomic
def person_update(*, person: Person, actor, **fields: Any) -> Person:
    _require(actor, "orgs.manage_person", person)
    person = Person.objects.select_for_update().select_related("primary_org").get(pk=person.pk)
    for key, value in fields.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    clean_person(person)
    return _save_person(person)


def _check_not_future(on: date | None, field: str) -> None:
    if on and on > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天。")]})


def _transfer(person: Person, organization: Organization, on: date, note: str) -> None:
    _check_not_future(on, "on")
    current = (
        Membership.objects.select_for_update().filter(person=person, ended_on__isnull=True).first()
    )
    if current:
        if current.started_on > on:
            raise ValidationError(_("转移日期不能早于当前组织关系的起始日期。"))
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    Membership.objects.create(person=person, organization=organization, started_on=on, note=note)
    person.primary_org = organization
    person.save(update_fields=["primary_org", "updated_at"])


@audited
@transaction.atomic
def person_transfer(
    *, person: Person, organization: Organization, on: date | None = None, note: str = "", actor
) -> Person:
    """Move a person's primary organization; the membership history keeps the old one with dates."""
    _require(actor, "orgs.manage_person", person)
    _require(actor, "orgs.manage_person", organization)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("不能转入已撤销的组织。"))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.primary_org_id == organization.pk:
        raise ValidationError(_("该人员已在此组织。"))
    _transfer(person, organization, on or timezone.localdate(), note)
    return person


@audited
@transaction.atomic
def person_set_status(*, person: Person, status: str, actor) -> Person:
    _require(actor, "orgs.manage_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if status not in PersonStatus.values:
        raise ValidationError(_("无效的状态。"))
    if person.status == status:
        return person
    was_active = person.status == PersonStatus.ACTIVE
    person.status = status
    if status == PersonStatus.ACTIVE:
        clean_person(person)
    _save_person(person)
    today = timezone.localdate()
    if status != PersonStatus.ACTIVE:
        for current in Membership.objects.select_for_update().filter(
            person=person, ended_on__isnull=True
        ):
            current.ended_on = max(today, current.started_on)
            current.save(update_fields=["ended_on"])
    elif not was_active and not person.memberships.filter(ended_on__isnull=True).exists():
        # Back on the roll: the membership history starts again from today.
        Membership.objects.create(
            person=person, organization=person.primary_org, started_on=today, note=_("恢复在册")
        )
    return person


@audited
@transaction.atomic
def position_add(*, person: Person, actor, **fields: Any) -> Position:
    _require(actor, "orgs.manage_person", person)
    position = Position(person=person, **fields)
    if not position.title.strip():
        raise ValidationError({"title": _("请填写职务。")})
    if position.started_on and position.ended_on and position.ended_on < position.started_on:
        raise ValidationError({"ended_on": _("免职日期不能早于任职日期。")})
    position.full_clean()
    position.save()
    return position


@audited
@transaction.atomic
def position_end(*, position: Position, on: date | None = None, actor) -> Position:
    _require(actor, "orgs.manage_person", position.person)
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.ended_on is not None:
        raise ValidationError(_("该职务已经免去。"))
    on = on or timezone.localdate()
    if position.started_on and on < position.started_on:
        raise ValidationError(_("免职日期不能早于任职日期。"))
    position.ended_on = on
    position.save(update_fields=["ended_on"])
    return position

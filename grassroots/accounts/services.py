"""Every write of the accounts app: accounts, roles and grants; atomic and permission-checked.

Two rules keep a manager from raising their own power:
- a grant needs `accounts.manage_grants` on the organization, and the actor must hold every
  codename of the role there themselves;
- an existing account may be changed (password reset, deactivation…) only by someone who holds
  at least what that account holds, so no one takes over a stronger account.
Accounts without a person and the roles themselves belong to no subtree: only those holding the
codename over the whole tree (system administrators) manage them.
"""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.audit import audited
from grassroots.core.validators import normalize_mobile, validate_mobile
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person

from .models import ApiToken, Role, RoleGrant, User
from .selectors import holds_everywhere

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,40}$")
# No 0/O, 1/l/I: a temporary password is read aloud or copied from a screen.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"


def _refuse(message: str | None = None):
    raise PermissionDenied(message or _("您没有权限执行此操作。"))


def generate_password(length: int = 12) -> str:
    """A random password with letters and digits, which Django's validators accept."""
    while True:
        value = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))
        if (
            any(c.isdigit() for c in value)
            and any(c.isupper() for c in value)
            and any(c.islower() for c in value)
        ):
            return value


# --- Who may touch which account ---------------------------------------------------


def may_manage_user(actor, user: User) -> bool:
    """manage_users on the account's person, or over the whole tree for accounts without one."""
    if user.is_superuser and not actor.is_superuser:
        return False
    if user.person_id is None:
        return holds_everywhere(actor, "accounts.manage_users")
    return permissions.covers(actor, "accounts.manage_users", user.person.primary_org.path)


def holds_role_on(actor, role: Role, path: str) -> bool:
    """Does the actor hold every codename of the role on the organization with this path?"""
    if actor.is_superuser:
        return True
    return all(permissions.covers(actor, codename, path) for codename in role.codenames or [])


def _require_user(actor, user: User) -> None:
    if not may_manage_user(actor, user):
        _refuse()
    if actor.is_superuser or user.pk == actor.pk:
        return
    # Taking over an account that holds more than the actor would be an escalation.
    for grant in user.grants.select_related("role", "organization"):
        if not holds_role_on(actor, grant.role, grant.organization.path):
            _refuse(_("该账号拥有您不具备的权限，只能由上级管理员管理。"))


def _locked_user(user: User) -> User:
    return (
        User.objects.select_for_update(of=("self",))
        .select_related("person", "person__primary_org")
        .get(pk=user.pk)
    )


def _clean_mobile(mobile: str | None, *, exclude_pk=None) -> str | None:
    mobile = normalize_mobile(mobile or "")
    if not mobile:
        return None
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    clash = User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"mobile": [_("手机号“%(m)s”已被其他账号使用。") % {"m": mobile}]})
    return mobile


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("请填写工号/用户名。")]})
    if not USERNAME_RE.match(username):
        raise ValidationError({"username": [_("工号/用户名为2至40位字母、数字或 _ . @ - 符号。")]})
    # Login accepts a username or a mobile number: neither may be another account's other name.
    clash = User.objects.filter(Q(username__iexact=username) | Q(mobile=normalize_mobile(username)))
    if clash.exists():
        raise ValidationError({"username": [_("工号/用户名“%(u)s”已被使用。") % {"u": username}]})
    return username


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _unlock(user: User) -> None:
    """Clear django-axes lockouts for every name the account logs in with."""
    from axes.utils import reset

    for name in {user.username, user.mobile} - {None, ""}:
        reset(username=name)


# --- Accounts -----------------------------------------------------------------------


@audited
@transaction.atomic
def user_create(
    *,
    person: Person | None,
    username: str,
    actor,
    mobile: str | None = None,
    display_name: str = "",
    email: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Open an account for a person (or a system account without one, for system admins).

    The account must change its password at first login. Returns the account and, when no
    password was given, the generated one, to show once.
    """
    if person is None:
        if not holds_everywhere(actor, "accounts.manage_users"):
            _refuse(_("只有系统管理员可以新建不对应人员的账号。"))
    else:
        person = (
            Person.objects.select_for_update(of=("self",))
            .select_related("primary_org")
            .get(pk=person.pk)
        )
        if not permissions.user_can(actor, "accounts.manage_users", person):
            _refuse()
        if person.status != PersonStatus.ACTIVE:
            raise ValidationError(_("只能为在册人员开通账号。"))
        if User.objects.filter(person=person).exists():
            raise ValidationError(_("“%(name)s”已有账号。") % {"name": person.name})
        if mobile is None:
            mobile = person.mobile
    user = User(
        username=_clean_username(username),
        mobile=_clean_mobile(mobile),
        display_name=(display_name or "").strip(),
        email=(email or "").strip(),
        person=person,
        must_change_password=True,
    )
    generated = None
    if password:
        _check_password(password, user)
    else:
        password = generated = generate_password()
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            _("工号/用户名、手机号或人员已被另一账号占用，请刷新后重试。")
        ) from None
    return user, generated


def _set_active(user: User, active: bool, actor) -> None:
    if not active and user.pk == actor.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    user.is_active = active


@audited
@transaction.atomic
def user_update(
    *,
    user: User,
    actor,
    display_name: str | None = None,
    mobile: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Edit an account's display name, mobile, email and whether it may log in."""
    user = _locked_user(user)
    _require_user(actor, user)
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if mobile is not None:
        user.mobile = _clean_mobile(mobile, exclude_pk=user.pk)
        fields.append("mobile")
    if email is not None:
        user.email = email.strip()
        fields.append("email")
    if is_active is not None and is_active != user.is_active:
        _set_active(user, is_active, actor)
        fields.append("is_active")
    if fields:
        try:
            with transaction.atomic():
                user.save(update_fields=fields)
        except IntegrityError:
            raise ValidationError({"mobile": [_("该手机号已被其他账号使用。")]}) from None
    return user


@audited
@transaction.atomic
def user_set_active(*, user: User, active: bool, actor) -> User:
    """Deactivate (停用) or reactivate an account; a deactivated account cannot log in."""
    user = _locked_user(user)
    _require_user(actor, user)
    if user.is_active != active:
        _set_active(user, active, actor)
        user.save(update_fields=["is_active"])
        if active:
            _unlock(user)
        else:
            _revoke_tokens(user)
    return user


@audited
@transaction.atomic
def user_reset_password(*, user: User, actor) -> str:
    """Set a generated temporary password, to show once; the account must change it at next login.

    The old sessions end (the session hash follows the password) and any lockout is lifted.
    """
    user = _locked_user(user)
    _require_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("请通过“修改密码”修改自己的密码。"))
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _unlock(user)
    # A reset answers a lost or stolen password: the account's API tokens go with it.
    _revoke_tokens(user)
    return password


def _revoke_tokens(user: User) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_password_changed(*, actor: User) -> User:
    """The actor changed their own password: a forced change is done."""
    if actor.must_change_password:
        actor.must_change_password = False
        actor.save(update_fields=["must_change_password"])
    return actor


# --- Roles ----------------------------------------------------------------------------


def _require_roles(actor) -> None:
    if not holds_everywhere(actor, "accounts.manage_roles"):
        _refuse(_("只有系统管理员可以管理角色。"))


def _clean_codenames(codenames, *, actor, previous=()) -> list[str]:
    codenames = sorted(set(codenames or []))
    unknown = [c for c in codenames if not permissions.is_registered(c)]
    if unknown:
        raise ValidationError({"codenames": [_("未知的权限：%(c)s") % {"c": "、".join(unknown)}]})
    # Adding to a role a codename one does not hold everywhere would hand it to oneself.
    missing = [c for c in codenames if c not in previous and not holds_everywhere(actor, c)]
    if missing:
        labels = {p.codename: str(p.label) for p in permissions.all_permissions()}
        raise PermissionDenied(
            _("您本人不具备以下权限，不能把它们加入角色：%(c)s")
            % {"c": "、".join(labels.get(c, c) for c in missing)}
        )
    return codenames


def _clean_role(role: Role) -> None:
    role.name = (role.name or "").strip()
    role.description = (role.description or "").strip()
    if not role.name:
        raise ValidationError({"name": [_("请填写角色名称。")]})
    if Role.objects.filter(name=role.name).exclude(pk=role.pk).exists():
        raise ValidationError({"name": [_("角色名称“%(n)s”已存在。") % {"n": role.name}]})
    try:
        role.full_clean(exclude=["codenames", "slug"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _save_role(role: Role) -> Role:
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError:
        raise ValidationError({"name": [_("角色名称“%(n)s”已存在。") % {"n": role.name}]}) from None
    return role


@audited
@transaction.atomic
def role_create(*, name: str, actor, description: str = "", codenames=()) -> Role:
    _require_roles(actor)
    role = Role(name=name, description=description, slug=f"role-{secrets.token_hex(4)}")
    role.codenames = _clean_codenames(codenames, actor=actor)
    _clean_role(role)
    return _save_role(role)


@audited
@transaction.atomic
def role_update(
    *, role: Role, actor, name: str | None = None, description: str | None = None, codenames=None
) -> Role:
    """Rename a role or change its codenames; every holder's permissions change with it."""
    _require_roles(actor)
    role = Role.objects.select_for_update().get(pk=role.pk)
    if name is not None:
        role.name = name
    if description is not None:
        role.description = description
    if codenames is not None:
        cleaned = _clean_codenames(codenames, actor=actor, previous=set(role.codenames or []))
        if role.slug == "system_admin" and set(cleaned) != {
            p.codename for p in permissions.all_permissions()
        }:
            raise ValidationError({"codenames": [_("系统管理员角色始终拥有全部权限。")]})
        role.codenames = cleaned
    _clean_role(role)
    _save_role(role)
    permissions.forget_scopes(actor)
    return role


@audited
@transaction.atomic
def role_delete(*, role: Role, actor) -> None:
    _require_roles(actor)
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.is_builtin:
        raise ValidationError(_("内置角色不能删除。"))
    count = role.grants.count()
    if count:
        raise ValidationError(
            _("角色“%(n)s”还有 %(c)d 项授权，请先收回。") % {"n": role.name, "c": count}
        )
    role.delete()


# --- Grants ---------------------------------------------------------------------------


def _require_grant(actor, role: Role, organization: Organization) -> None:
    if not permissions.user_can(actor, "accounts.manage_grants", organization):
        _refuse()
    if not holds_role_on(actor, role, organization.path):
        _refuse(
            _("您本人在“%(org)s”不具备角色“%(role)s”的全部权限，不能授予或收回它。")
            % {"org": organization.name, "role": role.name}
        )


def _grantee_in_scope(actor, user: User) -> bool:
    if user.person_id is None:
        return holds_everywhere(actor, "accounts.manage_grants")
    return permissions.covers(actor, "accounts.manage_grants", user.person.primary_org.path)


@audited
@transaction.atomic
def grant_create(
    *, user: User, role: Role, organization: Organization, actor, note: str = ""
) -> RoleGrant:
    """Give an account a role on an organization and all organizations below it."""
    organization = Organization.objects.get(pk=organization.pk)
    role = Role.objects.get(pk=role.pk)
    user = User.objects.select_related("person", "person__primary_org").get(pk=user.pk)
    _require_grant(actor, role, organization)
    if not _grantee_in_scope(actor, user):
        _refuse(_("该账号不在您的管理范围内。"))
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError({"organization": [_("不能在已撤销的组织上授权。")]})
    if not user.is_active:
        raise ValidationError({"user": [_("该账号已停用，不能授权。")]})
    duplicate = _("“%(user)s”在“%(org)s”已有角色“%(role)s”。") % {
        "user": user.get_full_name(),
        "org": organization.name,
        "role": role.name,
    }
    if RoleGrant.objects.filter(user=user, role=role, organization=organization).exists():
        raise ValidationError(duplicate)
    grant = RoleGrant(
        user=user, role=role, organization=organization, granted_by=actor, note=(note or "").strip()
    )
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise ValidationError(duplicate) from None
    permissions.forget_scopes(user)
    if actor.pk == user.pk:
        permissions.forget_scopes(actor)
    return grant


@audited
@transaction.atomic
def grant_revoke(*, grant: RoleGrant, actor) -> None:
    """Take a role back (收回授权); the change is kept in the audit log."""
    try:
        grant = (
            RoleGrant.objects.select_for_update(of=("self",))
            .select_related("user", "role", "organization")
            .get(pk=grant.pk)
        )
    except RoleGrant.DoesNotExist:
        raise ValidationError(_("该授权已被收回。")) from None
    _require_grant(actor, grant.role, grant.organization)
    if grant.user_id == actor.pk and not actor.is_superuser:
        raise ValidationError(_("不能收回自己的授权，请联系上级管理员。"))
    user = grant.user
    grant.delete()
    permissions.forget_scopes(user)
    if actor.pk == user.pk:
        permissions.forget_scopes(actor)

"""Accounts: users who log in by staff number or mobile, roles as bundles of codenames,
grants of a role on an organization subtree, and personal API tokens."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username.strip(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """账号: logs in with the staff number (工号/用户名) or the mobile number."""

    username = models.CharField(_("工号/用户名"), max_length=40, unique=True)
    mobile = models.CharField(_("手机号"), max_length=11, null=True, blank=True, unique=True)
    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    person = models.OneToOneField(
        "orgs.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("对应人员"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.display_name:
            return self.display_name
        if self.person_id:
            return self.person.name
        return self.username

    def get_short_name(self) -> str:
        return self.get_full_name()


class Role(TimeStampedModel):
    """角色: a named bundle of permission codenames, editable by the system admin."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    codenames = models.JSONField(_("权限"), default=list, blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False, editable=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the user's language: a built-in role keeps its stored Chinese name only
        until the system admin renames it."""
        from .roles import BUILTIN_ROLES

        for spec in BUILTIN_ROLES:
            if self.is_builtin and spec.slug == self.slug and self.name == spec.name:
                return gettext(spec.name)
        return self.name

    @property
    def description_label(self) -> str:
        from .roles import BUILTIN_ROLES

        for spec in BUILTIN_ROLES:
            if self.is_builtin and spec.slug == self.slug and self.description == spec.description:
                return gettext(spec.description)
        return self.description


class RoleGrant(TimeStampedModel):
    """授权: a user holds a role on an organization and all organizations below it."""

    scope_path_lookup = "organization__path"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="grants", verbose_name=_("账号")
    )
    role = models.ForeignKey(Role, models.PROTECT, related_name="grants", verbose_name=_("角色"))
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="grants", verbose_name=_("组织")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("授权人"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="grant_unique_user_role_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.organization}"

    def scope_path(self) -> str:
        return self.organization.path


class ApiToken(TimeStampedModel):
    """个人访问令牌: only its SHA-256 digest is stored; the token is shown once at creation."""

    owner_lookup = "user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="token_live_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        if self.revoked_at:
            return False
        return not (self.expires_at and self.expires_at <= timezone.now())

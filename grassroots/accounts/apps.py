from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "grassroots.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from grassroots.core import audit, navigation, permissions
        from grassroots.core.registry import Panel, person_panels

        from . import models, views
        from .signals import ensure_builtin_roles

        permissions.register(
            "accounts",
            {
                "accounts.manage_users": _("管理账号（新建、停用、重置密码）"),
                "accounts.manage_grants": _("授予与收回角色"),
                "accounts.manage_roles": _("编辑角色与权限"),
            },
        )
        post_migrate.connect(ensure_builtin_roles, sender=self)
        navigation.register(
            navigation.NavItem(
                "accounts",
                _("账号与权限"),
                "accounts:grants",
                "shield-lock",
                80,
                "accounts.manage_grants",
                group="admin",
            )
        )
        person_panels.register(Panel("accounts.account", 50, views.person_account_panel))
        audit.register(models.User, exclude=("password", "last_login", "date_joined"))
        audit.register(models.Role)
        audit.register(models.RoleGrant)
        audit.register(models.ApiToken, exclude=("digest", "last_used_at"))

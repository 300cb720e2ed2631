from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        from . import audit, models, navigation, permissions

        permissions.register(
            "core",
            {
                "core.use_admin_site": _("使用 Django 管理后台"),
                "core.view_audit_log": _("查看变更记录"),
                "core.manage_calendar": _("维护节假日与调休"),
            },
        )
        audit.register(models.CalendarDay, exclude=("updated_at",))
        for group in (
            navigation.NavGroup("study", _("学习培训"), "mortarboard", 40),
            navigation.NavGroup("cadres", _("干部工作"), "briefcase", 50),
            navigation.NavGroup("life", _("组织生活"), "people", 60),
            navigation.NavGroup("admin", _("系统管理"), "gear", 80),
        ):
            navigation.register_group(group)
        navigation.register(
            navigation.NavItem(
                "calendar",
                _("节假日"),
                "core:calendar",
                "calendar3",
                90,
                "core.manage_calendar",
                group="admin",
            )
        )

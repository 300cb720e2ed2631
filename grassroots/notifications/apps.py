from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    label = "notifications"
    verbose_name = _("消息与提醒")

    def ready(self) -> None:
        from grassroots.core import navigation

        from . import tasks  # noqa: F401  (registers the Huey tasks)

        navigation.register(
            navigation.NavItem("inbox", _("消息"), "notifications:inbox", "bell", 95, None)
        )

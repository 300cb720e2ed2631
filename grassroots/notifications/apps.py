from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    label = "notifications"
    verbose_name = _("消息与提醒")

    def ready(self) -> None:
        from . import home, tasks  # noqa: F401  (tasks: registers the Huey tasks)

        home.register()

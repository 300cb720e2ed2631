from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    label = "notifications"
    verbose_name = _("消息与提醒")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the Huey tasks)

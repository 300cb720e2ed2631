"""The unread messages on the home dashboard, for everyone."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core.registry import Counter, home_counters

from .selectors import unread_count


def _unread(request):
    return {
        "label": _("未读消息"),
        "value": unread_count(request.user),
        "url": reverse("notifications:inbox") + "?show=unread",
    }


def register() -> None:
    home_counters.register(Counter("notifications.unread", 5, _unread))

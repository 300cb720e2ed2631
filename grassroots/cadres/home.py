"""The cadres counters on the home dashboard: what waits for the user's decision as a host
leader, group leader or approving officer. Shown only when something waits."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core.registry import Counter, home_counters


def _leave(request):
    from .selectors.leave import inbox_count

    count = inbox_count(request.user)
    if not count:
        return None
    return {"label": _("待我审批的请假"), "value": count, "url": reverse("cadres:leave_inbox")}


def _work(request):
    from .selectors.work import work_inbox_count

    count = work_inbox_count(request.user)
    if not count:
        return None
    return {"label": _("待批阅的计划和报告"), "value": count, "url": reverse("cadres:work_inbox")}


def register() -> None:
    home_counters.register(Counter("cadres.leave_inbox", 70, _leave))
    home_counters.register(Counter("cadres.work_inbox", 71, _work))

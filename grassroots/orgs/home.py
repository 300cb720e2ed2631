"""The orgs app's counters on the home dashboard, for the organization chosen in the switcher."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.registry import Counter, home_counters

from .selectors import subtree_counts


def _counts(request):
    org = request.current_org
    if not org or not permissions.user_can(request.user, "orgs.view_organization", org):
        return None
    cache = request.__dict__.setdefault("_orgs_home_counts", {})
    if org.pk not in cache:
        cache[org.pk] = subtree_counts(org)
    return org, cache[org.pk]


def _counter(key: str, label, url_name: str, with_org: bool):
    def compute(request):
        found = _counts(request)
        if found is None:
            return None
        org, counts = found
        url = reverse(url_name, args=[org.pk]) if with_org else reverse(url_name) + f"?org={org.pk}"
        return {"label": label(), "value": counts[key], "url": url}

    return compute


def register() -> None:
    home_counters.register(
        Counter(
            "orgs.organizations",
            10,
            _counter("organizations", lambda: _("下级组织"), "orgs:detail", True),
        )
    )
    home_counters.register(
        Counter("orgs.people", 20, _counter("people", lambda: _("在册人员"), "orgs:people", False))
    )
    home_counters.register(
        Counter(
            "orgs.party_members",
            30,
            _counter("party_members", lambda: _("党员"), "orgs:people", False),
        )
    )

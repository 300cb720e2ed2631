"""The module navigation: each app registers entries; each entry says which codename shows it."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from . import permissions


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    order: int = 100
    codename: str | None = None  # None: every logged-in user


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def menu_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.codename and not permissions.has_any(user, item.codename):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append(
            {"key": item.key, "label": item.label, "url": url, "icon": item.icon, "active": False}
        )
    # The entry with the longest URL that the current path starts with is the active one.
    matching = [e for e in entries if e["url"] != "/" and request.path.startswith(e["url"])]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return entries

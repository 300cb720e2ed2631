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
    group: str | None = None  # the key of a NavGroup: shown in its dropdown


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the top bar gathering the entries of one field of work."""

    key: str
    label: str
    icon: str
    order: int = 100


_items: dict[str, NavItem] = {}
_groups: dict[str, NavGroup] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def register_group(group: NavGroup) -> None:
    _groups[group.key] = group


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
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "active": False,
                "group": item.group,
            }
        )
    # The entry with the longest URL that the current path starts with is the active one.
    matching = [e for e in entries if e["url"] != "/" and request.path.startswith(e["url"])]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return entries


def grouped(entries: list[dict]) -> list[dict]:
    """The top bar: entries of a group gathered into one dropdown where the group's first
    entry stands (a group with one visible entry shows that entry alone)."""
    members: dict[str, list[dict]] = {}
    for entry in entries:
        if entry["group"] in _groups:
            members.setdefault(entry["group"], []).append(entry)
    menu, placed = [], set()
    for entry in entries:
        key = entry["group"]
        if key not in members or len(members[key]) == 1:
            menu.append(entry)
        elif key not in placed:
            placed.add(key)
            group = _groups[key]
            children = members[key]
            menu.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "icon": group.icon,
                    "children": children,
                    "active": any(child["active"] for child in children),
                }
            )
    return menu

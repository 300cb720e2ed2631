"""Small registries through which apps contribute to pages that show many apps' data.

A person's page and the home dashboard gather panels registered here, the people list its
filters and the roster export its extra columns, so adding a module never edits `orgs` (as
Django's admin gathers ModelAdmins).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    render: Callable  # (request, obj) -> str (HTML) or None when nothing to show


@dataclass(frozen=True)
class Counter:
    key: str
    order: int
    compute: Callable  # (request) -> dict(label=..., value=..., url=...) or None


class Registry:
    def __init__(self) -> None:
        self._items: dict[str, object] = {}

    def register(self, item) -> None:
        self._items[item.key] = item

    def items(self) -> list:
        return sorted(self._items.values(), key=lambda i: (i.order, i.key))


@dataclass(frozen=True)
class PersonFilter:
    """A choice of the people list's "经历" filter that another app supplies (有挂职经历):
    `q(user)` is a Q on orgs.Person, applied in the same query as the list, that finds only
    what the user may see of the other app's records (else the filter would tell who has
    records the user may not read)."""

    key: str
    order: int
    label: object  # a lazy translated string
    q: Callable  # (user) -> Q on Person


@dataclass(frozen=True)
class PersonColumn:
    """A column that another app adds to the people roster's export (挂职经历), after the
    roster's own columns. `values(user, person_ids)` answers {person id: cell text} for one
    chunk of people in a fixed number of queries (never one per person), with only what the
    user may see of them (the export has scoped the people, not the other app's records);
    people it leaves out get an empty cell."""

    key: str
    order: int
    label: object  # a lazy translated string: the column's header
    values: Callable  # (user, list[int]) -> dict[int, str]
    width: int = 30


@dataclass
class DemoContext:
    """What the demo county gives the apps that add their own demo records: organizations by
    their demo key (see orgs.demo.COUNTY), the demo users by username, the admin user, a
    seeded random generator and the demo's reference date."""

    organizations: dict
    users: dict
    admin: object
    rng: object
    today: object


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    run: Callable  # (DemoContext) -> None, inside the demo's transaction


person_panels = Registry()
person_filters = Registry()
person_columns = Registry()
home_counters = Registry()
demo_steps = Registry()

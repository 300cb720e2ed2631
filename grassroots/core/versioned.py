"""Results cached under a version number that every write to their source moves on.

An aggregate that is costly at county scale (people per organization, hours per branch) is
computed once and kept until the data under it changes: each write path calls `changed()`,
which moves the version now (so the writing transaction reads fresh figures) and again after
the commit (so a figure another request cached in between, from before the commit, is never
served). A result therefore never reflects less than the last committed change. With Redis as
the cache every app process shares the versions; with the per-process default cache a figure
may lag at most `seconds` behind a write made in another process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction


class VersionedCache:
    def __init__(self, name: str, seconds: int = 300) -> None:
        self.name = name
        self.version_key = f"{name}-version"
        self.seconds = seconds

    def version(self) -> int:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, 1, None)
            version = cache.get(self.version_key, 1)
        return version

    def changed(self) -> None:
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:
            cache.set(self.version_key, 2, None)

    def key(self, part: str, depends_on: Iterable[VersionedCache] = ()) -> str:
        versions = ".".join(str(c.version()) for c in (self, *depends_on))
        return f"{self.name}:{versions}:{part}"

    def cached(self, part: str, compute: Callable, depends_on: Iterable[VersionedCache] = ()):
        """The cached result for `part` (a string naming what is computed), or compute it.
        `depends_on`: other versioned sources the result also reads."""
        if connection.in_atomic_block:
            # Figures read inside a write may never commit: compute them, keep nothing.
            return compute()
        key = self.key(part, depends_on)
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.seconds)
        return value

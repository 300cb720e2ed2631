"""People counted per organization, cached between writes.

The tree and the organization pages show how many people each subtree has; at county scale
that is an aggregate over every person (about 50 ms on PostgreSQL for 100,000 people). The
result is kept in the cache under a version number that every write to people or
organizations moves on (signals for single saves, explicit calls for bulk writes and tree
moves), so a figure is never older than the last committed change. With Redis as the cache,
all app processes share the version; with the per-process default cache, each process has
its own and a figure may lag at most CACHE_SECONDS behind a write made in another process.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

VERSION_KEY = "orgs:counts-version"
CACHE_SECONDS = 300


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def changed() -> None:
    """People or organizations changed: forget every cached count once the change commits."""

    # Now, so that this transaction reads fresh figures; and again after the commit, so that
    # a figure another request cached in between, from before the commit, is not kept.
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def cached(within: str, compute: Callable):
    if connection.in_atomic_block:
        # Figures read inside a write may never commit: compute them, keep nothing.
        return compute()
    key = f"orgs:counts:{_version()}:{within or 'all'}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value

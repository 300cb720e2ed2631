"""People counted per organization, cached between writes.

The tree and the organization pages show how many people each subtree has; at county scale
that is an aggregate over every person (about 50 ms on PostgreSQL for 100,000 people). The
result is kept under a version that every write to people or organizations moves on (signals
for single saves, explicit calls for bulk writes and tree moves); see core.versioned.
"""

from collections.abc import Callable

from grassroots.core.versioned import VersionedCache

COUNTS = VersionedCache("orgs:counts")
VERSION_KEY = COUNTS.version_key


def changed() -> None:
    """People or organizations changed: forget every cached count once the change commits."""
    COUNTS.changed()


def cached(within: str, compute: Callable):
    return COUNTS.cached(within or "all", compute)

"""A version per quiz that every change of its results moves on (services/attempts), so the
figures by organization are cached exactly between submissions (see core.versioned)."""

from grassroots.core.versioned import VersionedCache


def results_cache(quiz_id: int) -> VersionedCache:
    return VersionedCache(f"quizzes:results:{quiz_id}")

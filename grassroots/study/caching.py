"""The version of the hours ledger: every write to StudyYear rows moves it on (services/hours),
so aggregates of the ledger can be cached exactly between writes (see core.versioned)."""

from grassroots.core.versioned import VersionedCache

LEDGER = VersionedCache("study:ledger")

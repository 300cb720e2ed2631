"""The daily reminder jobs. Each app registers its jobs here (notifications knows none of them);
one periodic task runs them all, on working days only.

A job is a function `job(today: date) -> int` that finds what is due and calls
`services.remind_once()` for each reminder, returning how many it sent. Since nothing runs on a
non-working day, a job looks ahead to the end of the next working day ("sessions tomorrow" on a
Friday before a long weekend covers the whole weekend and the Monday) and catches up on what
became due while it did not run (a reminder due on a holiday goes out the next working day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from grassroots.core import calendar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderJob:
    key: str
    run: Callable[[date], int]


_jobs: dict[str, ReminderJob] = {}


def register(key: str) -> Callable:
    """Decorator: `@reminders.register("study.sessions_tomorrow")`."""

    def decorate(func: Callable[[date], int]) -> Callable[[date], int]:
        _jobs[key] = ReminderJob(key, func)
        return func

    return decorate


def jobs() -> list[ReminderJob]:
    return sorted(_jobs.values(), key=lambda j: j.key)


def run_due(today: date) -> dict[str, int]:
    """Run every job for `today`; nothing on a non-working day. {job key: reminders sent}."""
    if not calendar.is_working_day(today):
        return {}
    sent = {}
    for job in jobs():
        try:
            sent[job.key] = job.run(today)
        except Exception:  # one failing job must not stop the others
            logger.exception("reminder job %s failed", job.key)
            sent[job.key] = 0
    return sent

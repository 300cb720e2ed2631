"""Background work: deliveries by email and SMS, and the daily reminders at REMINDER_HOUR."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


def _reminder_schedule():
    # Huey runs its schedule in UTC (settings.HUEY utc=True); Asia/Shanghai is UTC+8 all year.
    return crontab(minute="30", hour=str((settings.REMINDER_HOUR - 8) % 24))


@db_task()
def deliver(notification_ids: list[int]) -> int:
    from .delivery import deliver_notifications

    return deliver_notifications(notification_ids)


@db_periodic_task(_reminder_schedule())
def daily_reminders() -> dict[str, int]:
    from . import reminders

    return reminders.run_due(timezone.localdate())

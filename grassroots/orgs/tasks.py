"""Background work of the orgs app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .roster.services import roster_purge_abandoned


@db_periodic_task(crontab(hour="3", minute="15"))
def purge_abandoned_roster_uploads() -> int:
    return roster_purge_abandoned()

"""Background work of the quizzes app (Huey): submitting attempts whose time ran out, and
removing question files uploaded but never confirmed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services.attempts import close_expired_attempts
from .services.imports import question_imports_purge_abandoned


@db_periodic_task(crontab(minute="*"))
def submit_expired_attempts() -> int:
    return close_expired_attempts()


@db_periodic_task(crontab(hour="3", minute="25"))
def purge_abandoned_question_imports() -> int:
    return question_imports_purge_abandoned()

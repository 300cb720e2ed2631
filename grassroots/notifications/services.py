"""Sending messages: into inboxes at once, by email and SMS after the transaction commits.

Other apps call `notify()` for a message caused by an action (a review, an approval) and
`remind_once()` for a reminder a periodic job finds due: the reminder's key is stored with a
unique constraint, so it goes out once however often (or however concurrently) the job runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ChannelPreference, Notification, SentReminder


def _recipients(recipients: Iterable) -> list:
    seen: dict[int, object] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a message in each recipient's inbox; email and SMS follow after commit, for those who
    chose them. `title` and `body` are final text (already in the recipient's language)."""
    users = _recipients(recipients)
    if not users:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=u, kind=kind, title=title[:200], body=body, url=url[:300])
            for u in users
        ]
    )
    ids = [n.pk for n in created]
    if ids and ids[0] is not None:
        from .tasks import deliver

        transaction.on_commit(lambda: deliver(ids))
    return created


def remind_once(
    *, key: str, recipients: Iterable, kind: str, title: str, body: str = "", url: str = ""
) -> bool:
    """Send a reminder unless one with the same key was already sent; True when sent now."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(key=key[:200])
            notify(recipients=recipients, kind=kind, title=title, body=body, url=url)
    except IntegrityError:
        return False
    return True


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_update(*, user, email: bool, sms: bool, actor) -> ChannelPreference:
    if user.pk != actor.pk:
        raise PermissionDenied
    preference, _ = ChannelPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms}
    )
    return preference

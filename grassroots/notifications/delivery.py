"""Email and SMS for inbox messages, to the users who chose those channels."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from .models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification
from .sms import SmsMessage, get_backend

logger = logging.getLogger(__name__)


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if path and base else path


def _planned(notifications: list[Notification]) -> list[Delivery]:
    users = {n.recipient_id for n in notifications}
    prefs = {
        p.user_id: p
        for p in ChannelPreference.objects.filter(user_id__in=users).filter(
            Q(email=True) | Q(sms=True)
        )
    }
    planned = []
    for n in notifications:
        pref = prefs.get(n.recipient_id)
        if pref is None:
            continue
        if pref.email and n.recipient.email:
            planned.append(
                Delivery(notification=n, channel=Channel.EMAIL, address=n.recipient.email)
            )
        if pref.sms and n.recipient.mobile:
            planned.append(
                Delivery(notification=n, channel=Channel.SMS, address=n.recipient.mobile)
            )
    return planned


def deliver_notifications(notification_ids: list[int]) -> int:
    """Send each message once per channel; a delivery row is claimed before sending."""
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    )
    planned = _planned(notifications)
    if not planned:
        return 0
    try:
        Delivery.objects.bulk_create(planned, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - ignore_conflicts covers it
        pass
    pending = list(
        Delivery.objects.filter(
            notification_id__in=notification_ids, status=DeliveryStatus.PENDING
        ).select_related("notification")
    )
    sent = 0
    emails = [d for d in pending if d.channel == Channel.EMAIL]
    if emails:
        connection = get_connection(fail_silently=False)
        for d in emails:
            n = d.notification
            text = "\n\n".join(part for part in (n.body, _site_url(n.url)) if part)
            message = EmailMessage(
                subject=n.title, body=text or n.title, to=[d.address], connection=connection
            )
            sent += _send(d, lambda m=message: m.send())
    texts = [d for d in pending if d.channel == Channel.SMS]
    if texts:
        backend = get_backend()
        for d in texts:
            n = d.notification
            sms = SmsMessage(to=d.address, text=f"【{settings.SITE_NAME}】{n.title}")
            sent += _send(d, lambda s=sms: backend.send_messages([s]))
    return sent


def _send(delivery: Delivery, send) -> int:
    # Claim the row: a second worker delivering the same message finds it taken.
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now()
    )
    if not claimed:
        return 0
    try:
        send()
    except Exception as error:  # a mail server or gateway failure is recorded, not raised
        logger.warning("delivery %s failed: %s", delivery.pk, error)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=str(error)[:300]
        )
        return 0
    return 1

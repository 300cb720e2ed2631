"""Reads of the inbox: always the user's own messages."""

from django.db.models import QuerySet
from django.http import Http404

from .models import ChannelPreference, Notification


def inbox_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    messages = Notification.objects.filter(recipient=user)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification(user, pk) -> Notification:
    try:
        return Notification.objects.get(pk=int(pk), recipient=user)
    except (TypeError, ValueError, Notification.DoesNotExist):
        raise Http404 from None


def preference_for(user) -> ChannelPreference:
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)

"""Sending SMS through a pluggable backend, as Django sends email.

SMS_BACKEND names the class. The defaults write messages to the console or to files, since a
real gateway (a provider's HTTP API) needs an account; a deployment adds a backend class for its
provider with the same `send_messages()` method.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str  # a mainland mobile number, 11 digits
    text: str


def get_backend(**kwargs):
    return import_string(settings.SMS_BACKEND)(**kwargs)


def send_sms(messages: list[SmsMessage]) -> int:
    """Send the messages; returns how many were sent."""
    if not messages:
        return 0
    return get_backend().send_messages(messages)

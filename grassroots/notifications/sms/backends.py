"""SMS backends: console (development), file (a staging server), locmem (tests)."""

from __future__ import annotations

import sys
import threading
from abc import ABC, abstractmethod
from datetime import datetime
from pathlib import Path

from django.conf import settings

from . import SmsMessage


class BaseSmsBackend(ABC):
    """A gateway: `send_messages()` sends each message and returns how many were sent."""

    def __init__(self, **options) -> None:
        self.options = options  # a provider's account, endpoint, signature …

    @abstractmethod
    def send_messages(self, messages: list[SmsMessage]) -> int: ...


class ConsoleSmsBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                sys.stdout.write(f"[SMS to {message.to}] {message.text}\n")
            sys.stdout.flush()
        return len(messages)


class FileSmsBackend(BaseSmsBackend):
    """Appends each message as a line to a file per day under SMS_FILE_PATH."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"sms-{datetime.now():%Y%m%d}.log"
        with path.open("a", encoding="utf-8") as out:
            for message in messages:
                text = message.text.replace("\n", " ")
                out.write(f"{datetime.now().isoformat(timespec='seconds')}\t{message.to}\t{text}\n")
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox` (tests)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)

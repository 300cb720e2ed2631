"""The attendance, minutes and files of one meeting, for its page."""

from __future__ import annotations


def meeting_panels(user, meeting) -> dict:
    """Context for the attendance, minutes and attachments panels of a meeting's page."""
    return {}

"""Every write of the meetings app, one module per part: meetings, attendance and minutes,
compliance rules, activities and volunteer hours, pairings."""

from .meetings import (
    MANAGE,
    TRANSITIONS,
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_rsvp,
    meeting_send_notice,
    meeting_update,
)

__all__ = [
    "MANAGE",
    "TRANSITIONS",
    "meeting_cancel",
    "meeting_create",
    "meeting_mark_held",
    "meeting_rsvp",
    "meeting_send_notice",
    "meeting_update",
]

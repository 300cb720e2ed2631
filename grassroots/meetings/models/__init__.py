"""Organizational life (组织生活): meetings of the 三会一课 and others with their attendance,
minutes and files; the compliance rules; activities with sign-up and volunteer hours; pairings
of units with communities and branches."""

from .activities import Activity, ActivityPhoto, ActivitySignup, VolunteerCredit
from .meetings import (
    ComplianceRule,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MeetingKind,
    Minutes,
    MinutesRevision,
)
from .pairings import Pairing

__all__ = [
    "Activity",
    "ActivityPhoto",
    "ActivitySignup",
    "ComplianceRule",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendance",
    "MeetingKind",
    "Minutes",
    "MinutesRevision",
    "Pairing",
    "VolunteerCredit",
]

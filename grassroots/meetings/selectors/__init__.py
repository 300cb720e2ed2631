"""Reads of the meetings app, scoped to the user, one module per part."""

from .meetings import VIEW, access_meeting, compliance_for, meetings_for

__all__ = ["VIEW", "access_meeting", "compliance_for", "meetings_for"]

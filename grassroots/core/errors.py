"""Errors raised by services; views turn them into messages in the user's language."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ValidationError", "TransitionError"]


class TransitionError(ValidationError):
    """A workflow move that its state does not allow."""

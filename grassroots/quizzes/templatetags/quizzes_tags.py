"""Template filters of the quizzes app."""

from django import template

from ..workbooks import format_seconds

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    return format_seconds(seconds) or "—"

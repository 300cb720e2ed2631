"""Change history of a record (django-auditlog), shown on its page to those allowed to see it."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .permissions import user_can


def history_for(user, obj, *, limit: int = 50):
    """The record's audit entries, newest first, or None when the user may not see them."""
    if not user_can(user, "core.view_audit_log", obj):
        return None
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )

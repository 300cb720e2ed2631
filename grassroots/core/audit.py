"""Change history of records (django-auditlog): what is recorded, who is named, who may read it."""

import functools
from contextlib import contextmanager

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


def register(model, *, exclude: tuple[str, ...] = (), mask: tuple[str, ...] = ()) -> None:
    """Record changes of `model` with django-auditlog, its own columns only: reverse relations
    (a person's memberships, an organization's people) are other records with their own history."""
    from auditlog.registry import auditlog

    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(
        model,
        exclude_fields=[*exclude, *reverse, "id", "created_at", "updated_at"],
        mask_fields=list(mask),
    )


@contextmanager
def audit_actor(actor):
    """Name the actor on audit entries also outside a page request (API token, shell, tests).

    AuditlogMiddleware names the logged-in user of a page request only; a service knows its actor
    in every case. The request's own context (with the client address) is handed back afterwards.
    """
    from auditlog.context import auditlog_value, set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    current = auditlog_value.get(None)
    extra = {k: current.get(k) for k in ("remote_addr", "remote_port")} if current else {}
    try:
        with set_actor(actor, **extra):
            yield
    finally:
        if current is not None:
            auditlog_value.set(current)


def audited(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with audit_actor(kwargs.get("actor")):
            return func(*args, **kwargs)

    return wrapper


def log_change(instance, changes: dict[str, list], *, actor=None) -> None:
    """Record a change that bypassed the model's signals (bulk updates such as a tree move)."""
    from auditlog.models import LogEntry

    with audit_actor(actor):
        LogEntry.objects.log_create(
            instance, force_log=True, action=LogEntry.Action.UPDATE, changes=changes
        )

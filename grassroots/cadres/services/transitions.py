"""The one way a secondment changes status: a declared transition, checked, locked, logged.

`secondment_move` is what every stage service (approval, publicity, placement, completion,
archive) calls; `record_event` logs a step that does not change the status (a work plan
approved, a report filed, a leave approved) on the same timeline.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import permissions

from ..enums import SECONDMENT_TRANSITIONS, SecondmentStatus
from ..models import Secondment, SecondmentEvent


def record_event(
    *,
    secondment: Secondment,
    action: str,
    actor,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
) -> SecondmentEvent:
    return SecondmentEvent.objects.create(
        secondment=secondment,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
        from_status=from_status,
        to_status=to_status,
    )


def check_move(secondment: Secondment, to: str, actor) -> str:
    """The codename the move needs, after checking it is declared and the actor holds it."""
    codename = SECONDMENT_TRANSITIONS.get((secondment.status, to))
    if codename is None:
        raise ValidationError(
            _("挂职干部当前状态为“%(current)s”，不能变为“%(target)s”。")
            % {
                "current": SecondmentStatus(secondment.status).label,
                "target": SecondmentStatus(to).label,
            },
            code="illegal_transition",
        )
    if not permissions.covers(actor, codename, secondment.program.organization.path):
        raise PermissionDenied
    return codename


@transaction.atomic
def secondment_move(
    *,
    secondment: Secondment,
    to: str,
    actor,
    comment: str = "",
    action: str = "",
    extra_fields: dict | None = None,
) -> Secondment:
    """Move one secondment to `to`: lock its row, check the move against the declared
    transitions and the actor's permission on the program, save the status (and
    `extra_fields`), and log the step. Callers send notifications in on_commit."""
    locked = (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization")
        .get(pk=secondment.pk)
    )
    check_move(locked, to, actor)
    before = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    for name, value in (extra_fields or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    record_event(
        secondment=locked,
        action=action or to,
        actor=actor,
        comment=comment,
        from_status=before,
        to_status=to,
    )
    return locked

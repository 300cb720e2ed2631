"""Archiving a secondment (归档): once the term is over, the result decided and the final
summary submitted, the secondment becomes part of the person's record (their page, the archive
search and its export)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.audit import audited

from ..enums import EventAction, ProgramStatus, SecondmentStatus
from ..models import Program, Secondment
from ..selectors.access import APPROVE
from .transitions import check_move, secondment_move


def archive_problems(secondment: Secondment) -> list[str]:
    """What keeps a completed secondment from the archive, each as a sentence."""
    problems = []
    if not secondment.result:
        problems.append(_("尚未确定期满考核结果。"))
    if secondment.summary_submitted_at is None:
        problems.append(_("挂职干部尚未提交挂职总结。"))
    return problems


def _archive_locked(secondment: Secondment, actor) -> Secondment:
    check_move(secondment, SecondmentStatus.ARCHIVED, actor)
    problems = archive_problems(secondment)
    if problems:
        raise ValidationError(problems, code="not_ready")
    return secondment_move(
        secondment=secondment,
        to=SecondmentStatus.ARCHIVED,
        actor=actor,
        action=EventAction.ARCHIVED,
        extra_fields={"archived_at": timezone.now()},
    )


@audited
@transaction.atomic
def secondment_archive(*, secondment: Secondment, actor) -> Secondment:
    """Archive one completed secondment (期满待鉴定 → 已归档)."""
    locked = (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("program__organization")
        .get(pk=secondment.pk)
    )
    return _archive_locked(locked, actor)


@dataclass
class ArchiveOutcome:
    archived: list[Secondment] = field(default_factory=list)
    # (secondment, what keeps it from the archive)
    skipped: list[tuple[Secondment, list[str]]] = field(default_factory=list)


@audited
@transaction.atomic
def program_archive_all(*, program: Program, actor) -> ArchiveOutcome:
    """Archive every completed secondment of a finished program that is ready; the others are
    returned with what they lack, untouched."""
    program = (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )
    if not permissions.covers(actor, APPROVE, program.organization.path):
        raise PermissionDenied(_("您没有权限归档该批次。"))
    if program.status != ProgramStatus.FINISHED:
        raise ValidationError(
            _("批次当前状态为“%(status)s”，结束后才能整批归档。")
            % {"status": program.get_status_display()}
        )
    outcome = ArchiveOutcome()
    rows = (
        Secondment.objects.select_for_update(of=("self",))
        .filter(program=program, status=SecondmentStatus.COMPLETED)
        .select_related("program__organization", "person")
        .order_by("id")
    )
    for secondment in rows:
        problems = archive_problems(secondment)
        if problems:
            outcome.skipped.append((secondment, problems))
        else:
            outcome.archived.append(_archive_locked(secondment, actor))
    return outcome

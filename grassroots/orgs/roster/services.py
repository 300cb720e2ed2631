"""Writes of the roster import: keep an uploaded file, confirm it, or cancel it.

Uploading writes nothing but the file and its RosterImport row. Confirming checks every row
again inside one transaction (the database may have changed since the dry run), then writes
all valid rows in bulk, with their memberships and audit entries; rows with errors are skipped
and listed. A file imported twice changes nothing the second time: people are matched by ID
number and only changed fields are written.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.permissions import user_can

from .. import counts as org_counts
from ..models import Membership, Organization, Person, RosterImport, RosterImportStatus
from .audit import AuditBatch
from .columns import PERSON_KEYS
from .plan import CREATE, IMPORT_CODENAME, UPDATE, RosterPlan, build_plan
from .reader import RosterSheet, check_upload, read_roster

BATCH = 500
ROWS_CACHE_SECONDS = 2 * 3600
ABANDONED_AFTER = timedelta(days=1)
MAX_LISTED_ERRORS = 2_000  # rows listed on the result page; the counts are always complete


def _require(actor, organization: Organization) -> None:
    if not user_can(actor, IMPORT_CODENAME, organization):
        raise PermissionDenied(_("您没有权限向该组织导入花名册。"))


def roster_upload(
    *, organization: Organization, uploaded_file: UploadedFile, actor
) -> RosterImport:
    """Check an uploaded file and keep it for the dry run; nothing else is written.

    The file is read before the transaction opens: reading takes seconds for a large file, and
    on SQLite an open write transaction holds up every other writer.
    """
    _require(actor, organization)
    if not organization.is_active:
        raise ValidationError(_("不能向已撤销的组织导入人员。"))
    check_upload(uploaded_file.name, uploaded_file.size)
    sheet = read_roster(uploaded_file)
    uploaded_file.seek(0)
    roster_import = RosterImport(
        uploaded_by=actor,
        organization=organization,
        original_name=(uploaded_file.name or "")[-200:],
        row_count=len(sheet.rows),
    )
    roster_import.file.save("roster.xlsx", uploaded_file, save=False)
    try:
        with transaction.atomic():
            _forget_abandoned(actor)
            roster_import.save()
    except BaseException:
        roster_import.file.storage.delete(roster_import.file.name)
        raise
    cache.set(_rows_key(roster_import), sheet, ROWS_CACHE_SECONDS)
    return roster_import


def _forget_abandoned(actor) -> int:
    """Uploads left unconfirmed for a day (of this user, or of everyone when actor is None)
    are cancelled and their files deleted."""
    stale = RosterImport.objects.select_for_update().filter(
        status=RosterImportStatus.PENDING,
        created_at__lt=timezone.now() - ABANDONED_AFTER,
    )
    if actor is not None:
        stale = stale.filter(uploaded_by=actor)
    stale = list(stale)
    for old in stale:
        old.status = RosterImportStatus.CANCELLED
        old.finished_at = timezone.now()
        _delete_file_on_commit(old)
        old.save(update_fields=["status", "finished_at", "file"])
    return len(stale)


@transaction.atomic
def roster_purge_abandoned() -> int:
    """The nightly sweep (orgs.tasks): no uploaded roster, which holds ID numbers, outlives a day."""
    return _forget_abandoned(None)


def _rows_key(roster_import: RosterImport) -> str:
    return f"roster-rows:{roster_import.file.name}"  # the random file name, never reused


def read_import(roster_import: RosterImport) -> RosterSheet:
    """The rows of a kept file. openpyxl needs about a third of a millisecond per row, so the
    rows read at upload are cached for the dry run and the confirmation; on a miss (another
    process with a local cache, or expiry) the file is simply read again."""
    if not roster_import.file:
        raise ValidationError(_("文件已不存在，请重新上传。"))
    key = _rows_key(roster_import)
    sheet = cache.get(key)
    if sheet is None:
        with roster_import.file.open("rb") as handle:
            sheet = read_roster(handle)
        cache.set(key, sheet, ROWS_CACHE_SECONDS)
    return sheet


def _check_pending(actor, roster_import: RosterImport) -> RosterImport:
    _require(actor, roster_import.organization)
    locked = (
        RosterImport.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=roster_import.pk)
    )
    if locked.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("只有上传人可以处理这次导入。"))
    if locked.status != RosterImportStatus.PENDING:
        raise ValidationError(
            _("这次导入已经处理过了（%(status)s）。") % {"status": locked.get_status_display()}
        )
    return locked


def _delete_file_on_commit(roster_import: RosterImport) -> None:
    # The file holds ID numbers: once it has served, it goes, with its cached rows.
    name, storage, key = (
        roster_import.file.name,
        roster_import.file.storage,
        _rows_key(roster_import),
    )
    roster_import.file = ""
    if name:
        transaction.on_commit(lambda: (storage.delete(name), cache.delete(key)))


@transaction.atomic
def roster_cancel(*, roster_import: RosterImport, actor) -> RosterImport:
    roster_import = _check_pending(actor, roster_import)
    roster_import.status = RosterImportStatus.CANCELLED
    roster_import.finished_at = timezone.now()
    _delete_file_on_commit(roster_import)
    roster_import.save(update_fields=["status", "finished_at", "file"])
    return roster_import


def roster_confirm(*, roster_import: RosterImport, actor) -> RosterImport:
    """Write every valid row of the file in one transaction; rows with errors are skipped.

    The rows are checked again inside the transaction, the matched people locked: what was
    true at the dry run may not be any more. Only reading the file happens before it.
    """
    _require(actor, roster_import.organization)
    if not RosterImport.objects.filter(
        pk=roster_import.pk, status=RosterImportStatus.PENDING
    ).exists():
        raise ValidationError(_("这次导入已经处理过了。"))
    sheet = read_import(roster_import)
    with transaction.atomic():
        roster_import = _check_pending(actor, roster_import)
        plan = build_plan(actor, roster_import, sheet, lock=True)
        try:
            written = _write(plan, actor)
        except IntegrityError:
            # Someone else saved one of these ID numbers between the check and the write.
            raise ValidationError(
                _("导入期间人员数据被他人修改，本次未导入任何数据，请重新确认。")
            ) from None
        roster_import.summary = {
            "counts": plan.counts,
            "written": written,
            "errors": [
                {"line": row.line, "name": row.name, "messages": row.errors}
                for row in plan.error_rows[:MAX_LISTED_ERRORS]
            ],
        }
        roster_import.status = RosterImportStatus.IMPORTED
        roster_import.finished_at = timezone.now()
        _delete_file_on_commit(roster_import)
        roster_import.save(update_fields=["summary", "status", "finished_at", "file"])
    return roster_import


def _write(plan: RosterPlan, actor) -> int:
    today = timezone.localdate()
    now = timezone.now()
    audit = AuditBatch(actor)
    rows = plan.writable
    creates = [row for row in rows if row.action == CREATE]
    updates = [row for row in rows if row.action == UPDATE]
    note = _("花名册导入")

    new_people = [row.person for row in creates]
    Person.objects.bulk_create(new_people, batch_size=BATCH)
    org_counts.changed()  # bulk writes send no signals
    memberships = [
        Membership(person=person, organization=person.primary_org, started_on=today, note=note)
        for person in new_people
    ]

    changed_people = []
    moved_ids = []
    for row in updates:
        row.person.updated_at = now
        changed_people.append(row.person)
        if row.moved_from is not None:
            moved_ids.append(row.person.pk)
            memberships.append(
                Membership(
                    person=row.person,
                    organization=row.person.primary_org,
                    started_on=today,
                    note=note,
                )
            )
    if changed_people:
        fields = [*PERSON_KEYS, "primary_org", "name_pinyin", "name_initials", "updated_at"]
        Person.objects.bulk_update(changed_people, fields, batch_size=BATCH)

    ended = []
    for start in range(0, len(moved_ids), BATCH):
        current = Membership.objects.select_related("person", "organization").filter(
            person_id__in=moved_ids[start : start + BATCH], ended_on__isnull=True
        )
        for membership in current:
            old = Membership(
                pk=membership.pk,
                person_id=membership.person_id,
                organization_id=membership.organization_id,
                started_on=membership.started_on,
                ended_on=None,
                note=membership.note,
            )
            membership.ended_on = today
            ended.append(membership)
            audit.updated(old, membership)
    if ended:
        Membership.objects.bulk_update(ended, ["ended_on"], batch_size=BATCH)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    for person in new_people:
        audit.created(person)
    for row in updates:
        audit.updated(row.existing, row.person)
    for membership in memberships:
        audit.created(membership)
    audit.save()
    return len(rows)

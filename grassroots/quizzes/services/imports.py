"""Writes of a question import: keep an uploaded file, confirm it, or cancel it.

Uploading writes nothing but the file (under MEDIA_ROOT) and its QuestionImport row; the dry
run lists every row. Confirming checks the rows again inside one transaction and writes all
new questions at once; rows with errors, and questions the bank already holds (same
fingerprint), are skipped, so importing the same file twice adds nothing the second time.
The file is deleted once the import is confirmed or cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.uploads import check_xlsx_upload
from grassroots.orgs.roster.audit import AuditBatch

from ..enums import ImportStatus
from ..importing import ImportPlan, build_plan
from ..models import Question, QuestionImport
from ..workbooks import QuestionSheet, read_questions
from .bank import MANAGE, tags_named
from .common import require

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
ABANDONED_AFTER = timedelta(days=1)


def max_upload_bytes() -> int:
    return getattr(settings, "QUIZZES_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@audited
def question_import_upload(*, organization, uploaded_file: UploadedFile, actor) -> QuestionImport:
    """Check an uploaded file and keep it for the dry run. The file is read before the
    transaction opens (on SQLite an open write transaction holds up every other writer)."""
    require(actor, MANAGE, organization, _("您没有权限向该组织的题库导入题目。"))
    if not organization.is_active:
        raise ValidationError(_("不能向已撤销的组织的题库导入题目。"))
    check_xlsx_upload(uploaded_file.name, uploaded_file.size, max_upload_bytes())
    sheet = read_questions(uploaded_file)
    uploaded_file.seek(0)
    question_import = QuestionImport(
        uploaded_by=actor,
        organization=organization,
        original_name=(uploaded_file.name or "")[-200:],
        row_count=len(sheet.rows),
    )
    question_import.file.save("questions.xlsx", uploaded_file, save=False)
    try:
        with transaction.atomic():
            _forget_abandoned(actor)
            question_import.save()
    except BaseException:
        question_import.file.storage.delete(question_import.file.name)
        raise
    return question_import


def read_import(question_import: QuestionImport) -> QuestionSheet:
    if not question_import.file:
        raise ValidationError(_("文件已不存在，请重新上传。"))
    with question_import.file.open("rb") as handle:
        return read_questions(handle)


def import_plan(question_import: QuestionImport) -> ImportPlan:
    """The dry run of a kept file (a read; nothing is written)."""
    return build_plan(question_import.organization, read_import(question_import))


def _delete_file_on_commit(question_import: QuestionImport) -> None:
    name, storage = question_import.file.name, question_import.file.storage
    question_import.file = ""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _forget_abandoned(actor) -> int:
    stale = QuestionImport.objects.select_for_update().filter(
        status=ImportStatus.PENDING, created_at__lt=timezone.now() - ABANDONED_AFTER
    )
    if actor is not None:
        stale = stale.filter(uploaded_by=actor)
    stale = list(stale)
    for old in stale:
        old.status = ImportStatus.CANCELLED
        old.finished_at = timezone.now()
        _delete_file_on_commit(old)
        old.save(update_fields=["status", "finished_at", "file"])
    return len(stale)


@transaction.atomic
def question_imports_purge_abandoned() -> int:
    """The nightly sweep: no uploaded file outlives a day unconfirmed."""
    return _forget_abandoned(None)


def _check_pending(actor, question_import: QuestionImport) -> QuestionImport:
    require(actor, MANAGE, question_import.organization, _("您没有权限向该组织的题库导入题目。"))
    locked = (
        QuestionImport.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=question_import.pk)
    )
    if locked.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("只有上传人可以处理这次导入。"))
    if locked.status != ImportStatus.PENDING:
        raise ValidationError(
            _("这次导入已经处理过了（%(status)s）。") % {"status": locked.get_status_display()}
        )
    return locked


@audited
@transaction.atomic
def question_import_cancel(*, question_import: QuestionImport, actor) -> QuestionImport:
    locked = _check_pending(actor, question_import)
    locked.status = ImportStatus.CANCELLED
    locked.finished_at = timezone.now()
    _delete_file_on_commit(locked)
    locked.save(update_fields=["status", "finished_at", "file"])
    return locked


@audited
def question_import_confirm(*, question_import: QuestionImport, actor) -> QuestionImport:
    """Write every new question of the file in one transaction; the rest is listed as skipped."""
    current = QuestionImport.objects.filter(pk=question_import.pk).first()
    if current is None or current.status != ImportStatus.PENDING:
        raise ValidationError(_("这次导入已经处理过了。"))
    require(actor, MANAGE, current.organization, _("您没有权限向该组织的题库导入题目。"))
    sheet = read_import(current)
    with transaction.atomic():
        locked = _check_pending(actor, question_import)
        plan = build_plan(locked.organization, sheet)
        rows = plan.writable
        questions = [
            Question(
                organization=locked.organization,
                created_by=actor,
                fingerprint=row.fingerprint,
                **row.fields,
            )
            for row in rows
        ]
        try:
            with transaction.atomic():
                Question.objects.bulk_create(questions, batch_size=500)
        except IntegrityError:
            # The same question was saved by someone else between the check and the write.
            raise ValidationError(
                _("导入期间题库被他人修改，本次未导入任何题目，请重新确认。")
            ) from None
        if questions and questions[0].pk is None:
            # Backends that do not return keys from a bulk insert: read them back.
            ids = dict(
                Question.objects.filter(
                    organization=locked.organization,
                    fingerprint__in=[q.fingerprint for q in questions],
                ).values_list("fingerprint", "pk")
            )
            for question in questions:
                question.pk = ids[question.fingerprint]
        all_names = list(dict.fromkeys(name for row in rows for name in row.tags))
        tags = {tag.name: tag for tag in tags_named(all_names)}
        links = [
            Question.tags.through(question_id=question.pk, tag_id=tags[name].pk)
            for row, question in zip(rows, questions, strict=True)
            for name in row.tags
        ]
        Question.tags.through.objects.bulk_create(links, batch_size=1000)
        # bulk_create sends no signals: write the audit entries auditlog would have written.
        audit = AuditBatch(actor)
        for question in questions:
            audit.created(question)
        audit.save()
        locked.summary = {
            "counts": plan.counts,
            "written": len(questions),
            "skipped": [
                {
                    "line": row.line,
                    "stem": row.stem[:80],
                    "status": row.status,
                    "errors": row.errors,
                }
                for row in plan.rows
                if row.status != "new"
            ][:2000],
        }
        locked.status = ImportStatus.IMPORTED
        locked.finished_at = timezone.now()
        _delete_file_on_commit(locked)
        locked.save(update_fields=["summary", "status", "finished_at", "file"])
    return locked

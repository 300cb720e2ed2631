"""Audit entries (django-auditlog) for rows written in bulk.

bulk_create and bulk_update send no model signals, so auditlog would record nothing. These
helpers build the LogEntry rows its receivers would build (same diff format, masking and
excluded fields, read from auditlog's registry) and insert them in bulk, in the import's
transaction. The diff is auditlog's own model_instance_diff, with a fast path for models whose
tracked fields are all plain values and foreign keys (Person, Membership). A test holds the
two to the same output.
"""

from __future__ import annotations

from functools import cache

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_mask_function, model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import DateTimeField, JSONField, Model
from django.utils import timezone
from django.utils.encoding import smart_str


@cache
def _tracked(model) -> tuple[list[tuple[str, str, bool, bool]], bool]:
    """([(name, attribute, is_relation, masked)], fast path possible) for a registered model."""
    from auditlog.registry import auditlog

    options = auditlog.get_model_fields(model)
    include, exclude, masked = (
        options["include_fields"],
        options["exclude_fields"],
        options["mask_fields"],
    )
    fast = (
        not settings.AUDITLOG_STORE_JSON_CHANGES
        and not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
    )
    fields = []
    for field in model._meta.concrete_fields:
        if (include and field.name not in include) or field.name in exclude:
            continue
        if isinstance(field, DateTimeField | JSONField):
            fast = False  # auditlog converts these; leave them to it
        relation = bool(field.many_to_one or field.one_to_one)
        fields.append(
            (field.name, field.attname if relation else field.name, relation, field.name in masked)
        )
    return fields, fast


def instance_diff(old: Model | None, new: Model) -> dict | None:
    """auditlog's diff of two states of a row (old=None for a new row), without queries."""
    model = new.__class__
    fields, fast = _tracked(model)
    if not fast:
        return model_instance_diff(old, new, fields_to_check={name for name, *_rest in fields})
    from auditlog.registry import auditlog

    diff = {}
    mask = None
    for name, attribute, relation, masked in fields:
        # The same values auditlog compares: a relation's id as is, anything else as a string,
        # and the string "None" for every field of a row that did not exist.
        if old is None:
            before = "None"
        else:
            before = getattr(old, attribute)
            before = smart_str(before, strings_only=True) if relation else smart_str(before)
        after = getattr(new, attribute)
        after = smart_str(after, strings_only=True) if relation else smart_str(after)
        if before == after:
            continue
        if masked:
            mask = mask or get_mask_function(auditlog.get_model_fields(model).get("mask_callable"))
            diff[name] = (mask(smart_str(before)), mask(smart_str(after)))
        else:
            diff[name] = (smart_str(before), smart_str(after))
    return diff or None


# Columns whose Python values every database driver takes as they are.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


class AuditBatch:
    """Collects audit entries and inserts them in one go (COPY on PostgreSQL, else executemany).

    The entries go in as plain rows rather than through bulk_create: Django's insert compiler
    costs some 15 µs per value, and an import of 10,000 people writes 20,000 entries of
    fifteen columns. Every column of the LogEntry model is filled (unknown ones with their
    default), and values that need adapting (JSON, dates) go through the field's own
    get_db_prep_save, so the rows are what bulk_create would write.
    """

    def __init__(self, actor):
        self.actor = actor
        self.rows: list[dict] = []
        self.now = timezone.now()
        self.cid = get_cid()
        try:
            context = auditlog_value.get()
        except LookupError:
            context = {}
        self.remote_addr = context.get("remote_addr")
        self.remote_port = context.get("remote_port")

    def _add(self, instance: Model, action: int, old: Model | None) -> None:
        changes = instance_diff(old, instance)
        if not changes:
            return
        self.rows.append(
            {
                "content_type": ContentType.objects.get_for_model(instance.__class__).pk,
                "object_pk": str(instance.pk),
                "object_id": instance.pk,
                "object_repr": smart_str(instance),
                "action": action,
                "changes": changes,
            }
        )

    def created(self, instance: Model) -> None:
        self._add(instance, LogEntry.Action.CREATE, None)

    def updated(self, old: Model, new: Model) -> None:
        self._add(new, LogEntry.Action.UPDATE, old)

    def __len__(self) -> int:
        return len(self.rows)

    def save(self) -> None:
        if not self.rows:
            return
        connection = connections[router.db_for_write(LogEntry)]
        common = {
            "actor": self.actor.pk if self.actor is not None else None,
            "actor_email": getattr(self.actor, "email", None) or None,
            "cid": self.cid,
            "remote_addr": self.remote_addr,
            "remote_port": self.remote_port,
            "timestamp": self.now,
            "changes_text": "",
        }
        fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
        columns = []
        per_row = []  # (index, field, needs adapting) of the values that differ per row
        template = []
        for index, field in enumerate(fields):
            columns.append(connection.ops.quote_name(field.column))
            plain = field.get_internal_type() in _PLAIN_TYPES
            if field.name in self.rows[0]:
                per_row.append((index, field, plain))
                template.append(None)
            else:
                value = common.get(field.name, field.get_default())
                template.append(value if plain else field.get_db_prep_save(value, connection))
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            connection.ops.quote_name(LogEntry._meta.db_table),
            ", ".join(columns),
            ", ".join(["%s"] * len(columns)),
        )
        params = []
        for row in self.rows:
            values = list(template)
            for index, field, plain in per_row:
                value = row[field.name]
                values[index] = value if plain else field.get_db_prep_save(value, connection)
            params.append(values)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: a tenth of the time of executemany for 20,000 rows.
                copy_sql = "COPY {} ({}) FROM STDIN".format(
                    connection.ops.quote_name(LogEntry._meta.db_table), ", ".join(columns)
                )
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                for start in range(0, len(params), 1000):
                    cursor.executemany(sql, params[start : start + 1000])
        self.rows = []

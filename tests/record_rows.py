"""The real record, loaded once per test process and copied into each test that reads it."""

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from actions.record_version import record_changed

# For each table load_record writes to, the rows it wrote, as column values.
RecordRows = list[tuple[type[models.Model], list[dict[str, Any]]]]


def capture_record_rows() -> RecordRows:
    """Run load_record in a transaction that is rolled back, keeping the rows it wrote.

    Rows that were there before (the groups and permissions migrations make) are left out;
    so is the record's version token, which each copy replaces with a new one."""
    all_models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
    with transaction.atomic():
        existing = {model: set(model._base_manager.values_list("pk", flat=True)) for model in all_models}
        call_command("load_record", verbosity=0)
        rows: RecordRows = []
        for model in all_models:
            if model._meta.label_lower == "actions.recordversion":
                continue
            columns = [field.attname for field in model._meta.concrete_fields]
            written = [
                row
                for row in model._base_manager.order_by("pk").values(*columns)
                if row[model._meta.pk.attname] not in existing[model]
            ]
            if written:
                rows.append((model, written))
        transaction.set_rollback(True)
    return rows


def restore_record_rows(rows: RecordRows) -> None:
    """Write the captured rows as they were (primary keys included), with no model signals:
    what load_record leaves behind, the one audit event of the import included."""
    with transaction.atomic():
        # Foreign keys are checked at commit (Django makes them deferrable), so the order of
        # the tables does not matter inside this transaction.
        for model, written in rows:
            model._base_manager.bulk_create([model(**row) for row in written])
        # Later inserts must not reuse the copied primary keys (PostgreSQL's sequences).
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in rows]):
                cursor.execute(statement)
        # Pages cached under the previous token described another test's record.
        record_changed()

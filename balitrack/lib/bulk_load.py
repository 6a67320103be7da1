"""Writing many rows fast: COPY on PostgreSQL, bulk_create elsewhere.

Rows are dicts keyed by field attname ("action_id", not "action"), so the same rows
go to either path. Primary keys are given by the caller when it needs to refer to
the rows later without reading them back; reset_sequences() then moves the
database's counters past them.
"""

import datetime
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _copy_text(value: Any) -> str:
    # PostgreSQL's COPY text format: \N for NULL, backslash escapes for the separators.
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def next_id(model: type[models.Model]) -> int:
    """The first primary key free after every row the table holds."""
    last = model._default_manager.aggregate(last=models.Max("pk"))["last"]
    return (last or 0) + 1


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], *, batch_size: int = 5000) -> int:
    """Insert the rows into the model's table; returns how many there were."""
    count = 0
    for batch in _batches(rows, batch_size):
        if connection.vendor == "postgresql":
            _copy(model, batch)
        else:
            model._default_manager.bulk_create([model(**row) for row in batch], batch_size=batch_size)
        count += len(batch)
    return count


def _copy(model: type[models.Model], batch: list[dict[str, Any]]) -> None:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = list(batch[0])
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    buffer = io.StringIO()
    for row in batch:
        buffer.write("\t".join(_copy_text(row[name]) for name in names))
        buffer.write("\n")
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        # psycopg2's raw cursor: Django's wrapper does not pass copy_expert through.
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Move PostgreSQL's id counters past rows inserted with explicit ids (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

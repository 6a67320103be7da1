"""Asserting that the database itself refused a write, by the constraint's name."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, models, transaction


@contextmanager
def violates(model: type[models.Model], name: str) -> Iterator[None]:
    """Expect the block to break the named constraint of `model`, and nothing else.

    PostgreSQL reports the constraint's name. SQLite names a check constraint but
    describes a unique one by its columns, so those are compared instead.
    """
    constraint = next(c for c in model._meta.constraints if c.name == name)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    if connection.vendor == "postgresql":
        assert error.value.__cause__.diag.constraint_name == name  # type: ignore[union-attr]
    elif isinstance(constraint, models.UniqueConstraint) and constraint.expressions:
        assert str(error.value) == f"UNIQUE constraint failed: index '{name}'"
    elif isinstance(constraint, models.UniqueConstraint):
        table = model._meta.db_table
        columns = ", ".join(f"{table}.{_column(model, field)}" for field in constraint.fields)
        assert str(error.value) == f"UNIQUE constraint failed: {columns}"
    else:
        assert str(error.value) == f"CHECK constraint failed: {name}"


def _column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field.column

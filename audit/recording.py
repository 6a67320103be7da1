"""Writing audit events, and working out what a save changed."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.context import Actor, current_actor
from audit.models import AuditEvent

# Values nobody should read back, even in the trail: only the fact of a change is kept.
MASKED_FIELDS = frozenset({"password", "digest"})
# Bookkeeping that changes on every sign-in and is recorded as the sign-in itself.
IGNORED_FIELDS = frozenset({"last_login"})
MASK = "(hidden)"

Changes = dict[str, list[Any]]


def record(
    kind: str,
    *,
    instance: models.Model | None = None,
    object_repr: str = "",
    changes: Changes | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    username: str = "",
    actor: Actor | None = None,
) -> AuditEvent:
    actor = actor or current_actor()
    who = user if user is not None else actor.user
    signed_in = who is not None and who.is_authenticated
    event = AuditEvent(
        kind=kind,
        user=who if signed_in else None,  # type: ignore[misc]
        username=(who.get_username() if signed_in and who is not None else username)[:150],
        ip_address=actor.ip_address,
        source=actor.source,
        changes=changes or {},
        object_repr=object_repr[:300],
    )
    if instance is not None:
        event.content_type = ContentType.objects.get_for_model(instance)
        event.object_id = str(instance.pk)[:64]
        event.object_repr = (object_repr or describe(instance))[:300]
    event.save()
    return event


def describe(instance: models.Model) -> str:
    try:
        return str(instance)
    except Exception:  # A record half-deleted in a cascade may not print; its id still does.
        return f"{instance._meta.verbose_name} #{instance.pk}"


def plain(value: Any) -> Any:
    """A value as the trail stores it: JSON-ready, and equal for equal values."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(binary)"
    return value


def audited_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if field.attname not in IGNORED_FIELDS]


def stored_values(instance: models.Model) -> dict[str, Any] | None:
    """The row as it is in the database now, before the pending save; None if it is new."""
    if instance.pk is None:
        return None
    names = [field.attname for field in audited_fields(type(instance))]
    return type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()


def differences(instance: models.Model, before: dict[str, Any] | None) -> Changes:
    """Field name → [old, new] for every field the save changed (or set, for a new record)."""
    changes: Changes = {}
    for field in audited_fields(type(instance)):
        new = getattr(instance, field.attname)
        if hasattr(new, "resolve_expression"):
            # An F() update: the stored result is what was saved.
            instance.refresh_from_db(fields=[field.attname])
            new = getattr(instance, field.attname)
        old = None if before is None else before[field.attname]
        old, new = plain(_normalised(field, old)), plain(_normalised(field, new))
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        if field.name in MASKED_FIELDS:
            old, new = (MASK if old else None), MASK
        changes[field.attname] = [old, new]
    return changes


def _normalised(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    try:
        return field.to_python(value)
    except Exception:  # The trail keeps a value it cannot parse as it was given.
        return value

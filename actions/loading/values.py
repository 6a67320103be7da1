"""How the loader sees a record: the fields it compares, each field's value in a plain form
that does not depend on the database (a related record by its natural key, a moment in UTC),
and a digest of each value, which is what LoadedRecord keeps."""

import datetime
import decimal
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Field

# Field name -> plain value, for every field of record_fields().
Values = dict[str, Any]


def record_fields(model: type[models.Model]) -> list[Field]:
    """The fields a record of `model` is made of, as a fixture gives them.

    Left out: the primary key (fixtures find records by natural key), fields BaliTrack keeps
    itself (editable=False: an action's version counter), and many-to-many links with a model
    of their own (a meeting's attendees are records of meetings.meetingparticipation).
    """
    fields: list[Field] = [field for field in model._meta.concrete_fields if not field.primary_key and field.editable]
    fields += [field for field in model._meta.many_to_many if _is_plain_link(field)]
    return fields


def _is_plain_link(field: Any) -> bool:
    return bool(field.remote_field.through._meta.auto_created)


def plain(value: Any) -> Any:
    """A value as JSON can hold it, equal for equal values wherever they were read from:
    "2014-08-06T12:00:00+07:00" in a fixture and the same moment read back in UTC are one."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [plain(part) for part in value]
    return value


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # 64 bits: enough to tell a changed value from its old self, short enough to keep per field.
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def digests(values: Values) -> dict[str, str]:
    return {name: digest(value) for name, value in values.items()}


def default_digest(field: Field) -> str:
    """The digest of what a field holds when nothing is said of it: its default."""
    if field.many_to_many:
        return digest([])
    if field.is_relation:
        return digest(None)
    return digest(plain(field.get_default()))


def key_text(key: Iterable[Any]) -> str:
    """A natural key as the loader's messages print it: 'expansion-of-rilon' 1."""
    return " ".join(repr(part) if isinstance(part, str) else str(part) for part in key)


class NaturalKeys:
    """The natural keys of related records, by primary key, each looked up at most once per
    load; most are known already, as the loader remembers every record it reads."""

    def __init__(self) -> None:
        self._known: dict[tuple[type[models.Model], Any], Any] = {}

    def remember(self, model: type[models.Model], pk: Any, key: Iterable[Any]) -> None:
        self._known[(model, pk)] = plain(list(key))

    def of(self, model: type[models.Model], pk: Any) -> Any:
        if pk is None:
            return None
        if (model, pk) not in self._known:
            target = model._base_manager.get(pk=pk)
            # A model without natural keys (none in the record) is named by its primary key.
            key = target.natural_key() if hasattr(target, "natural_key") else [pk]
            self.remember(model, pk, key)
        return self._known[(model, pk)]

    def of_many(self, model: type[models.Model], pks: Iterable[Any]) -> list[Any]:
        # Sorted by their JSON, so the same links read in any order are the same value.
        return sorted((self.of(model, pk) for pk in pks), key=lambda key: json.dumps(key))


def values_of(instance: models.Model, links: dict[str, list[Any]], keys: NaturalKeys) -> Values:
    """The record's values, from an instance and the primary keys of its many-to-many links
    (a link not named in `links` has none)."""
    values: Values = {}
    for field in record_fields(type(instance)):
        related: Any = field.related_model
        if field.many_to_many:
            values[field.name] = keys.of_many(related, links.get(field.name, []))
        elif field.is_relation:
            # Every link of the record points at a primary key (no to_field).
            values[field.name] = keys.of(related, getattr(instance, field.attname))
        else:
            values[field.name] = plain(getattr(instance, field.attname))
    return values


def database_values(model: type[models.Model], pks: list[Any], keys: NaturalKeys) -> dict[Any, Values]:
    """The values of the records of `model` with these primary keys, as the database holds
    them: one query for the rows and one per many-to-many field, whatever their number."""
    instances = model._base_manager.in_bulk(pks)
    links: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for field in model._meta.many_to_many:
        if not _is_plain_link(field):
            continue
        through: Any = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        for source_pk, target_pk in through._default_manager.filter(**{f"{source}__in": pks}).values_list(
            source, target
        ):
            links[source_pk][field.name].append(target_pk)
    return {pk: values_of(instance, links[pk], keys) for pk, instance in instances.items()}

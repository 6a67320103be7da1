"""Reading the record's files: each record is checked before anything of it is kept, and
a record the database does not hold yet is created at once, so that the records after it
can name it by its natural key.

A file is refused, with its name, the record's number and key and the rule broken, when it:
- is not a list of records, names a model or field that does not exist, or gives a primary key;
- gives one natural key twice (the second record would silently replace the first);
- names a record by a natural key that is not in the record;
- holds a record the model itself refuses (what full_clean() checks: each field's rules, the
  model's clean() and its constraints), e.g. "on hold" with no note, or two owners on one row.

Records are built here rather than by Django's deserializer, which looks every link up in the
database again: the records read so far stand in for the rows they name.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.db import DatabaseError, models
from django.db.models import Field

from actions.loading.values import NaturalKeys, Values, key_text, plain, record_fields

try:  # The C parser when PyYAML has it, as Django's own YAML deserializer does.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]


class Refusal(CommandError):
    """A record file that cannot be loaded as it is: nothing of the load is kept."""

    def __init__(self, where: str, problem: str, outcome: str = "Nothing was loaded.") -> None:
        super().__init__(f"{where}: {problem.rstrip('.')}. {outcome}")


def shown(path: Path) -> str:
    """A file as messages name it: fixtures/strategy.yaml for the record's own files."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


@dataclass
class FixtureRecord:
    """One record of a file, as read: where it stands, the fields it names, and its instance."""

    path: Path
    number: int
    model: type[models.Model]
    named: frozenset[str]
    instance: models.Model
    # Many-to-many links, by primary key.
    links: dict[str, list[Any]] = field(default_factory=dict)
    # Links to records further down the files, as written, until finish() finds them.
    deferred: dict[Field, Any] = field(default_factory=dict)
    key: tuple[Any, ...] | None = None
    created: bool = False
    values: Values = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        """The record, as messages name it: actions.action 'expansion-of-rilon' 1."""
        return f"{self.label} {key_text(self.key)}" if self.key is not None else self.label

    @property
    def place(self) -> str:
        return f"{shown(self.path)}, record {self.number}"

    @property
    def where(self) -> str:
        return f"{self.place} ({self.name})"


class Reader:
    """Reads files in order into FixtureRecords, creating those the database lacks."""

    def __init__(self, keys: NaturalKeys) -> None:
        self.keys = keys
        self.records: list[FixtureRecord] = []
        self._by_key: dict[tuple[type[models.Model], str], FixtureRecord] = {}
        self._by_pk: dict[tuple[type[models.Model], Any], models.Model] = {}

    def read(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}). Nothing was loaded.") from error
        try:
            raw_records = yaml.load(text, Loader=SafeLoader)
        except yaml.YAMLError as error:
            raise Refusal(_where_in_text(path, text, error), f"not YAML ({error})") from error
        if raw_records is None:
            return
        if not isinstance(raw_records, list):
            raise Refusal(shown(path), "a record file is a list of records, each starting with '- model:'")
        for number, raw in enumerate(raw_records, 1):
            self._read_record(path, number, raw)

    def finish(self) -> None:
        """Give every record the links it named to records further down the files (forward
        references), check it again whole, and save those links on the records just created."""
        for record in self.records:
            if not record.deferred:
                continue
            for link, value in record.deferred.items():
                found = self._find_all(record, link, value, may_wait=False)
                if link.many_to_many:
                    record.links[link.name] = found
                else:
                    setattr(record.instance, link.attname, found[0])
            _check_model_rules(record, exclude=set())
            if record.created:
                self._save(record, links=[link.name for link in record.deferred if link.many_to_many])
            record.deferred = {}

    def _read_record(self, path: Path, number: int, raw: Any) -> None:
        where = f"{shown(path)}, record {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict) or "model" not in raw:
            raise Refusal(where, "a record is a mapping of 'model' and 'fields'")
        try:
            model = apps.get_model(str(raw["model"]))
        except (LookupError, ValueError) as error:
            raise Refusal(where, f"no model {raw['model']!r}") from error
        if "pk" in raw:
            raise Refusal(
                f"{where} ({model._meta.label_lower})",
                "gives a primary key (pk): records are found by their natural key only, as a pk names a row "
                "of one database",
            )
        if not hasattr(model, "natural_key"):
            label = model._meta.label_lower
            raise Refusal(where, f"{label} has no natural key, and a record file holds only records found by one")
        record = FixtureRecord(path, number, model, frozenset(raw["fields"]), model())
        _check_field_names(record)
        self._build(record, raw["fields"])
        record.key = _natural_key(record.instance)
        self._check_once(record)
        _check_links_found(record)
        if record.key is None:
            # The model's own words first: an owner row with no owner has no key either.
            _check_model_rules(record, exclude={link.name for link in record.deferred})
            raise Refusal(record.where, "its natural key cannot be made of what it gives")
        try:
            found = model._default_manager.get_by_natural_key(*record.key)
        except ObjectDoesNotExist:
            found = None
        if found is not None:
            # The database holds this record: its unique checks must not count its own row.
            record.instance.pk = found.pk
            record.instance._state.adding = False
            record.instance._state.db = found._state.db
        _check_model_rules(record, exclude={link.name for link in record.deferred})
        if record.instance.pk is None:
            record.created = True
            self._save(record, links=list(record.links))
        self.keys.remember(model, record.instance.pk, record.key)
        self._by_key[(model, _key_json(record.key))] = record
        self._by_pk[(model, record.instance.pk)] = record.instance
        self.records.append(record)

    def _build(self, record: FixtureRecord, fields: dict[str, Any]) -> None:
        """Give the instance the record's values, and each link the row it names."""
        instance = record.instance
        for name, value in fields.items():
            f: Any = record.model._meta.get_field(name)
            if not f.is_relation:
                try:
                    setattr(instance, f.attname, f.to_python(value))
                except ValidationError as error:
                    raise Refusal(record.where, f"field '{name}': {' '.join(error.messages)}") from error
                continue
            if not f.many_to_many and value is None:
                setattr(instance, f.attname, None)
                continue
            found = self._find_all(record, f, value, may_wait=True)
            if None in found:
                record.deferred[f] = value
            elif f.many_to_many:
                record.links[name] = found
            else:
                setattr(instance, f.attname, found[0])
                # The record read stands in for the row, so that the natural key needs no query.
                if (target := self._by_pk.get((f.related_model, found[0]))) is not None:
                    f.set_cached_value(instance, target)
        _in_utc(instance)

    def _find_all(self, record: FixtureRecord, link: Any, value: Any, *, may_wait: bool) -> list[Any]:
        """The primary keys of the rows a link names (None for one not loaded yet, if it may wait)."""
        keys = value if link.many_to_many else [value]
        if not isinstance(keys, list) or not all(isinstance(key, list) for key in keys):
            shape = "a list of natural keys, each a list" if link.many_to_many else "a natural key, as a list"
            raise Refusal(record.where, f"field '{link.name}': a link is written as {shape}, not {value!r}")
        found = [self._find(link.related_model, key) for key in keys]
        missing = [key for key, pk in zip(keys, found, strict=True) if pk is None]
        if missing and not may_wait:
            target = link.related_model._meta.label_lower
            raise Refusal(record.where, f"field '{link.name}': no {target} {missing[0]!r} in the record")
        return found

    def _find(self, model: type[models.Model], key: list[Any]) -> Any:
        if (read := self._by_key.get((model, _key_json(key)))) is not None:
            return read.instance.pk
        try:
            return model._default_manager.get_by_natural_key(*key).pk  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None
        except (TypeError, ValueError, ValidationError, MultipleObjectsReturned):
            return None  # Not a key of that model at all; reported as not found.

    def _check_once(self, record: FixtureRecord) -> None:
        if record.key is None:
            return
        first = self._by_key.get((record.model, _key_json(record.key)))
        if first is None:
            return
        if first.path == record.path:
            earlier = f"record {first.number} of this file"
        else:
            earlier = f"{shown(first.path)}, record {first.number}"
        raise Refusal(
            record.where,
            f"the key {key_text(record.key)} is already given by {earlier}: one record per key, "
            "or the second would silently replace the first",
        )

    def _save(self, record: FixtureRecord, links: list[str]) -> None:
        # A raw save, as loaddata makes one: the audit trail records the load once, as an
        # import, rather than each row as somebody's change.
        try:
            models.Model.save_base(record.instance, raw=True)
            for name in links:
                getattr(record.instance, name).set(record.links[name])
        except DatabaseError as error:
            raise Refusal(record.where, str(error)) from error


def _key_json(key: Any) -> str:
    return json.dumps(plain(list(key)), ensure_ascii=False)


def _where_in_text(path: Path, text: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return shown(path)
    # The record is the last '- ' item that starts on or before the broken line.
    lines = text.splitlines()[: mark.line + 1]
    number = max(1, sum(1 for line in lines if line.startswith("- ")))
    return f"{shown(path)}, record {number} (line {mark.line + 1})"


def _check_field_names(record: FixtureRecord) -> None:
    allowed = {f.name for f in record_fields(record.model)}
    for name in record.named:
        if name in allowed:
            continue
        if any(f.name == name for f in record.model._meta.get_fields()):
            raise Refusal(record.where, f"field '{name}' is not given in a record file (BaliTrack keeps it itself)")
        raise Refusal(record.where, f"field '{name}': {record.label} has no such field")


def _in_utc(instance: models.Model) -> None:
    # The same moment either way, but a natural key made of a moment (a status update's) must
    # read the same from the fixture as from the database, which keeps UTC.
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            setattr(instance, f.attname, value.astimezone(datetime.UTC))


def _natural_key(instance: models.Model) -> tuple[Any, ...] | None:
    try:
        return tuple(instance.natural_key())  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError, ValueError):
        return None  # A key made of a link not loaded yet; the link check names it.


def _check_links_found(record: FixtureRecord) -> None:
    """A required link to a record not loaded yet can only be a mistake: forward references
    are for links that may wait, and the database would refuse this one without naming it."""
    for link, key in record.deferred.items():
        if not link.many_to_many and not link.null:
            target = link.related_model._meta.label_lower  # type: ignore[union-attr]
            raise Refusal(record.where, f"field '{link.name}': no {target} {key!r} was loaded before this record")


def _check_model_rules(record: FixtureRecord, exclude: set[str]) -> None:
    """Whatever the model refuses, the loader refuses, in the model's own words: what
    full_clean() checks, in its order, each step skipping the fields an earlier one refused."""
    instance = record.instance
    # A link named by natural key was found, so each field's check need not look it up again.
    links = {f.name for f in instance._meta.concrete_fields if f.is_relation}
    errors: dict[str, Any] = {}
    steps = [
        lambda skip: instance.clean_fields(exclude=skip | links),
        lambda skip: instance.clean(),
        lambda skip: instance.validate_unique(exclude=skip),
        lambda skip: instance.validate_constraints(exclude=skip),
    ]
    for step in steps:
        try:
            step(exclude | {name for name in errors if name != NON_FIELD_ERRORS})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise Refusal(record.where, plain_problems(ValidationError(errors)))


def plain_problems(error: ValidationError) -> str:
    problems = []
    for name, messages in error.message_dict.items():
        # A rule kept both in clean() and as a constraint says the same thing twice.
        text = " ".join(dict.fromkeys(message.rstrip(".") + "." for message in messages))
        problems.append(text if name == NON_FIELD_ERRORS else f"field '{name}': {text}")
    return "; ".join(problems)

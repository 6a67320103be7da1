"""What a load does with each record of the files, once they have all been read.

A record the database lacked was created while reading. Every other one is compared with
the database field by field and with what was loaded of it (LoadedRecord):

- the same as the fixture: already there;
- different, by default: kept as it is in the database, and reported;
- different, with `update`: the fixture's values are applied when only the fixture changed
  since the record was loaded; a record the secretariat changed since is theirs, and kept;
  a record both changed refuses the whole update, which then changes nothing at all.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.utils import timezone

from actions.loading.models import LoadedRecord
from actions.loading.reading import FixtureRecord, Reader, Refusal, plain_problems, shown
from actions.loading.values import (
    NaturalKeys,
    Values,
    database_values,
    default_digest,
    digests,
    plain,
    record_fields,
    values_of,
)


@dataclass
class Comparison:
    """A record of the files that the database held already, beside its database self."""

    record: FixtureRecord
    database: Values
    loaded: LoadedRecord | None
    # Fields whose database value is not the fixture's.
    differing: list[str] = field(default_factory=list)
    # Fields the database changed since they were loaded (by the secretariat, in the browser or the admin).
    touched: list[str] = field(default_factory=list)
    # Fields the fixture changed since they were loaded and the database does not have yet.
    pending: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def applies(self) -> bool:
        """Only the fixture moved since the load: --update may apply it."""
        return bool(self.pending) and not self.touched and self.loaded is not None

    @property
    def clashes(self) -> bool:
        return bool(self.pending) and bool(self.touched)

    def why_kept(self, *, update: bool) -> str:
        if self.loaded is None:
            return "BaliTrack kept no trace of loading it, so it is left as the database has it"
        if self.clashes:
            return "changed in the database and in the fixture since it was loaded" + (
                "" if update else ": load_record --update refuses it"
            )
        if self.touched:
            return "changed in the database since it was loaded"
        return "only the fixture changed since it was loaded: load_record --update applies it"

    def kept_line(self, *, update: bool) -> str:
        verb = "differs" if len(self.differing) == 1 else "differ"
        return (
            f"kept as it is in the database: {self.record.name} ({', '.join(self.differing)} {verb} from "
            f"{shown(self.record.path)}; {self.why_kept(update=update)})"
        )

    def changes(self, names: list[str]) -> list[str]:
        return [
            f"  {name}: {_shown_value(self.database[name])} → {_shown_value(self.record.values[name])}"
            for name in names
        ]


@dataclass
class Report:
    files: list[Path]
    update: bool
    created: list[FixtureRecord] = field(default_factory=list)
    same: list[FixtureRecord] = field(default_factory=list)
    kept: list[Comparison] = field(default_factory=list)
    updated: list[Comparison] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = []
        if self.update and (self.updated or self.kept):
            lines.append("Differences, each field as database value → fixture value:")
        for comparison in self.updated:
            lines.append(f"updated: {comparison.record.name} (from {comparison.record.place}):")
            lines += comparison.changes(comparison.differing)
        for comparison in self.kept:
            lines.append(comparison.kept_line(update=self.update))
            if self.update:
                lines += comparison.changes(comparison.differing)
        return lines

    def summary(self) -> str:
        counts = [f"{len(self.created)} created", f"{len(self.same)} already there"]
        if self.update:
            counts.append(f"{len(self.updated)} updated")
        counts.append(f"{len(self.kept)} differ (kept)")
        return f"The record, from {len(self.files)} files: {', '.join(counts)}."


def load(files: list[Path], *, update: bool) -> Report:
    """Load the files; the caller holds the transaction, so a refusal rolls it all back."""
    keys = NaturalKeys()
    reader = Reader(keys)
    for path in files:
        reader.read(path)
    reader.finish()
    for record in reader.records:
        record.values = values_of(record.instance, record.links, keys)

    report = Report(files=files, update=update)
    states = {(row.model, row.key): row for row in LoadedRecord.objects.all()}
    comparisons = _compare([r for r in reader.records if not r.created], states, keys)
    clashes = [comparison for comparison in comparisons if comparison.clashes]
    if update and clashes:
        raise _clash_refusal(clashes)
    for comparison in comparisons:
        if not comparison.differing:
            report.same.append(comparison.record)
        elif update and comparison.applies:
            _apply(comparison)
            comparison.applied = True
            report.updated.append(comparison)
        else:
            report.kept.append(comparison)
    report.created = [record for record in reader.records if record.created]
    _keep_what_was_loaded(report.created, comparisons, states)
    return report


def _compare(
    records: list[FixtureRecord], states: dict[tuple[str, str], LoadedRecord], keys: NaturalKeys
) -> list[Comparison]:
    by_model: dict[type[models.Model], list[FixtureRecord]] = {}
    for record in records:
        by_model.setdefault(record.model, []).append(record)
    comparisons = []
    for model, of_model in by_model.items():
        in_database = database_values(model, [record.instance.pk for record in of_model], keys)
        fields = record_fields(model)
        for record in of_model:
            loaded = states.get((record.label, _stored_key(record)))
            comparison = Comparison(record, in_database[record.instance.pk], loaded)
            fixture, database = digests(record.values), digests(comparison.database)
            was = {f.name: loaded.digests.get(f.name, default_digest(f)) for f in fields} if loaded else {}
            if loaded is not None:
                _check_nothing_left_out(record, fixture, was)
            comparison.differing = [name for name in fixture if fixture[name] != database[name]]
            if loaded is not None:
                comparison.touched = [name for name in fixture if database[name] != was[name]]
                comparison.pending = [name for name in comparison.differing if fixture[name] != was[name]]
            comparisons.append(comparison)
    return comparisons


def _check_nothing_left_out(record: FixtureRecord, fixture: dict[str, str], was: dict[str, str]) -> None:
    """A record restated with a field left out says that field is empty; if it held a value
    when it was loaded, the file has lost it, and an update would blank it."""
    blanked = [name for name in fixture if name not in record.named and fixture[name] != was[name]]
    if blanked:
        names = ", ".join(blanked)
        raise Refusal(
            record.where,
            f"restates a record loaded before but leaves out {names}, which had a value when it was "
            "loaded and would be blanked: give every field that has a value (to empty one, write it "
            f'empty, e.g. {blanked[0]}: "")',
        )


def _apply(comparison: Comparison) -> None:
    """Give the database record the fixture's values, through the model as any change goes,
    so the audit trail records each field old → new and cached pages are rebuilt."""
    record = comparison.record
    instance = record.model._base_manager.get(pk=record.instance.pk)
    fields = [f for f in record_fields(record.model) if f.name in comparison.differing]
    for f in fields:
        if not f.many_to_many:
            setattr(instance, f.attname, getattr(record.instance, f.attname))
    try:
        instance.full_clean()
        columns = [f.name for f in fields if not f.many_to_many]
        if columns:
            instance.save(update_fields=columns)
        for f in fields:
            if f.many_to_many:
                getattr(instance, f.name).set(record.links.get(f.name, []))
    except ValidationError as error:
        raise Refusal(record.where, plain_problems(error)) from error
    except DatabaseError as error:
        raise Refusal(record.where, str(error)) from error


def _keep_what_was_loaded(
    created: list[FixtureRecord], comparisons: list[Comparison], states: dict[tuple[str, str], LoadedRecord]
) -> None:
    """Remember, per record, the values the database and the fixture now agree on.

    A field the two disagree on keeps the digest it was loaded with, so that the next load
    still tells who changed it. A record BaliTrack has no trace of is remembered only once it
    matches the fixture whole (a database loaded before LoadedRecord existed, say).
    """
    now = timezone.now()
    new = [LoadedRecord(model=r.label, key=_stored_key(r), digests=digests(r.values), loaded_at=now) for r in created]
    changed = []
    for comparison in comparisons:
        record, loaded = comparison.record, comparison.loaded
        fixture = digests(record.values)
        if loaded is None:
            if not comparison.differing:
                new.append(LoadedRecord(model=record.label, key=_stored_key(record), digests=fixture, loaded_at=now))
            continue
        was = {f.name: loaded.digests.get(f.name, default_digest(f)) for f in record_fields(record.model)}
        agreed = {
            name: fixture[name] if comparison.applied or name not in comparison.differing else was[name] for name in was
        }
        if agreed != loaded.digests:
            loaded.digests, loaded.loaded_at = agreed, now
            changed.append(loaded)
    # In bulk, without signals: this is the loader's bookkeeping, not a change to the record.
    LoadedRecord.objects.bulk_create(new, batch_size=500)
    LoadedRecord.objects.bulk_update(changed, ["digests", "loaded_at"], batch_size=500)


def _stored_key(record: FixtureRecord) -> str:
    return json.dumps(plain(list(record.key or ())), ensure_ascii=False)


def _shown_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _clash_refusal(clashes: list[Comparison]) -> Refusal:
    lines = ["the secretariat has changed these records since they were loaded, and the fixtures change them too:"]
    for comparison in clashes:
        touched = ", ".join(comparison.touched)
        lines.append(f"  {comparison.record.where}: the database changed {touched}; the fixture would change")
        lines += ["  " + line for line in comparison.changes(comparison.pending)]
    lines.append(
        "Make the fixture's change in the admin if it is right, or take it out of the fixture, "
        "then run load_record --update again"
    )
    return Refusal("Not updated", "\n".join(lines), outcome="Nothing was changed.")

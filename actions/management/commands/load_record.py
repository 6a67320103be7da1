"""Load the Bali Process record transcribed in `fixtures/` into the database.

The files are loaded in the order of RECORD_FIXTURES, because each file refers by
natural key to records of the files before it. Loading twice changes nothing: every
record is found again by its natural key.

Every record is checked field by field before it is saved, and the whole load is one
transaction: a file with a mistake is refused with a message naming the file, the
record and the field, and nothing at all is loaded.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import DatabaseError, transaction

from audit.models import AuditEvent
from audit.recording import record

RECORD_FIXTURES = [
    "members.yaml",
    "meetings.yaml",
    "decisions_5th_ministerial_conference.yaml",
    "decisions_jakarta_declaration.yaml",
    "decisions_8th_ahg_som.yaml",
    "strategy.yaml",
]


class Command(BaseCommand):
    help = "Load the Bali Process record (members, meetings, decisions, the strategy) from fixtures/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", type=Path, help="YAML files to load instead of the record in fixtures/, in order."
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or [Path(settings.BASE_DIR) / "fixtures" / name for name in RECORD_FIXTURES]
        deferred: list[tuple[str, DeserializedObject]] = []
        loaded = 0
        for path in files:
            loaded += _load_file(path, deferred)
        # Records that named one further down their file get that link now.
        for where, obj in deferred:
            try:
                obj.save_deferred_fields()
            except (DeserializationError, DatabaseError, ObjectDoesNotExist) as error:
                raise _refusal(where, error) from error
        # One event for the whole load rather than one per record: nobody made these changes.
        record(AuditEvent.Kind.IMPORTED, changes={"fixtures": [None, [path.name for path in files]]})
        if options["verbosity"]:
            self.stdout.write(f"Loaded {loaded} records from {len(files)} files.")


def _load_file(path: Path, deferred: list[tuple[str, DeserializedObject]]) -> int:
    number = 0
    try:
        with path.open(encoding="utf-8") as stream:
            for number, obj in enumerate(serializers.deserialize("yaml", stream, handle_forward_references=True), 1):
                where = f"{path.name}, record {number} ({obj.object._meta.label_lower})"
                _check_fields(where, obj)
                _check_links_found(where, obj)
                try:
                    obj.save()
                except DatabaseError as error:
                    raise _refusal(where, error) from error
                if obj.deferred_fields:
                    deferred.append((where, obj))
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror}). Nothing was loaded.") from error
    except DeserializationError as error:
        raise _refusal(f"{path.name}, record {number + 1}", error) from error
    return number


def _check_fields(where: str, obj: DeserializedObject) -> None:
    """Check each field's own rules (choices, lengths, blanks, formats) before saving.

    Links are left to the deserializer, which refuses a natural key it cannot find,
    and to the database's constraints.
    """
    links = [field.name for field in obj.object._meta.fields if field.is_relation]
    try:
        obj.object.clean_fields(exclude=links)
    except ValidationError as error:
        problems = "; ".join(f"field '{name}': {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise CommandError(f"{where}: {problems}. Nothing was loaded.") from error


def _check_links_found(where: str, obj: DeserializedObject) -> None:
    """A required link to a record not loaded yet can only be a mistake: forward
    references are kept for links that may wait, which the database would otherwise
    refuse without saying which key was missing."""
    for field, key in (obj.deferred_fields or {}).items():
        if not field.many_to_many and not field.null:
            target = field.related_model._meta.label_lower  # type: ignore[union-attr]
            raise CommandError(
                f"{where}: field '{field.name}': no {target} {key!r} was loaded before this record. Nothing was loaded."
            )


def _refusal(where: str, error: Exception) -> CommandError:
    return CommandError(f"{where}: {error}. Nothing was loaded.")

"""Import a statement's text from a file into a document of a meeting, for the secretariat's
files: the same splitting as the "Record a statement" flow (meetings.statement_text), the same
save (meetings.services.document_text_save), in one transaction.

    python manage.py import_statement FILE --meeting SLUG --document SLUG [--kind KIND]
        [--title TITLE] [--replace] [--dry-run] [--json]

The document is created under the meeting if it does not exist yet. Importing the same text
again changes nothing; a different text into a document with parts is refused unless
--replace, which never removes a part an action's mandate or a link of lineage points at.
--dry-run shows the parts found and changes nothing; with --json it prints them as a JSON list
of objects with position, number (as printed, or null), level, parent and text.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from meetings.models import Document, Meeting
from meetings.services import TextRefused, citation_keys, document_text_save
from meetings.statement_text import MAX_STATEMENT_LENGTH, StatementTextError, parts_as_json, split_statement

# Read a little past the limit, so that the splitter can say how long the text is.
READ_LIMIT = MAX_STATEMENT_LENGTH * 4 + 4


class Command(BaseCommand):
    help = "Split a statement's text from FILE into its parts and save them as a document of a meeting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The statement's text, UTF-8.")
        parser.add_argument("--meeting", required=True, help="The meeting's slug, as in its address.")
        parser.add_argument("--document", required=True, help="The document's slug; created if missing.")
        parser.add_argument(
            "--kind",
            choices=Document.Kind.values,
            default=Document.Kind.CO_CHAIRS_STATEMENT,
            help="For a new document: its kind (default co_chairs_statement).",
        )
        parser.add_argument("--title", help="For a new document: its title (default: the kind and the meeting).")
        parser.add_argument("--replace", action="store_true", help="Replace a document's different text.")
        parser.add_argument("--dry-run", action="store_true", help="Show the parts found; change nothing.")
        parser.add_argument("--json", action="store_true", help="With --dry-run: the parts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parts = split_statement(self._read(options["file"]))
        except StatementTextError as error:
            raise CommandError(str(error)) from None
        if options["dry_run"]:
            self._show(parts, as_json=options["json"])
            return
        if options["json"]:
            raise CommandError("--json shows the parts found, with --dry-run, which changes nothing.")
        try:
            meeting = Meeting.objects.get(slug=options["meeting"])
        except Meeting.DoesNotExist:
            raise CommandError(f"No meeting has the slug {options['meeting']!r}.") from None
        try:
            with transaction.atomic():
                document, made = self._document(meeting, options)
                saved = document_text_save(by=None, document=document, parts=parts, replace=options["replace"])
        except TextRefused as refusal:
            raise CommandError(refusal.message) from None
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(
            f"{document.title}{' (new)' if made else ''}: {saved.created} parts created, {saved.changed} changed, "
            f"{saved.unchanged} unchanged, {saved.removed} removed."
        )

    def _read(self, path: Path) -> str:
        try:
            with path.open("rb") as file:
                raw = file.read(READ_LIMIT)
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text (byte {error.start + 1} cannot be read).") from None

    def _show(self, parts: list[Any], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(parts_as_json(parts), ensure_ascii=False, indent=2))
            return
        try:
            keys = citation_keys(parts)
        except TextRefused as refusal:
            raise CommandError(refusal.message) from None
        for part, key in zip(parts, keys, strict=True):
            words = part.text if len(part.text) <= 70 else part.text[:69] + "…"
            self.stdout.write(f"{part.position:>4}  {part.level.value:<9}  {key:<24}  {words}")
        self.stdout.write(f"{len(parts)} parts. Dry run: nothing was changed.")

    def _document(self, meeting: Meeting, options: dict[str, Any]) -> tuple[Document, bool]:
        document = Document.objects.filter(slug=options["document"]).select_related("meeting").first()
        if document is not None:
            if document.meeting_id != meeting.pk:
                raise CommandError(
                    f"The document {document.slug!r} belongs to another meeting, {document.meeting.title}."
                )
            return document, False
        kind = Document.Kind(options["kind"])
        document = Document(
            slug=options["document"],
            kind=kind,
            meeting=meeting,
            title=options["title"] or f"{kind.label}: {meeting.title}",
        )
        document.full_clean()
        document.save()
        return document, True

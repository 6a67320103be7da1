"""Load the Bali Process record transcribed in `fixtures/` into the database.

The files are read in the order of RECORD_FIXTURES, as each one names records of the files
before it by natural key. A record the database lacks is created; a record it holds is left
as it is, and reported when it differs from the fixture (actions.loading says the rule).
With --update, fixture changes are applied to records nobody has changed since they were
loaded, after showing them. Every record is checked before it is kept, and the whole load is
one transaction: a file with a mistake, or an update that would overwrite the secretariat's
work, is refused with a message naming the file, the record and the rule, and nothing at all
is changed.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from actions.loading import plan
from actions.loading.models import LoadedRecord
from audit.models import AuditEvent
from audit.recording import record
from members.models import Member

RECORD_FIXTURES = [
    "members.yaml",
    "meetings.yaml",
    "decisions_5th_ministerial_conference.yaml",
    "decisions_jakarta_declaration.yaml",
    "decisions_8th_ahg_som.yaml",
    "strategy.yaml",
]


class Command(BaseCommand):
    help = (
        "Load the Bali Process record (members, meetings, decisions, the strategy) from fixtures/: "
        "create what the database lacks, leave what it holds as it is, and report what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", type=Path, help="YAML files to load instead of the record in fixtures/, in order."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also apply the fixtures' changes to records nobody has changed since they were loaded, "
            "showing each change first; refuse, changing nothing, if the secretariat changed one of them.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen, and change nothing.")
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="Do nothing if the database holds the record already (what `make setup` runs).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_absent"] and _holds_the_record():
            if options["verbosity"]:
                self.stdout.write(
                    "The record is in the database already: left as it is. "
                    "(`manage.py load_record` reports what differs from fixtures/; add --update to apply it.)"
                )
            return
        files = options["files"] or [Path(settings.BASE_DIR) / "fixtures" / name for name in RECORD_FIXTURES]
        with transaction.atomic():
            report = plan.load(files, update=options["update"])
            if report.created or report.updated:
                # One event for the whole load rather than one per record created: nobody made
                # them. Each update is in the trail besides, field by field, old -> new.
                names = [path.name for path in files]
                record(AuditEvent.Kind.IMPORTED, changes={"fixtures": [None, names]})
            if options["dry_run"]:
                transaction.set_rollback(True)
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(report.summary())
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was changed.")


def _holds_the_record() -> bool:
    # Members come first in the record and everything else names them; a database loaded
    # before LoadedRecord existed has members and no LoadedRecord rows.
    return LoadedRecord.objects.exists() or Member.objects.exists()

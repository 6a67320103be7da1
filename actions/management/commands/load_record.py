"""Load the Bali Process record transcribed in `fixtures/` into the database.

The files are loaded in one `loaddata` call, in the order of RECORD_FIXTURES, because
each file refers by natural key to records of the files before it. Loading twice
changes nothing: every record is found again by its natural key.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

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

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        call_command("loaddata", *RECORD_FIXTURES, verbosity=options["verbosity"])
        # One event for the whole load rather than one per record: nobody made these changes.
        record(AuditEvent.Kind.IMPORTED, changes={"fixtures": [None, RECORD_FIXTURES]})

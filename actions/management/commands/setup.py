"""Make the database ready to use, as `make setup` and `make run` do, in one process.

Migrate; load the record into a database that does not hold it yet; and, on the embedded
default only, add the demo accounts and example focal points that are missing. On a database
that is in use this changes nothing anybody entered and takes a second or two: the record is
not read again (`load_record` compares it with fixtures/ when asked), an existing account or
focal point is left as its user left it.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the record if the database lacks it, and add what the embedded demo is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each command writes to this one's streams themselves: wrapped twice, migrate's
        # "Applying ... OK" would break across two lines.
        out = {"verbosity": options["verbosity"], "stdout": self.stdout._out, "stderr": self.stderr._out}
        # The database's own checks first, as `manage.py migrate` runs them.
        call_command("migrate", interactive=False, skip_checks=False, **out)
        call_command("load_record", if_absent=True, **out)
        call_command("create_demo_users", **out)
        call_command("create_demo_focal_points", **out)

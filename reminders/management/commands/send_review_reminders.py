"""Run the reminder scan in this process, without Celery or Redis.

The same scan as the daily Celery task; here each reminder is sent straight away.
With --dry-run, nothing is recorded or sent: the command lists what would be.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import reminder_send, reminders_scan


class _DryRun(Exception):
    """Raised to roll the scan back."""


class Command(BaseCommand):
    help = "Send the review reminders and lead members' digests due today, in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; send nothing.")
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="Scan as if today were this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        queued: list[int] = []
        try:
            with transaction.atomic():
                result = reminders_scan(today=today, dispatch=queued.append)
                for member in result.members_without_focal_point:
                    self.stderr.write(f"No active focal point for {member}: it receives no review reminder.")
                for reminder in Reminder.objects.filter(pk__in=queued).select_related("review", "member"):
                    self.stdout.write(f"{'Would send' if options['dry_run'] else 'Due'}: {reminder}")
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(f"Dry run on {today}: {len(queued)} reminder(s) would be sent; nothing was recorded.")
            return
        sent = failed = 0
        for reminder_id in queued:
            try:
                outcome = reminder_send(reminder_id=reminder_id, today=today)
            except Exception as error:  # one bad address must not stop the others
                failed += 1
                self.stderr.write(f"Reminder {reminder_id} failed: {error}; the next scan will try again.")
                continue
            sent += outcome == "sent"
        self.stdout.write(self.style.SUCCESS(f"{today}: {sent} sent, {failed} failed, {len(queued)} due."))

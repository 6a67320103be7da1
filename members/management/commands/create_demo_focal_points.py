"""Give the Steering Group members and co-chairs example focal points, on the embedded demo only.

The record names no people; these are clearly marked examples at example.org so that a
newcomer can watch a reminder go out (to the console) with `send_review_reminders`. They are
added once, to a database that has no focal point at all: after that, focal points are the
secretariat's, and one they edited or deleted stays as they left it.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from members import demo
from members.models import FocalPoint, Member


class Command(BaseCommand):
    help = "Add example focal points for the reminder demo to a database with none (embedded SQLite default only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo.is_embedded_default():
            self.stdout.write("No example focal points: this is not the embedded default (SQLite with DEBUG on).")
            return
        if FocalPoint.objects.exists():
            self.stdout.write("Focal points are entered already: left as they are, and no example added.")
            return
        members = list(Member.objects.to_remind(settings.REMINDER_FORUMS).order_by("code"))
        for member in members:
            # One by one, not in bulk, so the audit trail records each as made by this command.
            FocalPoint.objects.create(
                member=member,
                email=f"{member.code.lower()}.focal-point@example.org",
                name=f"Example focal point for {member.name}",
                title="Demo contact — not a real person",
            )
        self.stdout.write(f"Example focal points (demo, example.org) for {len(members)} members.")

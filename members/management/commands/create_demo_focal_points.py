"""Give the Steering Group members and co-chairs example focal points, on the embedded demo only.

The record names no people; these are clearly marked examples at example.org so that a
newcomer can watch a reminder go out (to the console) with `send_review_reminders`.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from members.models import FocalPoint, Member


class Command(BaseCommand):
    help = "Add example focal points for the reminder demo (embedded SQLite default only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG or connection.vendor != "sqlite":
            self.stdout.write("No example focal points: this is not the embedded default (SQLite with DEBUG on).")
            return
        members = Member.objects.to_remind(settings.REMINDER_FORUMS)
        for member in members:
            FocalPoint.objects.get_or_create(
                member=member,
                email=f"{member.code.lower()}.focal-point@example.org",
                defaults={
                    "name": f"Example focal point for {member.name}",
                    "title": "Demo contact — not a real person",
                },
            )
        self.stdout.write(f"Example focal points (demo, example.org) for {members.count()} members.")

"""Make the local demo administrator, on the embedded SQLite default only.

A known password is fine on a developer's own machine and nowhere else, so the
command does nothing when DEBUG is off or the database is not the embedded SQLite.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "balitrack-demo-admin"


class Command(BaseCommand):
    help = "Create the demo administrator on the embedded SQLite default (never elsewhere)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG or connection.vendor != "sqlite":
            self.stdout.write("No demo administrator: this is not the embedded default (SQLite with DEBUG on).")
            return
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USERNAME).exists():
            user_model.objects.create_superuser(DEMO_USERNAME, "admin@example.org", DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                "BaliTrack admin: http://127.0.0.1:8000/admin/ — "
                f"sign in as {DEMO_USERNAME!r} with password {DEMO_PASSWORD!r} (local demo only)."
            )
        )

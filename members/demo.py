"""The embedded demo: what BaliTrack adds for someone trying it on their own machine."""

from django.conf import settings
from django.db import connection


def is_embedded_default() -> bool:
    """Known passwords and example people are fine on a developer's own machine and nowhere
    else: the embedded default, SQLite with DEBUG on."""
    return bool(settings.DEBUG) and connection.vendor == "sqlite"

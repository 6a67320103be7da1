from django.apps import AppConfig


class ApiConfig(AppConfig):
    """BaliTrack's record for other systems: the JSON API under /api/v1/, the personal
    tokens that reach it, and the calendar feeds. It reads every other app; none reads it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API and calendar feeds"

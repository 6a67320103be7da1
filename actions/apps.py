from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"

    def ready(self) -> None:
        from actions import record_version

        # Every change to the record invalidates the cached dashboard.
        record_version.connect()

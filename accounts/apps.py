from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Getting into accounts"

    def ready(self) -> None:
        from accounts import checks  # noqa: F401  (registers the deployment check)

        # The session clock starts at sign-in (a receiver of user_logged_in). Connected here,
        # at start-up, and not when the middleware is first loaded: a process whose first
        # sign-in came before its first request (a test's force_login, a shell) would
        # otherwise start the clock one request late and write the session once more.
        from balitrack import middleware  # noqa: F401

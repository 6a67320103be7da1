"""python manage.py create_api_token USERNAME --name NAME: a token for a script, printed once."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.keys import issue_key
from api.models import AccessKey


class Command(BaseCommand):
    help = "Make a personal API token for a user and print it once. It reads what the user may read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'Ministry dashboard'.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username!r}.")
        try:
            issued = issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name=name)  # type: ignore[arg-type]
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(f"Token “{issued.key.name}” for {username}. It is shown only now: keep it safe.")
        # The token alone on stdout, so a script can read it: TOKEN=$(manage.py create_api_token …)
        self.stdout.write(issued.secret)

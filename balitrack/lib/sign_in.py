"""How sign-in protection (django-axes) names the account a failed sign-in was for."""

from typing import Any

from axes.models import AccessAttempt
from django.http import HttpRequest

# Django's sign-in form passes any username to authenticate(), however long (its
# max_length only reaches the HTML attribute), and axes saves it in a column of this size:
# on PostgreSQL a longer name failed the insert, so the sign-in page answered 500.
USERNAME_COLUMN_LENGTH = AccessAttempt._meta.get_field("username").max_length or 255


def username_for_lockout(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username typed, cut to what axes can store. No account has a name that long,
    so two cut names counting as one account locks out nobody who could sign in."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    return None if username is None else str(username)[:USERNAME_COLUMN_LENGTH]

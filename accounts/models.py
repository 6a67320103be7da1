"""Getting into an account: failed sign-ins counted per address, and password-reset requests.

Both tables exist for throttles that must hold across every gunicorn worker and survive a
restart, which the per-process cache cannot and a Redis that is down would not; each is
pruned as it is written, so they hold about a day of rows at most.
"""

from django.db import models
from django.utils import timezone


class SignInFailure(models.Model):
    """One failed sign-in, counted against the address it came from, whatever the username.

    django-axes locks a (username, address) pair and forgets the pair's failures when it
    signs in; these rows are the slower ceiling per address, across usernames, that a
    successful sign-in does not reset. Attempts refused by a lock, without a password being
    checked, are not counted.
    """

    address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Every sign-in attempt: this address's failures in the last hour (read newest first).
            models.Index(name="accounts_failure_address_idx", fields=["address", "at"]),
            # Every failure: forgetting the failures older than the window.
            models.Index(name="accounts_failure_at_idx", fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.address}"


class PasswordResetRequest(models.Model):
    """One request for a password-reset link that the throttles let through.

    It is recorded, and the e-mail handed on, whether or not any account has the address, so
    that the request does the same work either way. Whoever sends the e-mail (the worker, or
    the request itself without one) first marks the row handled, so a task delivered twice
    sends once.
    """

    email = models.EmailField(help_text="The address a link was asked for, in lower case.")
    address = models.GenericIPAddressField(null=True, blank=True, help_text="Where the request came from.")
    at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Every request: links asked for this e-mail address in the last hour.
            models.Index(name="accounts_reset_email_idx", fields=["email", "at"]),
            # Every request: links asked for from this client address in the last hour.
            models.Index(name="accounts_reset_address_idx", fields=["address", "at"]),
            # Every request: forgetting requests older than a day.
            models.Index(name="accounts_reset_at_idx", fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.email}"

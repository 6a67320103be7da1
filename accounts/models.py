"""Getting into an account: failed sign-ins counted per address.

The table exists for a throttle that must hold across every gunicorn worker and survive a
restart, which the per-process cache cannot and a Redis that is down would not; it is
pruned as it is written, so it holds about an hour of rows.
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

"""Getting into an account: counting failed sign-ins, and how long a sign-in lock lasts."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings

from accounts.models import SignInFailure


def sign_in_failure_record(*, address: str, at: datetime.datetime) -> None:
    """Count one failed sign-in against its address, forgetting those the window has passed."""
    SignInFailure.objects.filter(at__lte=at - settings.SIGN_IN_ADDRESS_WINDOW).delete()
    SignInFailure.objects.create(address=address, at=at)


def sign_in_address_locked_until(*, address: str | None, now: datetime.datetime) -> datetime.datetime | None:
    """When the address may sign in again, if its failures in the window reached the ceiling.

    The lock lifts when the failure that made the count reach the limit leaves the window:
    the limit-th newest one. Attempts refused while locked are not counted, so no attempt
    made meanwhile moves that time.
    """
    if not address:
        return None
    limit, window = settings.SIGN_IN_ADDRESS_LIMIT, settings.SIGN_IN_ADDRESS_WINDOW
    # One row at most, read backwards along accounts_failure_address_idx.
    reached = (
        SignInFailure.objects.filter(address=address, at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[limit - 1 : limit]
    )
    return next((at + window for at in reached), None)


def sign_in_pair_locked_until(
    *, username: str | None, address: str | None, now: datetime.datetime
) -> datetime.datetime | None:
    """When this username may sign in again from this address, if django-axes has locked the pair.

    axes keeps a row per (username, address, browser) with its failure count and the time of
    its last failure, and counts the rows whose last failure is within AXES_COOLOFF_TIME: the
    pair is free again once enough of them age out to bring the count under the limit.
    """
    cool_off: datetime.timedelta = settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - cool_off
    ).order_by("-attempt_time")
    failures = 0
    for attempt_time, count in rows.values_list("attempt_time", "failures_since_start"):
        failures += count
        if failures >= settings.AXES_FAILURE_LIMIT:
            return attempt_time + cool_off
    return None

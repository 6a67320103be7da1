"""Getting into an account: how long a sign-in lock lasts, and asking for a reset link."""

import datetime
import logging
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import timezone

from accounts.models import PasswordResetRequest, SignInFailure

logger = logging.getLogger(__name__)

# How long a reset request is kept after the hour its throttles look at: long enough for a
# worker held up by a broker outage to find it, short enough that the table stays small.
RESET_REQUEST_RETENTION = datetime.timedelta(days=1)


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


@transaction.atomic
def password_reset_request(*, email: str, address: str | None) -> PasswordResetRequest | None:
    """Ask for a reset link for `email`, from the client at `address`.

    Refused (None, and logged) past PASSWORD_RESET_ADDRESS_LIMIT requests from one address or
    PASSWORD_RESET_EMAIL_LIMIT links for one e-mail address in PASSWORD_RESET_WINDOW. Otherwise
    the request is recorded and its e-mail handed on once the transaction commits, to the
    worker where there is one. The request never looks for the account: known and unknown
    addresses cost it the same queries, and the answer is the same.
    """
    email = email.lower()
    now = timezone.now()
    since = now - settings.PASSWORD_RESET_WINDOW
    if address and (
        PasswordResetRequest.objects.filter(address=address, at__gt=since).count()
        >= settings.PASSWORD_RESET_ADDRESS_LIMIT
    ):
        logger.warning(
            "Password reset refused for %s: %s already asked for %d links within %s.",
            *(email, address, settings.PASSWORD_RESET_ADDRESS_LIMIT, settings.PASSWORD_RESET_WINDOW),
        )
        return None
    if PasswordResetRequest.objects.filter(email=email, at__gt=since).count() >= settings.PASSWORD_RESET_EMAIL_LIMIT:
        logger.warning(
            "Password reset refused for %s (asked from %s): %d links already asked for it within %s.",
            *(email, address, settings.PASSWORD_RESET_EMAIL_LIMIT, settings.PASSWORD_RESET_WINDOW),
        )
        return None
    PasswordResetRequest.objects.filter(at__lt=now - RESET_REQUEST_RETENTION).delete()
    reset = PasswordResetRequest.objects.create(email=email, address=address, at=now)
    # Robust: a mail server or broker that fails after the commit is logged, and the visitor
    # still sees "check your e-mail", as for any other outcome.
    transaction.on_commit(lambda: _hand_on(reset.pk), robust=True)
    return reset


def _hand_on(request_id: int) -> None:
    if settings.PASSWORD_RESET_IN_WORKER:
        from accounts.tasks import send_password_reset  # the tasks module imports this one

        try:
            send_password_reset.delay(request_id)
            return
        except Exception:
            # The broker is down: send it now rather than lose it. This request then takes
            # longer for a known address than for an unknown one, as without a worker.
            logger.warning("Could not queue password reset %s; sending it in the request.", request_id, exc_info=True)
    password_reset_send(request_id=request_id)


def password_reset_send(*, request_id: int) -> None:
    """E-mail the reset link to every active account with the request's address (usually
    none or one), with links on SITE_URL, never on the Host a request named.

    The row is claimed first, so a task delivered twice sends once. A send that fails is
    logged by Django and not retried: the visitor can ask again.
    """
    claimed = PasswordResetRequest.objects.filter(pk=request_id, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )
    if not claimed:
        return
    email = PasswordResetRequest.objects.values_list("email", flat=True).get(pk=request_id)
    form = PasswordResetForm({"email": email})
    if not form.is_valid():  # it was valid when asked for; the form only needs cleaned_data
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        extra_email_context={"site_url": settings.SITE_URL},
    )

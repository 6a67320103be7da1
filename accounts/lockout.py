"""Sign-in protection: django-axes' lock per (username, address), BaliTrack's ceiling per
address, and the page that says when to try again.

Both rules apply to every sign-in form, BaliTrack's and the admin's alike, since both go
through django.contrib.auth.authenticate(), whose first backend asks this handler.
"""

import datetime
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.services import sign_in_address_locked_until, sign_in_failure_record, sign_in_pair_locked_until


class SignInLockoutHandler(AxesDatabaseHandler):
    """axes' database handler (the pair's failures, reset by a success), plus a ceiling on an
    address's failures across all usernames, which a success does not reset.

    An attempt refused by either lock never reaches the password check, and is not counted
    again: the lock ends when the lockout page says, however often the form is sent meanwhile.
    """

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return sign_in_address_locked_until(address=request.axes_ip_address, now=request.axes_attempt_time) is not None

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        # Set by axes' backend when a lock refused the attempt before any password was checked
        # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off).
        refused_by_lock = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_by_lock or not request.axes_ip_address:
            return
        sign_in_failure_record(address=request.axes_ip_address, at=request.axes_attempt_time)
        if sign_in_address_locked_until(address=request.axes_ip_address, now=request.axes_attempt_time):
            # This failure reached the ceiling: answer it with the lockout page, as axes does
            # the failure that reaches the pair's limit.
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_until(request: Any, credentials: dict[str, Any] | None, now: datetime.datetime) -> datetime.datetime:
    """When this sign-in may be tried again: the later of the two locks that hold."""
    address = request.axes_ip_address
    ends = [
        sign_in_pair_locked_until(username=get_client_username(request, credentials), address=address, now=now),
        sign_in_address_locked_until(address=address, now=now),
    ]
    held = [end for end in ends if end is not None]
    # Neither found (a row cleaned away between the check and this page): axes' cool-off.
    return max(held) if held else now + settings.AXES_COOLOFF_TIME


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE): 429, with when to try again, in Bangkok time
    on the page and in seconds in Retry-After."""
    now = timezone.now()
    until = locked_until(request, credentials, now)
    seconds = max(1, math.ceil((until - now).total_seconds()))
    context = {"until": until, "minutes": math.ceil(seconds / 60)}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

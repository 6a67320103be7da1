"""Request-wide rules for signed-in users: nothing of theirs is cached, and sessions end."""

import datetime
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

# However active, a session ends this long after signing in.
SESSION_LIFETIME = datetime.timedelta(hours=12)
SIGNED_IN_AT = "signed_in_at"


class SignedInPagesMiddleware:
    """No signed-in page is stored by a browser or proxy, and a session lasts 12 hours at most
    (idle sessions end sooner, by SESSION_COOKIE_AGE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            started = request.session.setdefault(SIGNED_IN_AT, now.isoformat())
            if now - datetime.datetime.fromisoformat(started) > SESSION_LIFETIME:
                logout(request)
                return redirect(f"{redirect('login').url}?next={request.path}")
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

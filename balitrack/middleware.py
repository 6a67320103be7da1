"""Request-wide rules: the headers every response carries; for signed-in users, nothing of
theirs is cached, and sessions end."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

# A session ends after this long without a request...
IDLE_LIMIT = datetime.timedelta(minutes=30)
# ...and this long after signing in, however active.
SESSION_LIFETIME = datetime.timedelta(hours=12)
# "Last seen" is written at most this often, so most requests write nothing.
SEEN_RESOLUTION = datetime.timedelta(minutes=1)
SIGNED_IN_AT, LAST_SEEN = "signed_in_at", "last_seen"

# Browser features BaliTrack never uses, denied to its pages and to anything they could
# frame ("()" allows no origin): sensors, camera and microphone, location, payment, devices
# (USB, serial, HID, MIDI), screen capture, and the advertising-interest APIs (FLoC's
# interest-cohort and the browsing-topics that replaced it). Printing the review report
# needs none of them. Only names Chromium knows: it warns in the console of every page about
# any other ("bluetooth" among them, checked with Chromium 156).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set, on every response.

    It sits above WhiteNoise, so the static files WhiteNoise answers pass back through it,
    as do error pages (404, the 500 handler's 500 and 503) and redirects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        # No other site may load BaliTrack's pages, scripts or stylesheet into its own
        # (Spectre-style reads of a signed-in response); BaliTrack itself loads nothing
        # from elsewhere.
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().isoformat()
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now


class SignedInPagesMiddleware:
    """No signed-in page is stored by a browser or proxy; idle and over-long sessions end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            signed_in_at = _moment(request.session.get(SIGNED_IN_AT), now)
            last_seen = _moment(request.session.get(LAST_SEEN), now)
            if now - last_seen > IDLE_LIMIT or now - signed_in_at > SESSION_LIFETIME:
                logout(request)
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= SEEN_RESOLUTION or SIGNED_IN_AT not in request.session:
                request.session[LAST_SEEN] = now.isoformat()
                request.session.setdefault(SIGNED_IN_AT, now.isoformat())
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def _moment(stamp: str | None, default: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.fromisoformat(stamp) if stamp else default


API_PATH = "/api/v1/"


class RejectNulBytesMiddleware:
    """A NUL character in an address or a form is never meant, and PostgreSQL refuses it in
    any query: answer 400 with a plain message before it reaches a view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *request.GET.keys(), *(v for _, vs in request.GET.lists() for v in vs)]
        if request.method == "POST":
            values += [*request.POST.keys(), *(v for _, vs in request.POST.lists() for v in vs)]
        if any("\x00" in value for value in values):
            message = "This address or form contains a character BaliTrack cannot read (NUL). Nothing was saved."
            if request.path.startswith(API_PATH):  # programs read the API's refusals as JSON
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

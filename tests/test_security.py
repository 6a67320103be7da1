"""Headers, cookies and sessions: what every response says, and when a session ends."""

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.browser_forms import form_data

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
REGISTER = reverse("actions:register")


def _csp(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_response_carries_the_security_headers(client, co_chair_user, signed_in):
    if signed_in:
        client.force_login(co_chair_user)

    response = client.get(reverse("login"))

    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert (policy["object-src"], policy["base-uri"], policy["frame-ancestors"]) == ("'none'", "'none'", "'none'")
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "encrypted-media=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), interest-cohort=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
STYLESHEET = "/static/balitrack/balitrack.css"


def _answer(kind: str, co_chair_user) -> tuple[int, dict[str, str]]:
    """One response of each kind BaliTrack gives, as the browser receives it."""
    client = Client(raise_request_exception=False)
    if kind == "sign-in page":
        response = client.get(reverse("login"))
    elif kind == "redirect to sign in":
        response = client.get(REGISTER)
    elif kind == "static file":
        response = client.get(STYLESHEET)
    else:
        client.force_login(co_chair_user)
        if kind == "signed-in page":
            response = client.get(REGISTER)
        elif kind == "404":
            response = client.get(reverse("actions:detail", args=[999999]))
        elif kind == "500":
            with mock.patch("actions.views.ActionRegisterView.get_queryset", side_effect=ValueError("bug")):
                response = client.get(REGISTER)
        else:
            with mock.patch(
                "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
                side_effect=OperationalError("could not connect to server"),
            ):
                response = client.get(REGISTER)
    return response.status_code, dict(response.headers)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("sign-in page", 200),
        ("redirect to sign in", 302),
        ("signed-in page", 200),
        ("static file", 200),
        ("404", 404),
        ("500", 500),
        ("503", 503),
    ],
)
def test_every_response_denies_unused_browser_features_and_other_sites_loading_it(co_chair_user, kind, status):
    answered, headers = _answer(kind, co_chair_user)

    assert answered == status
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_not_offered_to_every_other_site(client):
    response = client.get(STYLESHEET)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_csrf_cookie_is_out_of_reach_of_scripts(client):
    response = client.get(reverse("login"))

    cookie = response.cookies["csrftoken"]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


def test_no_script_served_reads_cookies():
    # With the CSRF cookie HttpOnly, a script that read the token from it would fail: every
    # script BaliTrack serves, its own and the admin's, must take it from the form instead.
    scripts = [path for finder in finders.get_finders() for path, _storage in finder.list([]) if path.endswith(".js")]
    # Swagger UI (the API's docs) has cookie code of its own for APIs signed in by cookie; it
    # never needs the CSRF token: its requests send a Bearer token, which asks for none.
    readers = [
        path
        for path in scripts
        if not path.startswith("drf_spectacular_sidecar/")
        and re.search(r"document\.cookie|csrftoken", Path(finders.find(path)).read_text(encoding="utf-8"))
    ]

    assert "balitrack/count.js" in scripts and "admin/js/change_form.js" in scripts
    assert readers == []


def test_the_admin_saves_a_form_with_the_token_the_form_carries(secretariat_user):
    # What a browser can do once the cookie is HttpOnly: send the token the page gave it.
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user)
    url = reverse("admin:members_forum_add")
    rendered = form_data(client.get(url).text, form_id="forum_form")

    response = client.post(url, rendered | {"code": ["TF"], "name": ["Test Forum"]})

    assert response.status_code == 302
    assert client.post(url, {"code": ["TG"], "name": ["No token"]}).status_code == 403


def test_signed_in_pages_are_never_stored(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(REGISTER)

    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}


def test_session_cookie_is_http_only_and_lax(client, co_chair_user):
    response = client.post(reverse("login"), {"username": "james", "password": "correct horse battery staple"})

    cookie = response.cookies["sessionid"]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


def test_session_ends_after_thirty_idle_minutes(client, co_chair_user):
    start = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(co_chair_user)
        assert client.get(REGISTER).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(REGISTER).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=False):
        assert client.get(REGISTER).status_code == 302


def test_session_ends_after_twelve_hours_however_active(client, co_chair_user):
    start = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(co_chair_user)
        client.get(REGISTER)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(REGISTER).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={REGISTER}"


def test_deactivating_a_user_ends_their_sessions(client, co_chair_user):
    client.force_login(co_chair_user)
    co_chair_user.is_active = False
    co_chair_user.save(update_fields=["is_active"])

    assert client.get(REGISTER).status_code == 302


def test_passwords_need_twelve_characters(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "Short1pass!",
            "new_password2": "Short1pass!",
        },
    )

    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()


def test_production_settings_pass_djangos_deployment_checks():
    # The test process allows async-unsafe calls for Playwright; production must not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "balitrack.example.org",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr

"""Headers, cookies and sessions: what every response says, and when a session ends."""

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

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

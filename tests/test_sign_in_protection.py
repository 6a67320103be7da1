"""Guessing passwords: five failures lock an account or an address for fifteen minutes."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
START = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)


def _sign_in(client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    UserFactory(username="siti")
    with time_machine.travel(START, tick=False):
        failures = [_sign_in(client, "siti", "wrong guess").status_code for _ in range(5)]

        locked = _sign_in(client, "siti", PASSWORD)

    # The fifth failure already answers with the lockout page.
    assert failures == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Too many failed attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Every refused attempt is logged, the one made while locked included.
    assert AccessAttempt.objects.get(username="siti").failures_since_start == 6


def test_one_address_guessing_many_accounts_is_locked_too(client):
    UserFactory(username="siti")
    with time_machine.travel(START, tick=False):
        for number in range(5):
            _sign_in(client, f"guess{number}", "wrong", address="198.51.100.7")

        locked = _sign_in(client, "siti", PASSWORD, address="198.51.100.7")
        elsewhere = _sign_in(client, "siti", PASSWORD, address="203.0.113.5")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302  # the account itself was not the one guessed at


def test_the_lock_lifts_after_fifteen_minutes(client):
    UserFactory(username="siti")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            _sign_in(client, "siti", "wrong guess")
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        response = _sign_in(client, "siti", PASSWORD)

    assert response.status_code == 302


def test_four_failures_then_success_start_the_count_again(client):
    UserFactory(username="siti")
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            _sign_in(client, "siti", "wrong guess")
        assert _sign_in(client, "siti", PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            _sign_in(client, "siti", "wrong guess")

        assert _sign_in(client, "siti", PASSWORD).status_code == 302


def test_a_username_longer_than_any_account_is_refused_and_counted(client):
    # Django's form hands any length to authenticate(); axes keeps 255 characters of it.
    with time_machine.travel(START, tick=False):
        responses = [_sign_in(client, "x" * 10_000, "0").status_code for _ in range(5)]

    assert responses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().username == "x" * 255


def test_signing_in_gives_a_new_session_key(client):
    UserFactory(username="siti")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    _sign_in(client, "siti", PASSWORD)

    assert client.session.session_key != before

"""Asking for a password-reset link: throttled per client address and per e-mail address,
the same work whether or not an account has the address, and links on SITE_URL only."""

import datetime
import logging
import re
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import PasswordResetRequest
from accounts.services import password_reset_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
DONE = reverse("password_reset_done")
START = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)
SITE = "https://balitrack.example.org"


@pytest.fixture(autouse=True)
def sent_in_the_request(settings):
    """Without a worker, as on the embedded default: the e-mail goes once the request commits."""
    settings.PASSWORD_RESET_IN_WORKER = False
    settings.SITE_URL = SITE


@pytest.fixture
def siti(db):
    return UserFactory(username="siti", email="siti@example.org")


def _ask(email: str, *, address: str = "203.0.113.5", host: str = "testserver"):
    return Client(REMOTE_ADDR=address, HTTP_HOST=host).post(RESET, {"email": email})


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1:9999"])
def test_the_emailed_link_is_on_site_url_whatever_host_the_request_named(
    siti, settings, django_capture_on_commit_callbacks, host
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask("siti@example.org", host=host)

    assert response["Location"] == DONE
    (message,) = mail.outbox
    (link,) = re.findall(r"\S+/accounts/reset/\S+", message.body)
    assert link.startswith(f"{SITE}/accounts/reset/")
    assert host not in message.body


def test_the_fourth_link_for_one_address_within_an_hour_is_not_sent(siti, django_capture_on_commit_callbacks, caplog):
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        # From four different places, so that only the e-mail address's own throttle applies.
        answers = [
            _ask("Siti@Example.org" if n == 3 else "siti@example.org", address=f"203.0.113.{n}") for n in range(4)
        ]
    sent_in_the_hour = len(mail.outbox)
    with (
        time_machine.travel(START + datetime.timedelta(minutes=60, seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _ask("siti@example.org", address="203.0.113.9")

    # The refused request reveals nothing: the same page as every other.
    assert [answer["Location"] for answer in answers] == [DONE] * 4
    assert sent_in_the_hour == 3
    assert len(mail.outbox) == 4
    assert [record.getMessage() for record in caplog.records if record.name == "accounts.services"] == [
        "Password reset refused for siti@example.org (asked from 203.0.113.3): 3 links already asked for it "
        "within 1:00:00."
    ]


def test_the_eleventh_request_from_one_address_within_an_hour_sends_nothing(django_capture_on_commit_callbacks, caplog):
    for number in range(11):
        UserFactory(username=f"officer{number}")
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        answers = [_ask(f"officer{number}@example.org", address="198.51.100.7") for number in range(11)]
        elsewhere = _ask("officer10@example.org", address="203.0.113.5")

    assert [answer["Location"] for answer in [*answers, elsewhere]] == [DONE] * 12
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [f"officer{number}@example.org" for number in range(10)] + ["officer10@example.org"]
    )
    assert [record.getMessage() for record in caplog.records if record.name == "accounts.services"] == [
        "Password reset refused for officer10@example.org: 198.51.100.7 already asked for 10 links within 1:00:00."
    ]


def test_the_throttle_counts_the_client_behind_the_proxy(settings, django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(11):
        UserFactory(username=f"officer{number}")
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        # Ten from the attacker, however many addresses it writes in the header itself...
        for number in range(10):
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7").post(
                RESET, {"email": f"officer{number}@example.org"}
            )
        # ...do not stop another client of the same proxy.
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5").post(
            RESET, {"email": "officer10@example.org"}
        )

    assert len(mail.outbox) == 11
    assert set(PasswordResetRequest.objects.values_list("address", flat=True)) == {"198.51.100.7", "203.0.113.5"}


def _queries_of_a_request(email: str, address: str) -> list[str]:
    client = Client(REMOTE_ADDR=address)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(RESET, {"email": email})
    assert response["Location"] == DONE
    # The same statements with different values: compare them without their literals (and
    # savepoints' generated names).
    return [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", query["sql"]) for query in queries.captured_queries]


def test_known_and_unknown_addresses_cost_the_request_the_same_queries_and_send_nothing_in_it(
    siti, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_IN_WORKER = True
    with (
        mock.patch("accounts.tasks.send_password_reset.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        known = _queries_of_a_request("siti@example.org", "203.0.113.5")
        unknown = _queries_of_a_request("nobody@example.org", "203.0.113.6")

    assert known == unknown
    # SAVEPOINT for the audit middleware's transaction (the test's own holds it) and for the
    # service's; requests from this address in the hour; links for this e-mail address in the
    # hour; forgetting day-old requests; recording this one; the two RELEASEs. No account is
    # looked up: that is the worker's business.
    assert len(known) == 8
    assert not any("auth_user" in query for query in known)
    requests = PasswordResetRequest.objects.order_by("pk")
    assert delay.call_args_list == [mock.call(requests[0].pk), mock.call(requests[1].pk)]
    assert mail.outbox == []


def test_the_worker_sends_the_link_to_a_known_address_once_even_if_delivered_twice(siti):
    reset = PasswordResetRequest.objects.create(email="siti@example.org", address="203.0.113.5")

    password_reset_send(request_id=reset.pk)
    password_reset_send(request_id=reset.pk)

    (message,) = mail.outbox
    assert message.to == ["siti@example.org"]
    assert re.search(rf"^{re.escape(SITE)}/accounts/reset/\S+/$", message.body, re.MULTILINE)


def test_the_worker_sends_nothing_for_an_unknown_address():
    reset = PasswordResetRequest.objects.create(email="nobody@example.org", address="203.0.113.5")

    password_reset_send(request_id=reset.pk)

    assert mail.outbox == []
    reset.refresh_from_db()
    assert reset.handled_at is not None


def test_a_broker_that_is_down_sends_the_link_from_the_request(
    siti, settings, django_capture_on_commit_callbacks, caplog
):
    settings.PASSWORD_RESET_IN_WORKER = True
    down = mock.patch("accounts.tasks.send_password_reset.delay", side_effect=ConnectionRefusedError)
    with down, django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.WARNING):
        response = _ask("siti@example.org")

    assert response["Location"] == DONE
    assert [message.to for message in mail.outbox] == [["siti@example.org"]]
    reset = PasswordResetRequest.objects.get()
    assert f"Could not queue password reset {reset.pk}; sending it in the request." in caplog.messages


def test_requests_older_than_a_day_are_forgotten(siti, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        _ask("siti@example.org")
    with (
        time_machine.travel(START + datetime.timedelta(days=1, seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _ask("siti@example.org")

    assert list(PasswordResetRequest.objects.values_list("at", flat=True)) == [
        START + datetime.timedelta(days=1, seconds=1)
    ]

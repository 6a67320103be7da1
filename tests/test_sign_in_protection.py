"""Guessing passwords behind BaliTrack's HTTPS proxy.

Five failures lock one username at one address for fifteen minutes; thirty failures from one
address within an hour, whatever the usernames, lock that address. Every request here comes
as gunicorn sees it behind the proxy: REMOTE_ADDR is the proxy's, and the client's address is
the last one in X-Forwarded-For, which the proxy appended (TRUSTED_PROXY_COUNT=1).
"""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import SignInFailure
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
# 09:00 in Bangkok.
START = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)
LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")

PROXY = "10.0.0.2"  # the HTTPS proxy, which every request reaches gunicorn from
SITI_AT = "203.0.113.5"  # Siti's office
SITI_ON_THE_ROAD = "203.0.113.99"
ATTACKER_AT = "198.51.100.7"


class ProxiedClient(Client):
    """A browser at `address`, as gunicorn sees it behind the proxy."""

    def __init__(self, address: str, *, sent: str | None = None) -> None:
        # `sent` is an X-Forwarded-For the browser itself sent, which the proxy appends to.
        forwarded = f"{sent}, {address}" if sent else address
        super().__init__(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    def sign_in(self, username: str, password: str, path: str = LOGIN) -> int:
        data = {"username": username, "password": password}
        if path == ADMIN_LOGIN:
            data["next"] = reverse("admin:index")
        return self.post(path, data).status_code


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Hundreds of sign-ins: a fast hasher, set before any account is made. What is counted
    # and locked does not depend on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def siti(db):
    return UserFactory(username="siti")


def test_an_attackers_failures_do_not_lock_out_the_user_they_guess_at(siti):
    attacker, office = ProxiedClient(ATTACKER_AT), ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        made_up = [attacker.sign_in(f"guess{number}", "wrong") for number in range(5)]
        at_siti = [attacker.sign_in("siti", "wrong") for _ in range(5)]
        attacker_with_the_password = attacker.sign_in("siti", PASSWORD)

        siti_signs_in = office.sign_in("siti", PASSWORD)
        signed_in_as = office.session.get("_auth_user_id")

    assert made_up == [200, 200, 200, 200, 200]
    assert at_siti == [200, 200, 200, 200, 429]
    # The pair (siti, the attacker's address) is locked, even with the right password...
    assert attacker_with_the_password == 429
    # ...and Siti, at her own address, is not.
    assert (siti_signs_in, signed_in_as) == (302, str(siti.pk))


def test_a_users_own_failures_lock_only_that_username_at_that_address(siti):
    UserFactory(username="james")
    office = ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        failures = [office.sign_in("siti", "wrong guess") for _ in range(5)]

        same_pair = office.sign_in("siti", PASSWORD)
        siti_elsewhere = ProxiedClient(SITI_ON_THE_ROAD).sign_in("siti", PASSWORD)
        colleague_in_the_office = ProxiedClient(SITI_AT).sign_in("james", PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert (same_pair, siti_elsewhere, colleague_in_the_office) == (429, 302, 302)
    # Counted under the client's address, never the proxy's.
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("siti", SITI_AT, 5)
    ]


def test_thirty_failures_from_one_address_lock_it_and_a_success_between_does_not_reset_the_count(siti):
    UserFactory(username="mallory")  # the attacker has an account of their own
    attacker = ProxiedClient(ATTACKER_AT)
    with time_machine.travel(START, tick=False):
        first = [attacker.sign_in(f"guess{number}", "wrong") for number in range(15)]
        assert attacker.sign_in("mallory", PASSWORD) == 302
        attacker.post(reverse("logout"))
        then = [attacker.sign_in(f"guess{number}", "wrong") for number in range(15, 30)]

        mallory_again = attacker.sign_in("mallory", PASSWORD)
        siti_in_her_office = ProxiedClient(SITI_AT).sign_in("siti", PASSWORD)

    assert first == [200] * 15
    # The thirtieth failure reaches the ceiling and is answered with the lockout page.
    assert then == [200] * 14 + [429]
    assert mallory_again == 429
    assert siti_in_her_office == 302
    assert SignInFailure.objects.filter(address=ATTACKER_AT).count() == 30


def test_attempts_refused_by_a_lock_check_no_password_and_count_for_nothing(siti):
    office = ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            office.sign_in("siti", "wrong guess")

        refused = [office.sign_in("siti", "wrong again") for _ in range(40)]

    assert set(refused) == {429}
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert SignInFailure.objects.count() == 5
    # The audit trail still records every one of them.
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED, ip_address=SITI_AT).count() == 45


def test_the_lockout_page_says_when_to_try_again_in_bangkok_time(siti):
    office = ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            office.sign_in("siti", "wrong guess")
        locked = office.post(LOGIN, {"username": "siti", "password": "wrong guess"})
    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        still = office.post(LOGIN, {"username": "siti", "password": PASSWORD})
    with time_machine.travel(START + datetime.timedelta(minutes=15, seconds=1), tick=False):
        after = office.sign_in("siti", PASSWORD)

    assert (locked.status_code, locked["Retry-After"]) == (429, "900")
    page = locked.content.decode()
    assert "signing in is paused until <strong>09:15 Bangkok time</strong> (27 November 2026), in 15 minutes." in page
    # Trying again meanwhile does not move the time.
    assert (still.status_code, still["Retry-After"]) == (429, "300")
    assert "until <strong>09:15 Bangkok time</strong> (27 November 2026), in 5 minutes." in still.content.decode()
    assert after == 302


def test_an_address_lock_lifts_when_the_failure_that_reached_the_ceiling_is_an_hour_old(siti):
    attacker = ProxiedClient(ATTACKER_AT)
    with time_machine.travel(START, tick=False):
        for number in range(10):
            attacker.sign_in(f"early{number}", "wrong")
    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        for number in range(20):
            attacker.sign_in(f"late{number}", "wrong")
        locked = attacker.post(LOGIN, {"username": "siti", "password": PASSWORD})
    with time_machine.travel(START + datetime.timedelta(minutes=59), tick=False):
        a_minute_early = attacker.sign_in("siti", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=60, seconds=1), tick=False):
        on_time = attacker.sign_in("siti", PASSWORD)

    # The 30th newest failure was made at 09:00: the lock ends an hour after it.
    assert (locked.status_code, locked["Retry-After"]) == (429, "1800")
    assert "until <strong>10:00 Bangkok time</strong> (27 November 2026), in 30 minutes." in locked.content.decode()
    assert (a_minute_early, on_time) == (429, 302)


def test_addresses_the_browser_put_in_front_of_the_proxys_are_ignored(siti):
    # The attacker sends X-Forwarded-For naming Siti's office; the proxy appends the address
    # it really saw, and only that one is read.
    attacker = ProxiedClient(ATTACKER_AT, sent=SITI_AT)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attacker.sign_in("siti", "wrong")

        siti_signs_in = ProxiedClient(SITI_AT).sign_in("siti", PASSWORD)

    assert siti_signs_in == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER_AT]


def test_a_spoofed_forwarded_for_changes_nothing_without_a_trusted_proxy(siti, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    # Straight to gunicorn, naming Siti's office in a header nobody trusts.
    attacker = Client(REMOTE_ADDR=ATTACKER_AT, HTTP_X_FORWARDED_FOR=SITI_AT)
    with time_machine.travel(START, tick=False):
        failures = [attacker.post(LOGIN, {"username": "siti", "password": "wrong"}).status_code for _ in range(5)]

        siti_signs_in = Client(REMOTE_ADDR=SITI_AT).post(LOGIN, {"username": "siti", "password": PASSWORD})

    assert failures == [200, 200, 200, 200, 429]
    assert siti_signs_in.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER_AT]
    assert set(AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).values_list("ip_address", flat=True)) == {
        ATTACKER_AT
    }


def test_the_admins_sign_in_obeys_the_same_rules(siti):
    UserFactory(username="administrator", is_staff=True, is_superuser=True)
    attacker = ProxiedClient(ATTACKER_AT)
    with time_machine.travel(START, tick=False):
        at_the_admin = [attacker.sign_in("administrator", "wrong", ADMIN_LOGIN) for _ in range(5)]
        # The administrator, at their own desk, is not locked out by that.
        admin_signs_in = ProxiedClient(SITI_AT).post(
            ADMIN_LOGIN, {"username": "administrator", "password": PASSWORD, "next": reverse("admin:index")}
        )
        # The per-address ceiling counts both forms together.
        more = [attacker.sign_in(f"guess{number}", "wrong", ADMIN_LOGIN) for number in range(15)]
        more += [attacker.sign_in(f"other{number}", "wrong", LOGIN) for number in range(10)]
        on_either_form = (attacker.sign_in("siti", PASSWORD, ADMIN_LOGIN), attacker.sign_in("siti", PASSWORD, LOGIN))

    assert at_the_admin == [200, 200, 200, 200, 429]
    assert (admin_signs_in.status_code, admin_signs_in["Location"]) == (302, reverse("admin:index"))
    assert more == [200] * 24 + [429]
    assert on_either_form == (429, 429)


def test_the_audit_trail_names_the_client_behind_the_proxy(siti):
    ProxiedClient(ATTACKER_AT).sign_in("siti", "wrong")
    ProxiedClient(SITI_AT, sent="192.0.2.250").sign_in("siti", PASSWORD)

    events = AuditEvent.objects.filter(kind__in=[AuditEvent.Kind.SIGN_IN_FAILED, AuditEvent.Kind.SIGNED_IN])
    assert list(events.order_by("pk").values_list("kind", "ip_address")) == [
        (AuditEvent.Kind.SIGN_IN_FAILED, ATTACKER_AT),
        (AuditEvent.Kind.SIGNED_IN, SITI_AT),
    ]


def test_the_lock_lifts_after_fifteen_minutes(siti):
    office = ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            office.sign_in("siti", "wrong guess")
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        response = office.sign_in("siti", PASSWORD)

    assert response == 302


def test_four_failures_then_success_start_the_pairs_count_again(siti):
    office = ProxiedClient(SITI_AT)
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            office.sign_in("siti", "wrong guess")
        assert office.sign_in("siti", PASSWORD) == 302
        office.logout()
        for _ in range(4):
            office.sign_in("siti", "wrong guess")

        assert office.sign_in("siti", PASSWORD) == 302


def test_a_username_longer_than_any_account_is_refused_and_counted():
    attacker = ProxiedClient(ATTACKER_AT)
    with time_machine.travel(START, tick=False):
        responses = [attacker.sign_in("x" * 10_000, "0") for _ in range(5)]

    # Django's form hands any length to authenticate(); axes keeps 255 characters of it.
    assert responses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().username == "x" * 255


def test_signing_in_gives_a_new_session_key(siti):
    office = ProxiedClient(SITI_AT)
    office.get(LOGIN)
    office.session.save()
    before = office.session.session_key

    office.sign_in("siti", PASSWORD)

    assert office.session.session_key != before

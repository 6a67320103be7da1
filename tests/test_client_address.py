"""Whose address a request is counted under: REMOTE_ADDR, or the one the trusted proxies saw."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import RequestFactory

from balitrack.lib.client_address import client_address

PROJECT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"


def _address(settings, proxies: int, forwarded_for: str | None, remote: str = PROXY) -> str | None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(request)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # Nothing trusted in front: the header is whatever the client wrote.
        (0, "203.0.113.5", PROXY),
        (0, None, PROXY),
        # One proxy: the address it appended, whatever the client put before it.
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1,198.51.100.7", "198.51.100.7"),
        # Two proxies (a CDN, then the HTTPS proxy): the second from the right.
        (2, "192.0.2.1, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
        # IPv6 is read and written the one way PostgreSQL and the admin show it.
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded_for, expected):
    assert _address(settings, proxies, forwarded_for) == expected


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (1, None),  # not sent at all
        (1, ""),
        (1, "203.0.113.5, "),  # the proxy's own entry is empty
        (1, "203.0.113.5, unknown"),  # a proxy that writes "unknown"
        (1, "203.0.113.5, 198.51.100.7:4431"),  # with a port: not what the proxy writes
        (1, "fe80::1%eth0"),  # an interface of the proxy's machine, which PostgreSQL refuses
        (2, "203.0.113.5"),  # shorter than the chain of proxies: nothing trusted wrote it
    ],
)
def test_a_header_that_is_missing_short_or_malformed_falls_back_to_remote_addr(settings, proxies, forwarded_for):
    # Never to an address further left, which the client chose.
    assert _address(settings, proxies, forwarded_for) == PROXY


def test_no_address_at_all_is_none(settings):
    assert _address(settings, 0, None, remote="") is None


def test_the_deployment_check_says_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    untrusted = [message.id for message in checks.run_checks(include_deployment_checks=True)]
    settings.TRUSTED_PROXY_COUNT = 1
    trusted = [message.id for message in checks.run_checks(include_deployment_checks=True)]

    assert "accounts.I001" in untrusted
    assert "accounts.I001" not in trusted


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "TRUSTED_PROXY_COUNT must be 0 or more, not -1."),
        ("one", "TRUSTED_PROXY_COUNT must be a whole number, not 'one'."),
    ],
)
def test_an_unreadable_proxy_count_is_refused_not_guessed(value, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**os.environ, "TRUSTED_PROXY_COUNT": value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert message in result.stderr

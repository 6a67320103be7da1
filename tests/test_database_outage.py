"""PostgreSQL going away under a running production server, for real: gunicorn (DEBUG off)
reaches the database through a proxy on loopback that the test cuts and restores, so the
shared PostgreSQL itself is never stopped.

While the database is cut, every page answers BaliTrack's 503 page within five seconds;
once it is back, the same server process answers again, without a restart.
"""

import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


class CuttableProxy:
    """A TCP proxy to PostgreSQL. `cut()` drops every connection and then accepts new ones
    without ever answering, as a database host that has gone silent; `restore()` forwards
    again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forwarding = True
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.forwarding = False
            for sock in self.open:
                _close(sock)
            self.open = []

    def restore(self) -> None:
        with self.lock:
            self.forwarding = True
            for sock in self.open:  # the silent ones
                _close(sock)
            self.open = []

    def close(self) -> None:
        self.cut()
        _close(self.listener)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.open.append(client)
                if not self.forwarding:
                    continue  # held open, never answered
                upstream = socket.create_connection(self.target)
                self.open.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Browser:
    """Just enough of a browser for a server behind an HTTPS proxy: every request says it
    came over HTTPS, so the server's Secure cookies are kept here by hand."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        headers["Referer"] = f"https://127.0.0.1:{self.port}/accounts/login/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text, time.monotonic() - started

    def sign_in(self, username: str, password: str) -> int:
        _, page, _ = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        form = f"csrfmiddlewaretoken={token.group(1)}&username={username}&password={password.replace(' ', '+')}"
        status, _, _ = self.request("POST", "/accounts/login/", form)
        return status


@pytest.fixture
def server_behind_proxy(tmp_path) -> Iterator[tuple[CuttableProxy, Browser, subprocess.Popen]]:
    if connection.vendor != "postgresql":
        pytest.skip("The outage test needs PostgreSQL: run with DATABASE_URL on PostgreSQL.")
    database = connection.settings_dict
    proxy = CuttableProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@127.0.0.1:{proxy.port}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    # The release step: with DEBUG off, pages name their static files by the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=PROJECT, env=env, check=True
    )
    log = (tmp_path / "gunicorn.log").open("w")
    command = [sys.executable, "-m", "gunicorn", "balitrack.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    browser = Browser(port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            browser.request("GET", "/accounts/login/")
            break
        except OSError:
            time.sleep(0.2)
    yield proxy, browser, process
    process.terminate()
    process.wait(timeout=20)
    proxy.close()
    log.close()


def test_database_cut_gives_a_503_within_five_seconds_and_the_same_server_recovers(server_behind_proxy, co_chair_user):
    proxy, browser, server = server_behind_proxy
    assert browser.sign_in(co_chair_user.username, PASSWORD) == 302
    assert browser.request("GET", "/actions/")[0] == 200

    proxy.cut()
    # The first request finds its kept connection dropped; the next waits for a database
    # that never answers, up to the connect timeout (3 s).
    during = [browser.request("GET", path) for path in ("/actions/", "/dashboard/", "/members/")]
    proxy.restore()
    after = browser.request("GET", "/actions/")

    assert [status for status, _, _ in during] == [503, 503, 503]
    assert max(seconds for _, _, seconds in during) < 5
    for _, page, _ in during:
        assert "BaliTrack cannot reach its database just now." in page
        assert "Traceback" not in page and "psycopg2" not in page
    assert after[0] == 200
    assert server.poll() is None  # the same process, never restarted

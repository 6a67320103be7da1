"""What the benchmark and the load run share: the production server, signing in through
the real form, a small cookie-keeping HTTP client, wrk, and BENCHMARKS.md sections.

Everything here talks to 127.0.0.1 only.
"""

import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
HOST = "127.0.0.1"


def server_environment(database_url: str, port: int) -> dict[str, str]:
    """Production settings for loopback: DEBUG off, a private key, and nothing sent anywhere.

    The server believes it sits behind BaliTrack's HTTPS proxy: every request carries
    X-Forwarded-Proto: https, as the README asks of production proxies, so the HTTPS
    redirect and the Secure cookies stay exactly as in production.
    """
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        SITE_URL=f"https://{HOST}:{port}",
        # Review reminders are timed, not delivered.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PORT=str(port),
        # One signed-in user sends every request of a run: the API's limit per user (300 a
        # minute) would answer most of them 429, which would time the refusal, not the page.
        API_RATE_LIMIT="1000000/minute",
        PYTHONPATH=str(ROOT),
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the server's settings (for counting queries)."""
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")})
    os.environ["EMAIL_BACKEND"] = env["EMAIL_BACKEND"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balitrack.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def procfile_web_command(port: int) -> list[str]:
    """The Procfile's web process, bound to loopback rather than every interface."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            command = line.removeprefix("web:").strip()
            break
    else:
        raise SystemExit("Procfile has no web process.")
    command = command.replace("0.0.0.0:${PORT:-8000}", f"{HOST}:{port}")
    return ["sh", "-c", f"exec {command}"]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    command: list[str]

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def collect_static(env: dict[str, str]) -> None:
    """The Procfile's release step, less migrate: the benchmark never changes the schema
    of a shared database (run.py reports migrations not applied instead)."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)


@contextmanager
def production_server(env: dict[str, str], port: int, log_path: Path) -> Iterator[Server]:
    """gunicorn as the Procfile starts it (run collect_static first)."""
    python = str(Path(sys.executable))
    command = procfile_web_command(port)
    path_env = dict(env, PATH=f"{Path(python).parent}:{env.get('PATH', '')}")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=path_env, stdout=log, stderr=subprocess.STDOUT)
        server = Server(process, port, command)
        try:
            _wait_until_up(server)
            yield server
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.process.returncode}; see its log.")
        try:
            connection = http.client.HTTPConnection(HOST, server.port, timeout=5)
            connection.request("GET", "/accounts/login/", headers=PROXY_HEADERS)
            if connection.getresponse().status == 200 and len(server.worker_pids()) > 0:
                time.sleep(1)  # let every worker finish booting
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s.")


# What BaliTrack's HTTPS proxy adds to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One signed-in user: keeps the cookies (Secure ones too, since the proxy is HTTPS)
    and one keep-alive connection, as a browser would."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0
    # The X-Forwarded-For the HTTPS proxy would send for this user (the proxy appends the
    # address it saw); None sends none, as when the proxy is not in front.
    forwarded_for: str | None = None
    _connection: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.port}"

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = dict(PROXY_HEADERS, Host=f"{HOST}:{self.port}")
        if self.forwarded_for is not None:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=headers)
                raw = self._connection.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn closed an idle keep-alive connection; a browser opens a new one.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            for header, value in raw.getheaders():
                if header.lower() == "set-cookie":
                    self._keep(value)
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)
        raise AssertionError("unreachable")

    def _keep(self, set_cookie: str) -> None:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(set_cookie)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def csrf_token(self) -> str:
        return self.cookies["csrftoken"]

    def sign_in(self, username: str, password: str) -> None:
        """Through the real sign-in form: its CSRF token, then the POST."""
        page = self.request("GET", "/accounts/login/")
        token = form_value(page.text, "csrfmiddlewaretoken")
        answer = self.request(
            "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in as {username} failed (HTTP {answer.status}).")


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    if match is None:
        raise ValueError(f"No {name} field in the page.")
    return match.group(1)


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed if it is missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: apt-get install wrk")
    print("Installing wrk from Debian's packages...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    )
    return shutil.which("wrk") or "wrk"


def write_section(name: str, markdown: str) -> None:
    """Replace the generated section `name` of BENCHMARKS.md, keeping everything else."""
    begin, end = f"<!-- {name}: generated, begin -->", f"<!-- {name}: generated, end -->"
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# BaliTrack benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text)


def save_json(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]

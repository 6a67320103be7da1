"""Does asking for a password-reset link take as long for an address with an account as for
one without? If not, the time answers what the page is careful never to say.

    python bench/reset_timing.py                  # 20 requests of each kind, through gunicorn
    python bench/reset_timing.py --in-process     # without REDIS_URL: e-mails sent in the request

It builds its own database, `balitrack_reset_timing` (dropped and created again: it holds
nothing else), with one account per request, and starts gunicorn as the Procfile does
(DEBUG off, on loopback, behind the HTTPS proxy it assumes, TRUSTED_PROXY_COUNT=1). Each
request comes from an address of its own and asks for a different address, so no throttle
refuses any of them: what is timed is the work of a request that is accepted. Requests for
known and unknown addresses alternate, so a slow moment of the machine hits both alike.

With REDIS_URL (the default here: Redis database 12), the e-mails are queued on a queue of
this run's own that no worker reads, and the queue is deleted at the end. E-mails go to
Django's in-memory backend: a real SMTP server would only widen any difference.

It prints the median and spread of each kind and writes bench/results/reset_timing.json.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    RESULTS,
    ROOT,
    Browser,
    collect_static,
    form_value,
    percentile,
    production_server,
    save_json,
    server_environment,
    setup_django,
)

DATABASE = "balitrack_reset_timing"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/12"


def main() -> None:
    parser = argparse.ArgumentParser(description="Time password-reset requests for known and unknown addresses.")
    parser.add_argument("--requests", type=int, default=20, help="Requests of each kind (default 20).")
    parser.add_argument("--port", type=int, default=8769)
    parser.add_argument("--in-process", action="store_true", help="No REDIS_URL: e-mails are sent in the request.")
    args = parser.parse_args()

    url = f"{POSTGRES}/{DATABASE}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    env = server_environment(url, args.port)
    queue = f"reset-timing-{secrets.token_hex(4)}"
    env.pop("REDIS_URL", None)
    if not args.in_process:
        env.update(REDIS_URL=REDIS, CELERY_QUEUE=queue)
    env["TRUSTED_PROXY_COUNT"] = "1"
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(env)
    collect_static(env)
    known = make_accounts(args.requests)

    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    with production_server(env, args.port, RESULTS / "gunicorn-reset-timing.log"):
        for number in range(args.requests):
            pairs = [("known", known[number]), ("unknown", f"nobody-{number}@example.org")]
            for kind, email in pairs if number % 2 == 0 else reversed(pairs):
                client = f"198.51.{100 + number // 100}.{number % 100 * 2 + (kind == 'unknown') + 1}"
                timings[kind].append(ask_for_link(args.port, email, client))
    if not args.in_process:
        # The queue and the bindings kombu made for it: nothing else of this run is in Redis.
        keys = subprocess.run(
            ["redis-cli", "-u", REDIS, "--scan", "--pattern", f"*{queue}*"], check=True, capture_output=True, text=True
        ).stdout.split()
        if keys:
            subprocess.run(["redis-cli", "-u", REDIS, "del", *keys], check=True, capture_output=True)

    result = {
        "requests of each kind": args.requests,
        "e-mails": "sent in the request (no REDIS_URL)" if args.in_process else "queued for a worker (REDIS_URL)",
        **{kind: _spread(seconds) for kind, seconds in timings.items()},
    }
    save_json("reset_timing.json", result)
    for key, value in result.items():
        print(f"{key}: {value}")


def make_accounts(count: int) -> list[str]:
    from django.contrib.auth.models import User

    emails = [f"reset-timing-{number}@example.org" for number in range(count)]
    for email in emails:
        user = User(username=email.split("@")[0], email=email)
        user.set_password(secrets.token_urlsafe(18))
        user.save()
    return emails


def ask_for_link(port: int, email: str, client: str) -> float:
    """One visitor: the form for its CSRF token, then the POST, which alone is timed."""
    browser = Browser(port, timeout=30, forwarded_for=client)
    page = browser.request("GET", "/accounts/password_reset/")
    token = form_value(page.text, "csrfmiddlewaretoken")
    answer = browser.request("POST", "/accounts/password_reset/", {"csrfmiddlewaretoken": token, "email": email})
    browser.close()
    if answer.status != 302 or not answer.headers.get("location", "").endswith("/accounts/password_reset/done/"):
        raise SystemExit(f"Asking for a link for {email} answered HTTP {answer.status}.")
    return answer.seconds


def _spread(seconds: list[float]) -> dict[str, float]:
    milliseconds = [value * 1000 for value in seconds]
    return {
        "median_ms": round(statistics.median(milliseconds), 1),
        "p90_ms": round(percentile(milliseconds, 0.9), 1),
        "min_ms": round(min(milliseconds), 1),
        "max_ms": round(max(milliseconds), 1),
    }


if __name__ == "__main__":
    if "DATABASE_URL" in os.environ:
        del os.environ["DATABASE_URL"]  # this script's database is its own
    main()

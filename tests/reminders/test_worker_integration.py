"""A real Celery worker, a real Redis broker and a real SMTP server on loopback.

Runs where PostgreSQL and Redis are there to share with a worker process (CI); skipped,
saying why, on the embedded SQLite default.
"""

import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from balitrack.celery import app as celery_app
from members.models import Member
from reminders.models import Reminder
from reminders.services import reminders_scan
from reminders.tasks import SendQueue
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
STEERING_GROUP = ["AU", "ID", "NZ", "TH", "IOM", "UNHCR"]


class Inbox:
    """An SMTP server's handler: keeps every message, and refuses the first one to `flaky`."""

    def __init__(self, flaky: str) -> None:
        self.messages: list[tuple[str, str]] = []
        self.flaky, self.refused = flaky, 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.flaky in envelope.rcpt_tos and not self.refused:
                self.refused += 1
                return "451 4.3.0 Try again later"
            subject = next(line[9:] for line in envelope.content.decode().splitlines() if line.startswith("Subject: "))
            self.messages += [(to, subject) for to in envelope.rcpt_tos]
        return "250 OK"


def _services_missing() -> str:
    if connection.vendor != "postgresql":
        return "the worker needs a database it can share: run with DATABASE_URL on PostgreSQL"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return f"no Redis at {settings.REDIS_URL}"
    return ""


@pytest.fixture
def smtp_inbox():
    inbox = Inbox(flaky="th@example.org")
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def worker(smtp_inbox, tmp_path):
    missing = _services_missing()
    if missing:
        pytest.skip(f"Integration test skipped: {missing}.")
    _, port = smtp_inbox
    queue = f"balitrack-test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "REMINDER_RETRY_BACKOFF_SECONDS": "1",
        "CELERY_QUEUE": queue,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "balitrack",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=PROJECT,
        env=env,
        # A file, not a pipe: a chatty worker must never block on a full pipe.
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    process.log = tmp_path / "worker.log"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield process
    celery_app.conf.task_default_queue = previous_queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until(condition, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def test_worker_delivers_one_message_per_recipient_through_smtp_even_after_a_refusal(record, worker, smtp_inbox):
    inbox, _ = smtp_inbox
    for code in STEERING_GROUP:
        FocalPointFactory(member=Member.objects.get(code=code), email=f"{code.lower()}@example.org")

    first = reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
    expected = Reminder.objects.count()
    delivered = _wait_until(lambda: Reminder.objects.filter(state=Reminder.State.SENT).count() == expected)
    second = reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())

    assert delivered, worker.log.read_text()
    reviews = sorted(to for to, subject in inbox.messages if subject.startswith("Bali Process strategy review"))
    assert reviews == sorted(f"{code.lower()}@example.org" for code in STEERING_GROUP)
    assert len(inbox.messages) == len(set(inbox.messages)) == expected
    assert inbox.refused == 1  # Thailand's first delivery was refused, then retried once
    assert Reminder.objects.get(kind="review", recipient="th@example.org").attempts == 2
    assert (len(first.queued), second.queued) == (expected, [])

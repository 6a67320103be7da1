"""A real Celery worker, a real Redis broker and a real SMTP server on loopback.

Runs where PostgreSQL and Redis are there to share with a worker process (CI); skipped,
saying why, on the embedded SQLite default.
"""

import asyncio
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from balitrack.celery import app as celery_app
from members.models import Member
from reminders.models import Reminder
from reminders.services import reminders_scan
from reminders.tasks import SendQueue
from tests.celery_services import services_missing
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
STEERING_GROUP = ["AU", "ID", "NZ", "TH", "IOM", "UNHCR"]


class Inbox:
    """An SMTP server's handler: keeps every message, and refuses the first one to `flaky`.

    With `hold`, the first message to that address is held unanswered (the worker sending
    it waits, as on a slow mail server) until `released` is set, then refused: a message
    whose sender died meanwhile is never delivered.
    """

    def __init__(self, flaky: str, hold: str = "") -> None:
        self.messages: list[tuple[str, str]] = []
        self.flaky, self.refused = flaky, 0
        self.hold, self.holding, self.released = hold, threading.Event(), threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold in envelope.rcpt_tos and not self.holding.is_set():
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.1)  # the server's loop goes on serving others
            return "451 4.3.0 Sender gone"
        with self.lock:
            if self.flaky in envelope.rcpt_tos and not self.refused:
                self.refused += 1
                return "451 4.3.0 Try again later"
            subject = next(line[9:] for line in envelope.content.decode().splitlines() if line.startswith("Subject: "))
            self.messages += [(to, subject) for to in envelope.rcpt_tos]
        return "250 OK"


@pytest.fixture
def smtp_inbox(request):
    inbox = Inbox(flaky="th@example.org", hold=getattr(request, "param", ""))
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    inbox.released.set()
    controller.stop()


@pytest.fixture
def start_worker(smtp_inbox, tmp_path):
    """Starts Celery workers on a queue of this test's own; stops them all at the end."""
    missing = services_missing()
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
        "REMINDER_CLAIM_LEASE_SECONDS": "4",
        "CELERY_QUEUE": queue,
    }
    started: list[subprocess.Popen] = []

    def start(name: str = "worker") -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
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
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        process.log = log  # type: ignore[attr-defined]  # where the test reads what the worker said
        started.append(process)
        return process

    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield start
    celery_app.conf.task_default_queue = previous_queue
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def worker(start_worker):
    return start_worker()


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


@pytest.mark.parametrize("smtp_inbox", ["nz@example.org"], indirect=True)
def test_a_worker_killed_mid_send_loses_no_reminder_and_sends_none_twice(record, start_worker, smtp_inbox):
    inbox, _ = smtp_inbox
    for code in STEERING_GROUP:
        FocalPointFactory(member=Member.objects.get(code=code), email=f"{code.lower()}@example.org")
    first_worker = start_worker("first")

    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
    expected = Reminder.objects.count()
    assert inbox.holding.wait(timeout=90), first_worker.log.read_text()
    # Killed while New Zealand's message is on the wire: no chance to release its claim.
    first_worker.send_signal(signal.SIGKILL)
    first_worker.wait(timeout=20)
    inbox.released.set()
    # The reminder it was sending (New Zealand's review reminder or digest) is left claimed.
    held = Reminder.objects.filter(recipient="nz@example.org", claimed_until__isnull=False)
    new_zealand = held.get(state=Reminder.State.PENDING)
    stranded = Reminder.objects.exclude(state=Reminder.State.SENT).count()

    second_worker = start_worker("second")

    # The next scans queue what is pending; New Zealand's once its claim has lapsed. A
    # reminder queued twice is claimed once.
    deadline = time.monotonic() + 90
    while (delivered := _all_sent(expected)) is False and time.monotonic() < deadline:
        reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
        _wait_until(lambda: _all_sent(expected), timeout=2)

    assert delivered, second_worker.log.read_text()
    assert stranded >= 1
    reviews = sorted(to for to, subject in inbox.messages if subject.startswith("Bali Process strategy review"))
    assert reviews == sorted(f"{code.lower()}@example.org" for code in STEERING_GROUP)
    assert len(inbox.messages) == len(set(inbox.messages)) == expected
    assert Reminder.objects.get(pk=new_zealand.pk).attempts == 2


def _all_sent(expected: int) -> bool:
    return Reminder.objects.filter(state=Reminder.State.SENT).count() == expected

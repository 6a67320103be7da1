"""The review report's print version made by a real Celery worker, through a real Redis
broker, as tests/reminders/test_worker_integration.py runs the reminders' worker.

Runs where PostgreSQL and Redis are there to share with a worker process (CI); skipped,
saying why, on the embedded SQLite default.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from actions import report_views
from actions.models import ActionUpdate
from actions.review_print import ReviewPrint
from balitrack.celery import app as celery_app
from tests.celery_services import services_missing
from tests.factories import ActionFactory, InitiativeFactory, StrategyFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    """A Celery worker on a queue of this test's own, stopped at the end."""
    missing = services_missing()
    if missing:
        pytest.skip(f"Integration test skipped: {missing}.")
    queue = f"balitrack-test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
    }
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "balitrack", "worker", "--pool=solo", "-Q", queue]
    process = subprocess.Popen(
        [*command, "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=PROJECT,
        env=env,
        stdout=log.open("w"),  # a file, not a pipe: a chatty worker must never block on a full pipe
        stderr=subprocess.STDOUT,
    )
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield log
    celery_app.conf.task_default_queue = previous_queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_makes_the_print_version_the_page_then_links_to(client, co_chair_user, worker, monkeypatch):
    monkeypatch.setattr(report_views, "INLINE_DETAIL_LIMIT", 5)
    strategy = StrategyFactory(endorsed_on=datetime.date(2014, 8, 6), review_interval_months=12)
    initiative = InitiativeFactory(theme=ThemeFactory(strategy=strategy))
    for number in range(1, 9):
        action = ActionFactory(initiative=initiative, number=number)
        ActionUpdate.objects.create(
            action=action,
            recorded_at=datetime.datetime(2015, 3, 1, 2, tzinfo=datetime.UTC),
            status="in_progress",
            progress=30,
            note=f"Under way, action {number}.",
        )
    client.force_login(co_chair_user)
    url = reverse("dashboard:review", args=[2015])

    client.post(reverse("dashboard:review-print", args=[2015]))

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not ReviewPrint.objects.filter(status=ReviewPrint.Status.DONE).exists():
        time.sleep(0.25)
    (job,) = ReviewPrint.objects.all()
    assert job.status == ReviewPrint.Status.DONE, worker.read_text()
    assert 'href="/reports/review/2015/print/">Print version</a>' in client.get(url).content.decode()
    html = client.get(reverse("dashboard:review-print", args=[2015])).content.decode()
    assert all(f"Under way, action {number}." in html for number in range(1, 9))

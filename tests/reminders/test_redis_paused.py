"""Redis paused: pages and status updates carry on, the reminder scan leaves its sends
pending without hanging, and the next scan once Redis answers again queues them all.

Needs a real Redis (it is paused with CLIENT PAUSE, which stalls every client the way a
stuck server does); CI has one. Skipped, saying why, where there is none.
"""

import datetime
import time
import uuid

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from actions.models import Action, ActionUpdate
from balitrack.celery import app as celery_app
from reminders.models import Reminder
from reminders.services import reminders_scan
from reminders.tasks import SendQueue

pytestmark = pytest.mark.django_db

PAUSE_MS = 8000
NOTE = "Recorded while Redis was paused."
SIXTY_DAYS_BEFORE = datetime.datetime(2015, 6, 7, 2, tzinfo=datetime.UTC)


@pytest.fixture
def broker():
    control = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
    try:
        control.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {settings.REDIS_URL} to pause")
    queue = f"balitrack-test-{uuid.uuid4().hex[:8]}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield control, queue
    celery_app.conf.task_default_queue = previous_queue
    _wait_until_answering(control)
    control.delete(queue)
    # The dashboard's cache leaves Redis alone for half a minute after a failure; the tests
    # that follow must find it answering again, as the next request after that would.
    vars(caches["dashboard"]).pop("_down_until", None)


def _wait_until_answering(control: redis.Redis) -> None:
    for _ in range(PAUSE_MS // 100 + 50):
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2).ping()
            return
        except redis.RedisError:
            time.sleep(0.1)
    raise AssertionError("Redis did not come back")


def _still_paused() -> bool:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2).ping()
    except redis.TimeoutError:
        return True
    return False


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=True)
def test_with_redis_paused_pages_and_updates_work_and_the_next_scan_catches_up(
    broker, focal_points, secretariat_user, co_chair_user, caplog, django_capture_on_commit_callbacks
):
    control, queue = broker
    action = Action.objects.order_by("pk").first()
    officer, co_chair = Client(), Client()
    officer.force_login(secretariat_user)
    co_chair.force_login(co_chair_user)

    control.execute_command("CLIENT", "PAUSE", PAUSE_MS, "ALL")
    dashboard = co_chair.get(reverse("dashboard:index"))
    register = co_chair.get(reverse("actions:register"))
    update = officer.post(
        reverse("actions:update-status", args=[action.pk]),
        {
            "status": "in_progress",
            "progress": "30",
            "note": "Recorded while Redis was paused.",
            "version": action.version,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        paused_scan = reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
    answered_while_paused = _still_paused()

    assert (dashboard.status_code, register.status_code, update.status_code) == (200, 200, 302)
    assert ActionUpdate.objects.filter(note=NOTE).count() == 1
    pending = Reminder.objects.count()
    assert len(paused_scan.created) == pending > 0
    assert "Could not queue reminder" in caplog.text
    assert set(Reminder.objects.values_list("state", flat=True)) == {"pending"}
    assert answered_while_paused, "the requests outlasted the pause, so they did not show Redis paused"

    _wait_until_answering(control)
    with django_capture_on_commit_callbacks(execute=True):
        next_scan = reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())

    assert len(next_scan.queued) == pending
    assert control.llen(queue) == pending

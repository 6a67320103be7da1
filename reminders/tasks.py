"""Celery tasks: thin, idempotent, taking ids. The work is in reminders.services."""

import logging
import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reminders.services import reminder_send, reminders_scan

logger = logging.getLogger(__name__)


@shared_task
def scan_reminders() -> dict[str, Any]:
    """The daily scan (beat): record what is due and queue each sendable reminder."""
    result = reminders_scan(today=timezone.localdate(), dispatch=queue_send)
    return {
        "created": len(result.created),
        "queued": len(result.queued),
        "members_without_focal_point": [member.code for member in result.members_without_focal_point],
    }


def queue_send(reminder_id: int) -> None:
    """Queue the send once the scan's rows are committed, so the worker can see them."""
    transaction.on_commit(lambda: _publish(reminder_id))


def _publish(reminder_id: int) -> None:
    try:
        send_reminder.delay(reminder_id)
    except Exception:
        # The row stays pending and unclaimed; the next scan queues it again.
        logger.warning("Could not queue reminder %s; the next scan will try again.", reminder_id, exc_info=True)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.REMINDER_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=3600,
    max_retries=5,
)
def send_reminder(self: Any, reminder_id: int) -> str:
    return reminder_send(reminder_id=reminder_id)

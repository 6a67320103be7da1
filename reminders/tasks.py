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
    result = reminders_scan(today=timezone.localdate(), dispatch=SendQueue())
    return {
        "created": len(result.created),
        "queued": len(result.queued),
        "members_without_focal_point": [member.code for member in result.members_without_focal_point],
    }


class SendQueue:
    """One scan's sends, each queued once the scan's rows are committed, so the worker can
    see them.

    A broker that is down or paused makes each publish wait for its socket timeout; after
    the first failure the rest of the scan's sends are not tried, rather than each waiting
    in turn. Their rows stay pending and unclaimed, and the next scan queues them again.
    """

    def __init__(self) -> None:
        self.broker_failed = False

    def __call__(self, reminder_id: int) -> None:
        transaction.on_commit(lambda: self._publish(reminder_id))

    def _publish(self, reminder_id: int) -> None:
        if self.broker_failed:
            return
        try:
            send_reminder.delay(reminder_id)
        except Exception:
            self.broker_failed = True
            logger.warning(
                "Could not queue reminder %s; it and the rest of this scan stay pending for the next scan.",
                reminder_id,
                exc_info=True,
            )


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

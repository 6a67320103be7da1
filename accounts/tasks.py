"""Celery tasks: thin, taking ids. The work is in accounts.services."""

from celery import shared_task

from accounts.services import password_reset_send


@shared_task
def send_password_reset(request_id: int) -> None:
    """E-mail the link a visitor asked for, away from the request, so that the request takes
    as long for an address with no account as for one with an account."""
    password_reset_send(request_id=request_id)

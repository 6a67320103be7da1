"""Celery tasks: thin, idempotent, taking ids. The work is in actions.review_print."""

from celery import shared_task

from actions.review_print import PRINT_TIME_LIMIT, review_print_build


@shared_task(
    acks_late=True,
    # Rendering a report of 100,000 actions takes about half a minute; ten minutes means
    # something is wrong. The hard limit kills a worker the soft one could not stop.
    soft_time_limit=PRINT_TIME_LIMIT.total_seconds(),
    time_limit=PRINT_TIME_LIMIT.total_seconds() + 30,
)
def build_review_print(print_id: int) -> str:
    """Make the print version of one review report (a duplicate claims nothing and does nothing)."""
    return review_print_build(print_id=print_id)

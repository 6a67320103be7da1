"""The print version of a review report too large to build inside a request: made by a
worker (actions.tasks.build_review_print), stored, and served as it was made.

One row per (strategy, year, record version): a change to the record gives it a new token
(actions.record_version), so a print made before the change is never offered after it.
Rows are written with bulk_create and QuerySet.update only: they are not part of the
record, and a save() would send the signal that replaces the record's token, making every
print out of date the moment it is stored.
"""

import datetime
import logging
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    # Not imported when run: actions.models imports this module to register the model.
    from actions.models import Strategy

logger = logging.getLogger(__name__)

# A build running longer than this is given up (the task's soft time limit), and a row left
# building that long by a worker that died may be claimed again.
PRINT_TIME_LIMIT = datetime.timedelta(minutes=10)


class ReviewPrint(models.Model):
    """The print version of one annual review's report, as the record stood at one version."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Being made"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    strategy = models.ForeignKey("actions.Strategy", on_delete=models.CASCADE, related_name="review_prints")
    year = models.PositiveSmallIntegerField()
    record_version = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    html = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    # Set by the worker that claims the build; a conditional update, so only one claims it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One build per (year, record version): the page looks a print up by these, down this index.
            models.UniqueConstraint(
                name="actions_reviewprint_unique_version",
                fields=["strategy", "year", "record_version"],
            ),
        ]

    def __str__(self) -> str:
        return f"Print of the annual review {self.year} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        """Queued or being made, and not given up: the page says it is being prepared."""
        since = self.claimed_at or self.requested_at
        return self.status in (self.Status.QUEUED, self.Status.BUILDING) and since >= timezone.now() - PRINT_TIME_LIMIT


def review_print_for(*, strategy: "Strategy", year: int, version: str) -> ReviewPrint | None:
    """The print of this review at this version of the record, without its HTML, if asked for."""
    return ReviewPrint.objects.filter(strategy=strategy, year=year, record_version=version).defer("html").first()


def review_print_request(*, strategy: "Strategy", year: int, version: str) -> ReviewPrint:
    """Ask for the print of this review at this version of the record, and queue its build
    once the request commits, unless it is made or being made. Asking twice queues it at
    most once more; the build's claim makes a duplicate task do nothing."""
    now = timezone.now()
    rows = ReviewPrint.objects.filter(strategy=strategy, year=year, record_version=version)
    # Two requests at once may both find no row and both queue a build: the build's claim
    # makes the second task do nothing.
    queue = not rows.exists()
    if queue:
        ReviewPrint.objects.bulk_create(
            [ReviewPrint(strategy=strategy, year=year, record_version=version, requested_at=now)],
            ignore_conflicts=True,
        )
    # A failed build, one whose worker died (still "building" past the time limit) or one never
    # taken off a queue that was down, is asked for again.
    stuck = Q(status=ReviewPrint.Status.QUEUED, requested_at__lt=now - PRINT_TIME_LIMIT)
    queue |= bool(
        rows.filter(Q(status=ReviewPrint.Status.FAILED) | _abandoned(now) | stuck).update(
            status=ReviewPrint.Status.QUEUED, requested_at=now, claimed_at=None
        )
    )
    job = rows.defer("html").get()
    if queue:
        transaction.on_commit(lambda: _queue(job.pk), robust=True)
    return job


def _queue(print_id: int) -> None:
    from actions.tasks import build_review_print  # the tasks module imports this one

    build_review_print.delay(print_id)


def _abandoned(now: datetime.datetime) -> Q:
    return Q(status=ReviewPrint.Status.BUILDING, claimed_at__lt=now - PRINT_TIME_LIMIT)


def review_print_build(*, print_id: int) -> str:
    """Make the print version of one review: claim it (a conditional update, so a duplicate
    or retried task, or a second worker, does nothing), render every action with every update
    of the period, and store it. Returns what happened, for the worker's log."""
    from actions.review import full_review_report, review_period, review_summary
    from actions.schedule import strategy_schedule

    now = timezone.now()
    claimed = (
        ReviewPrint.objects.filter(pk=print_id)
        .filter(Q(status=ReviewPrint.Status.QUEUED) | _abandoned(now))
        .update(status=ReviewPrint.Status.BUILDING, claimed_at=now)
    )
    if not claimed:
        return "not claimed: made, being made, or gone"
    job = ReviewPrint.objects.select_related("strategy").defer("html").get(pk=print_id)
    ours = ReviewPrint.objects.filter(pk=print_id, status=ReviewPrint.Status.BUILDING, claimed_at=now)
    try:
        # The print's own strategy, current or superseded: each keeps its reports.
        schedule = strategy_schedule(today=timezone.localdate(), slug=job.strategy.slug)
        period = review_period(schedule=schedule, year=job.year) if schedule else None
        if period is None or schedule is None:
            ours.update(status=ReviewPrint.Status.FAILED)
            return "failed: no such review in the strategy"
        report = full_review_report(period)
        made_at = timezone.localtime()
        html = render_to_string(
            "actions/review_report_print.html",
            {
                "period": period,
                "summary": review_summary(period),
                "detail": report.themes,
                "made_at": made_at,
            },
        )
    except Exception:
        ours.update(status=ReviewPrint.Status.FAILED)
        logger.exception("Could not make the print of the annual review %s (print %s).", job.year, print_id)
        raise
    if not ours.update(status=ReviewPrint.Status.DONE, html=html, made_at=made_at):
        return "dropped: the build was claimed again meanwhile"
    # Earlier versions' prints are no longer offered: keep their rows, not their pages.
    ReviewPrint.objects.filter(strategy=job.strategy, year=job.year).exclude(pk=print_id).exclude(html="").update(
        html=""
    )
    return f"made: {len(html):,} characters"

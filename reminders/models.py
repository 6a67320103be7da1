"""Reminders of the strategy's annual review, and digests to the members who lead actions.

The reminder rows are the source of truth for "exactly once": a row is made once per
(review, recipient, offset) or (member, month, recipient) by unique constraints, and a
send claims its row with a conditional UPDATE before the e-mail leaves.
"""

import datetime

from django.db import models
from django.db.models import Q

from actions.models import Review
from members.models import FocalPoint, Member


class Reminder(models.Model):
    """One e-mail to one person: a review reminder at one offset, or one month's digest."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Annual review reminder"
        DIGEST = "digest", "Monthly digest to a lead member"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Delivered to the mail server"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders")
    # Days before the review's due date; zero or negative once it is due (weekly while overdue).
    offset_days = models.SmallIntegerField(null=True, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="digests", help_text="For a digest."
    )
    month = models.DateField(null=True, blank=True, help_text="For a digest: the first day of its month.")
    recipient = models.EmailField(help_text="Lower-cased, so one person is one recipient.")
    focal_point = models.ForeignKey(
        FocalPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # A send holds its row until then; a worker that dies lets the claim lapse and the next
    # scan queues the row again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                name="reminders_reminder_once_per_offset",
                fields=["review", "recipient", "offset_days"],
                condition=Q(kind="review"),
            ),
            models.UniqueConstraint(
                name="reminders_reminder_one_digest_a_month",
                fields=["member", "month", "recipient"],
                condition=Q(kind="digest"),
            ),
            models.CheckConstraint(
                name="reminders_reminder_kind_fields",
                condition=(
                    Q(kind="review", review__isnull=False, offset_days__isnull=False)
                    | Q(kind="digest", member__isnull=False, month__isnull=False)
                ),
            ),
        ]
        indexes = [
            # The scan re-queues pending reminders whose claim has lapsed.
            models.Index(name="reminders_pending_idx", fields=["state", "claimed_until"]),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.REVIEW:
            return f"{self.review}: {self.offset_label} to {self.recipient}"
        return f"Digest for {self.member}, {self.month:%B %Y}, to {self.recipient}"

    @property
    def offset_label(self) -> str:
        if self.offset_days is None:
            return ""
        if self.offset_days > 0:
            return f"{self.offset_days} days before"
        if self.offset_days == 0:
            return "due today"
        # The weekly reminder's own week, not the day's count: the review is this many whole
        # weeks overdue on the day it goes and for six days after, as the dashboard's days say.
        weeks = -self.offset_days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''} overdue"

    def is_claimable(self, now: datetime.datetime) -> bool:
        return self.state == self.State.PENDING and (self.claimed_until is None or self.claimed_until < now)

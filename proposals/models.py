"""Status updates that members propose for the actions they carry, and what the Secretariat
made of each: accepted into the action's history, or returned with a reason."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from actions.models import Action, ActionUpdate
from members.models import Member


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> "ProposalQuerySet":
        return self.filter(state=Proposal.State.PENDING)

    def returned_unanswered(self) -> "ProposalQuerySet":
        """Returned proposals their member has not followed with a newer one on the same action."""
        later = Proposal.objects.filter(
            action=OuterRef("action"), member=OuterRef("member"), proposed_at__gt=OuterRef("proposed_at")
        )
        return self.filter(state=Proposal.State.RETURNED).exclude(Exists(later))

    def for_queue(self) -> "ProposalQuerySet":
        """The Secretariat's queue: pending proposals, oldest first, with the action as it
        stands now (to show a proposal the action has moved on from as a conflict)."""
        return (
            self.pending()
            .select_related("action__initiative__theme", "member", "proposed_by")
            .order_by("proposed_at", "pk")
        )


class Proposal(models.Model):
    """A status update a member's focal point proposes for an action its member carries (or
    the Secretariat proposes on the member's behalf), waiting for the Secretariat to accept
    or return it."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending review"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned"

    # Both looked up through the indexes below, which begin with them.
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="proposals", db_index=False)
    # The member the proposal speaks for.
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="proposals", db_index=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_made")
    # Set when a Secretariat officer proposed it for the member (a closing they were told of).
    on_behalf = models.BooleanField(default=False, help_text="Proposed by the Secretariat on the member's behalf.")
    proposed_at = models.DateTimeField()
    # The action's version when the form was opened: a proposal the action has moved on from
    # is shown as a conflict in the queue, never applied over the newer update unseen.
    based_on_version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Action.Status.choices)
    progress = models.PositiveSmallIntegerField()
    target_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=500, blank=True, help_text="A link to a report or other evidence.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # The history row an accepted proposal became: the history names the proposer from it.
    accepted_update = models.OneToOneField(
        ActionUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        permissions = [("review_proposal", "Can accept or return proposed updates")]
        constraints = [
            models.UniqueConstraint(
                name="proposals_proposal_one_pending_per_member",
                fields=["action", "member"],
                condition=Q(state="pending"),
                violation_error_message="This member already has a proposal pending for this action.",
            ),
            models.CheckConstraint(
                name="proposals_proposal_progress_range",
                condition=Q(progress__lte=100),
                violation_error_message="Progress is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                name="proposals_proposal_completed_is_100",
                condition=~Q(status="completed") | Q(progress=100),
                violation_error_message="A completed action is 100% done.",
            ),
            models.CheckConstraint(
                name="proposals_proposal_review_matches_state",
                condition=(
                    Q(state="pending", reviewed_by__isnull=True, accepted_update__isnull=True)
                    | Q(state="accepted", reviewed_by__isnull=False, accepted_update__isnull=False)
                    | (
                        Q(state="returned", reviewed_by__isnull=False, accepted_update__isnull=True)
                        & ~Q(return_reason="")
                    )
                ),
                violation_error_message=(
                    "A pending proposal has no reviewer; an accepted one names its history row, "
                    "a returned one its reason."
                ),
            ),
        ]
        indexes = [
            # The queue (oldest first) and the pending count in the navigation and on the dashboard.
            models.Index(name="proposals_pending_idx", fields=["proposed_at"], condition=Q(state="pending")),
            # The action page reads every proposal of its action; the digest counts a member's.
            models.Index(name="proposals_action_idx", fields=["action", "member", "proposed_at"]),
            models.Index(name="proposals_member_state_idx", fields=["member", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.member}'s proposal for {self.action_id}: {self.get_status_display()}, {self.progress}%"

    def clean(self) -> None:
        if self.status == Action.Status.COMPLETED and self.progress != 100:
            raise ValidationError({"progress": "A completed action is 100% done."})

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def closes(self) -> bool:
        return self.status in Action.CLOSED_STATUSES

    @property
    def is_stale(self) -> bool:
        """The action has been updated since the proposal was made (read from the action loaded with it)."""
        return self.action.version != self.based_on_version

"""Writes of proposed updates: making one, accepting it into the history, returning it."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Action, ActionUpdate
from actions.services import NOTHING_CHANGED, ActionChangedMeanwhile, action_record_update
from members.models import Member
from members.roles import Role, display_name
from proposals.models import Proposal

CLOSING_IS_THE_LEADS = (
    "Only a member that leads this action proposes closing it (completed or discontinued); "
    "propose its progress instead, or ask the lead member."
)


class ProposalAlreadyReviewed(Exception):
    """Someone accepted or returned the proposal first."""

    def __init__(self, proposal: Proposal) -> None:
        reviewer = display_name(proposal.reviewed_by, acting_as=Role.SECRETARIAT) if proposal.reviewed_by else "Someone"
        when = timezone.localtime(proposal.reviewed_at) if proposal.reviewed_at else None
        super().__init__(
            f"{reviewer} {proposal.get_state_display().lower()} this proposal"
            + (f" on {when:%-d %B %Y, %H:%M}" if when else "")
            + "; nothing more was done."
        )
        self.proposal = proposal


def _pending_message(pending: Proposal) -> str:
    when = timezone.localtime(pending.proposed_at)
    return (
        f"{pending.member}'s proposal of {when:%-d %B %Y, %H:%M} for this action is still waiting for the "
        "Secretariat: it is accepted or returned before another is made. Nothing was saved."
    )


@transaction.atomic
def proposal_submit(
    *,
    action: Action,
    proposer: User,
    member: Member,
    on_behalf: bool,
    leading: bool,
    status: str,
    progress: int,
    target_date: datetime.date | None,
    note: str,
    evidence_url: str,
    based_on_version: int,
) -> Proposal:
    """Record a proposal for the Secretariat's queue. The action row is locked, so the version
    checked is the one the proposal is based on, and two proposals sent at once for one member
    cannot both be pending (the constraint proposals_proposal_one_pending_per_member backs it).

    Refused, with nothing saved: a form opened on an older version (ActionChangedMeanwhile, as on
    the action page), a second pending proposal for the member, a closing proposed by a member
    that does not lead the action (`leading`), and a proposal that changes nothing and says nothing.
    """
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.version != based_on_version:
        latest = locked.updates.select_related("author").order_by("-recorded_at").first()
        raise ActionChangedMeanwhile(locked, latest)
    pending = Proposal.objects.pending().filter(action=locked, member=member).first()
    if pending is not None:
        raise ValidationError({NON_FIELD_ERRORS: [_pending_message(pending)]})
    if status in Action.CLOSED_STATUSES and status != locked.status and not leading:
        raise ValidationError({"status": [CLOSING_IS_THE_LEADS]})
    unchanged = (locked.status, locked.progress, locked.target_date) == (status, progress, target_date)
    if unchanged and not note.strip():
        raise ValidationError({NON_FIELD_ERRORS: [NOTHING_CHANGED]})
    proposal = Proposal(
        action=locked,
        member=member,
        proposed_by=proposer,
        on_behalf=on_behalf,
        proposed_at=timezone.now(),
        based_on_version=based_on_version,
        status=status,
        progress=progress,
        target_date=target_date,
        note=note,
        evidence_url=evidence_url,
    )
    # The constraints are checked by the database below; validating them here would ask for
    # the pending proposal again.
    proposal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as error:  # another request made the member's pending proposal meanwhile
        raise ValidationError(
            {NON_FIELD_ERRORS: [_pending_message(Proposal.objects.pending().get(action=locked, member=member))]}
        ) from error
    return proposal


def _claim(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("reviewed_by").get(pk=proposal.pk)
    if not locked.is_pending:
        raise ProposalAlreadyReviewed(locked)
    return locked


@transaction.atomic
def proposal_accept(*, proposal: Proposal, officer: User, expected_version: int) -> ActionUpdate:
    """Apply the proposal as a status update recorded by `officer`, through the action's own
    service and its version check: `expected_version` is the action's version the officer saw
    beside the proposal, so an action updated meanwhile is refused (ActionChangedMeanwhile) and
    a proposal made on an older version is accepted only once the officer has seen it shown as
    a conflict. Closing an action takes a different user from the proposer (two-key closing,
    checked by action_record_update). The proposal then names the history row it became."""
    locked = _claim(proposal)
    update = action_record_update(
        action=locked.action,
        author=officer,
        status=locked.status,
        progress=locked.progress,
        target_date=locked.target_date,
        note=locked.note,
        expected_version=expected_version,
        proposed_by=locked.proposed_by,
    )
    locked.state = Proposal.State.ACCEPTED
    locked.reviewed_by = officer
    locked.reviewed_at = update.recorded_at
    locked.accepted_update = update
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "accepted_update"])
    return update


@transaction.atomic
def proposal_return(*, proposal: Proposal, officer: User, reason: str) -> Proposal:
    """Send the proposal back to its member with the officer's reason; the action is left as it is."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the proposal is returned: its member reads it."]})
    locked = _claim(proposal)
    locked.state = Proposal.State.RETURNED
    locked.reviewed_by = officer
    locked.reviewed_at = timezone.now()
    locked.return_reason = reason.strip()
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "return_reason"])
    return locked

"""What the action page and the navigation show of proposed updates. The actions app's templates
load these; its Python knows nothing of proposals."""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from actions.models import Action, ActionUpdate
from members.roles import Role, display_name
from proposals.access import ProposingRights, can_read_queue, proposing_rights
from proposals.forms import ProposalForm
from proposals.models import Proposal

register = template.Library()


@dataclass
class ActionProposals:
    """The proposals of one action as its page shows them to one user."""

    rights: ProposingRights
    form: ProposalForm | None
    pending: list[Proposal] = field(default_factory=list)
    # The latest proposal of each member the user reads, when the Secretariat returned it.
    returned: list[Proposal] = field(default_factory=list)
    # The accepted proposal behind each history row, for the history to name both keys.
    by_update: dict[int, Proposal] = field(default_factory=dict)
    two_key: bool = True


@register.simple_tag(takes_context=True)
def proposals_of(context: template.Context, action: Action) -> ActionProposals:
    """One query for every proposal of the action (the accepted ones name their proposers in
    the history, which every reader sees); pending and returned ones only for those who may
    read them: the Secretariat, the co-chairs and the members that carry the action."""
    user: User | AnonymousUser = context["request"].user
    rights = proposing_rights(user, action)
    shown = ActionProposals(rights=rights, form=None, two_key=settings.TWO_KEY_CLOSING)
    readable = {member.pk for member in rights.members}
    latest_by_member: dict[int, Proposal] = {}
    proposals = Proposal.objects.filter(action=action).select_related("member", "proposed_by", "reviewed_by")
    for proposal in proposals.order_by("proposed_at", "pk"):
        if proposal.accepted_update_id is not None:
            shown.by_update[proposal.accepted_update_id] = proposal
        if rights.reads_all or proposal.member_id in readable:
            latest_by_member[proposal.member_id] = proposal
            if proposal.is_pending:
                shown.pending.append(proposal)
    shown.returned = [p for p in latest_by_member.values() if p.state == Proposal.State.RETURNED]
    # A member's focal point proposes on the page itself, once its member's last proposal has
    # been reviewed; the Secretariat, which has its own status form here, proposes on a member's
    # behalf on the proposal page: one form a page.
    if rights.may_propose and not rights.on_behalf and not shown.pending:
        shown.form = ProposalForm.for_proposal(action, members=rights.members, on_behalf=False)
    return shown


@register.filter
def accepted_in(update: ActionUpdate, shown: ActionProposals) -> Proposal | None:
    """The proposal a history row was accepted from: `{% with proposal=update|accepted_in:proposals %}`."""
    return shown.by_update.get(update.pk)


@register.filter
def proposer_name(proposal: Proposal) -> str:
    """The proposer as every history names people (members.roles.display_name), in the role they proposed in."""
    return display_name(proposal.proposed_by, acting_as=Role.SECRETARIAT if proposal.on_behalf else Role.MEMBERS)


@register.filter
def reviewer_name(proposal: Proposal) -> str:
    return display_name(proposal.reviewed_by, acting_as=Role.SECRETARIAT) if proposal.reviewed_by else ""


@register.inclusion_tag("proposals/_nav_queue.html", takes_context=True)
def queue_link(context: template.Context) -> dict[str, Any]:
    """The navigation's link to the queue with its count of pending proposals, for the
    Secretariat's officers (staff, who keep the record in the admin) that may read it.

    Only staff users are asked for their permissions here: every page shows the navigation,
    and asking every reader would cost each page two queries (the user's and the groups'
    permissions) for a link the co-chairs have on the dashboard. For the Secretariat it costs
    the count, and the permissions on the pages that had not read them already."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff or not can_read_queue(user):
        return {"show": False}
    return {"show": True, "count": pending_count(request), "request": request}


def pending_count(request: Any) -> int:
    """Counted once per request: the dashboard shows it beside the navigation's."""
    if not hasattr(request, "_pending_proposals"):
        # Answered from the partial index proposals_pending_idx.
        request._pending_proposals = Proposal.objects.pending().count()
    count: int = request._pending_proposals
    return count


@register.simple_tag(takes_context=True)
def pending_proposals(context: template.Context) -> int | None:
    """The number of pending proposals for the dashboard, or None for a user who may not read the queue."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_queue(user):
        return None
    return pending_count(request)

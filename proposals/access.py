"""Who may propose, read and review proposed updates. Views and template tags ask here.

A Members user proposes on an action its member carries: as an owner of the action in any
role (lead, co-lead, co-sponsor, support, funder), or through a body the action names that
the member co-chairs or co-manages, as the register's "include bodies" reads it. Closing an
action is proposed by a member that leads it (directly or through such a body). The
Secretariat proposes on any of those members' behalf, and alone accepts or returns.

A member opening the form of an action it has no part in is refused (403), not told the
action does not exist: every signed-in user reads every action, so a 404 would be untrue.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from actions.access import can_record_update
from actions.models import Action, ActionOwner
from members.models import BodyMembership, Member
from members.roles import member_of
from proposals.models import Proposal

PROPOSE_PERMISSION = "proposals.add_proposal"
READ_PERMISSION = "proposals.view_proposal"
REVIEW_PERMISSION = "proposals.review_proposal"


def can_read_queue(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(READ_PERMISSION)


def can_review(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


@dataclass(frozen=True)
class ActionParts:
    """The members that carry one action, and those of them that lead it."""

    members: list[Member] = field(default_factory=list)
    leading_ids: frozenset[int] = frozenset()

    def includes(self, member: Member) -> bool:
        return any(candidate.pk == member.pk for candidate in self.members)


def action_parts(action: Action) -> ActionParts:
    """From the action's owners (prefetched by its page) and one query for the members that
    run the bodies among them."""
    owners = list(action.owners.all())
    direct = {owner.member_id: owner for owner in owners if owner.member_id is not None}
    body_roles = {owner.body_id: owner.role for owner in owners if owner.body_id is not None}
    members: dict[int, Member] = {pk: owner.member for pk, owner in direct.items() if owner.member is not None}
    leading = {pk for pk, owner in direct.items() if owner.role in ActionOwner.LEADING_ROLES}
    if body_roles:
        runs = BodyMembership.objects.filter(
            body_id__in=body_roles, role__in=BodyMembership.LEADING_ROLES
        ).select_related("member")
        for membership in runs:
            members.setdefault(membership.member_id, membership.member)
            if body_roles[membership.body_id] in ActionOwner.LEADING_ROLES:
                leading.add(membership.member_id)
    ordered = sorted(members.values(), key=lambda member: member.name)
    return ActionParts(members=ordered, leading_ids=frozenset(leading))


@dataclass(frozen=True)
class ProposingRights:
    """What the user may do with proposals on one action."""

    # The members the user may propose for: their own, or, for the Secretariat, any that carries it.
    members: list[Member]
    leading_ids: frozenset[int]
    on_behalf: bool
    reads_all: bool

    @property
    def may_propose(self) -> bool:
        return bool(self.members)


def proposing_rights(user: User | AnonymousUser, action: Action) -> ProposingRights:
    reads_all = can_read_queue(user)
    if not user.is_authenticated or not user.has_perm(PROPOSE_PERMISSION):
        return ProposingRights([], frozenset(), on_behalf=False, reads_all=reads_all)
    parts = action_parts(action)
    if can_review(user):
        return ProposingRights(parts.members, parts.leading_ids, on_behalf=True, reads_all=reads_all)
    member = member_of(user)
    members = [member] if member is not None and parts.includes(member) else []
    return ProposingRights(members, parts.leading_ids, on_behalf=False, reads_all=reads_all)


def get_action_for_proposal(user: User | AnonymousUser, pk: int) -> tuple[Action, ProposingRights]:
    """The action a proposal is for, with what the user may propose; 404 for no such action,
    403 for a user who may not propose on it."""
    action = get_object_or_404(Action.objects.for_register(), pk=pk)
    rights = proposing_rights(user, action)
    if not rights.may_propose:
        if rights.on_behalf or can_review(user):
            raise PermissionDenied(
                "No member has a part in this action, so nobody proposes an update on it: "
                "record its status on the action's page."
            )
        if user.is_authenticated and user.has_perm(PROPOSE_PERMISSION) and member_of(user) is not None:
            raise PermissionDenied("Your member has no part in this action, so it proposes no update on it.")
        raise PermissionDenied(
            "Only the focal points of the members that carry an action, and the Secretariat, propose updates on it."
        )
    return action, rights


def visible_proposals(user: User | AnonymousUser, action: Action, rights: ProposingRights) -> QuerySet[Proposal]:
    """The proposals of the action the user may read: all of them for the Secretariat and the
    co-chairs, their own member's for a member that carries it, none for anyone else."""
    proposals = Proposal.objects.filter(action=action).select_related("member", "proposed_by", "reviewed_by")
    if rights.reads_all:
        return proposals
    if rights.members:
        return proposals.filter(member__in=rights.members)
    return proposals.none()


def get_queue_for_user(user: User | AnonymousUser) -> None:
    """The queue is the Secretariat's and the co-chairs' to read: 403 for anyone else."""
    if not can_read_queue(user):
        raise PermissionDenied("The queue of proposed updates is the Secretariat's and the co-chairs'.")


def get_proposal_for_review(user: User | AnonymousUser, pk: int) -> Proposal:
    """The proposal to accept or return; 403 for anyone but the Secretariat."""
    if not can_review(user):
        raise PermissionDenied("Only the Secretariat accepts or returns proposed updates.")
    return get_object_or_404(Proposal.objects.select_related("action", "member", "proposed_by"), pk=pk)


@dataclass(frozen=True)
class SheetUploader:
    """Who uploads a filled-in sheet, and what its rows become: status updates recorded by a
    Secretariat officer (`member` None), or a member's proposals."""

    user: User
    member: Member | None


def get_sheet_uploader(user: User | AnonymousUser) -> SheetUploader:
    """The Secretariat applies a sheet; a Members user proposes from one for its own member.
    403 for anyone else (the co-chairs read, they do not report)."""
    if isinstance(user, User) and can_review(user) and can_record_update(user):
        return SheetUploader(user, None)
    member = member_of(user)
    if isinstance(user, User) and member is not None and user.has_perm(PROPOSE_PERMISSION):
        return SheetUploader(user, member)
    raise PermissionDenied(
        "Only the Secretariat and the focal points of members upload filled-in sheets of the register."
    )


def member_parts(member: Member, action_ids: Iterable[int]) -> dict[int, bool]:
    """Of `action_ids`, those `member` carries (as action_parts reads one action: as an owner in
    any role, or through a body it co-chairs or co-manages), each with whether it leads it. One query."""
    runs = BodyMembership.objects.filter(member=member, role__in=BodyMembership.LEADING_ROLES).values("body_id")
    owners = ActionOwner.objects.filter(action_id__in=list(action_ids)).filter(Q(member=member) | Q(body_id__in=runs))
    parts: dict[int, bool] = {}
    for action_id, role in owners.values_list("action_id", "role"):
        parts[action_id] = parts.get(action_id, False) or role in ActionOwner.LEADING_ROLES
    return parts

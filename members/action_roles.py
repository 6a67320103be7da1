"""What a member's or a body's page shows of the actions it has a part in: how many stand at
each status, counted over all of them, and the first few rows in the strategy's order.

A member of a large record can have a part in thousands of actions; listing every one made
its page megabytes long. The page shows the first ROWS_LISTED and links to the register,
which pages through the rest with the same filter.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from members.access import related_model
from members.models import Body, Member

ROWS_LISTED = 25


@dataclass(frozen=True)
class ActionRoles:
    """Owner rows of one member or body: the first few, and counts by status over all."""

    rows: list[Any]
    total: int
    # (status, label, count) in the workflow's order, statuses with no action left out.
    counts: list[tuple[str, str, int]]


def member_action_roles(member: Member) -> tuple[ActionRoles, ActionRoles]:
    """The actions the member leads or co-leads, and those it has another part in."""
    owners = member.action_roles.all()
    # ActionOwner.LEADING_ROLES, read off the model: members does not import actions.
    leading_roles = owners.model.LEADING_ROLES
    leading: Counter[str] = Counter()
    other: Counter[str] = Counter()
    # One query counts both parts, whatever the number of actions.
    for row in owners.values("role", "action__status").annotate(n=Count("pk")).order_by():
        (leading if row["role"] in leading_roles else other)[row["action__status"]] += row["n"]
    return (
        _action_roles(owners.filter(role__in=leading_roles), leading),
        _action_roles(owners.exclude(role__in=leading_roles), other),
    )


def body_action_roles(body: Body) -> ActionRoles:
    owners = body.action_roles.all()
    counts = Counter(
        {row["action__status"]: row["n"] for row in owners.values("action__status").annotate(n=Count("pk")).order_by()}
    )
    return _action_roles(owners, counts)


def _action_roles(owners: Any, counts: Counter[str]) -> ActionRoles:
    action_model = related_model(owners.model, "action")
    # Asked even when the counts found none, so the page costs the same queries for every member.
    ordered = owners.select_related("action__initiative__theme").order_by(
        *(f"action__{field}" for field in action_model._meta.ordering), "pk"
    )
    rows = list(ordered[:ROWS_LISTED])
    statuses = [
        (status.value, status.label.lower(), counts[status]) for status in action_model.Status if counts[status]
    ]
    return ActionRoles(rows=rows, total=sum(counts.values()), counts=statuses)

"""The action register as CSV rows, read as plain values in batches.

A register of 100,000 actions would be some 400,000 model instances (action,
initiative, theme, owners); as tuples it streams several times faster, and only one
batch is ever in memory.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from actions.filters import LeadRef, ListedThrough
from actions.models import Action, ActionOwner

HEADER = [
    "id",
    "theme",
    "initiative",
    "action number",
    "action",
    "lead",
    "other owners",
    "status",
    "progress (%)",
    "target date",
    "overdue",
    "last update",
    "latest note",
    # With "include bodies": through which of the lead's bodies, in which role.
    "Listed because",
    "link",
]
# Actions per owners query; the actions themselves come through a server-side cursor.
BATCH = 2000

STATUS_LABELS = dict(Action.Status.choices)
ROLE_LABELS = {role: label.lower() for role, label in ActionOwner.Role.choices}
# Owners read lead first, then co-leads, co-sponsors, support and funders, as on the register.
ROLE_RANK = models.Case(
    *(models.When(role=role, then=rank) for rank, role in enumerate(ActionOwner.Role)),
    output_field=models.IntegerField(),
)
COLUMNS = (
    "pk",
    "initiative__theme__title",
    "initiative__name",
    "number",
    "text",
    "status",
    "progress",
    "target_date",
    "updated_at",
    "status_note",
)


def register_rows(
    actions: "models.QuerySet[Action]", *, today: datetime.date, site: str, through: ListedThrough | None = None
) -> Iterator[list[Any]]:
    """One CSV row per action of `actions`, in its order, with the columns of HEADER;
    `through` says why a row led by one of the lead's bodies is listed."""
    # Every link is the same but for the id: reverse once, not once per row.
    placeholder = "2147483647"
    link_start, link_end = (site + reverse("actions:detail", args=[placeholder])).split(placeholder)
    tz = timezone.get_current_timezone()
    rows = actions.prefetch_related(None).values_list(*COLUMNS).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        owners = owner_names(action[0] for action in batch)
        for pk, theme, initiative, number, text, status, progress, target_date, updated_at, note in batch:
            leads, others, refs = owners.get(pk, ([], [], []))
            yield [
                pk,
                theme,
                initiative,
                number,
                text,
                "; ".join(leads),
                "; ".join(others),
                STATUS_LABELS[status],
                progress,
                target_date or "",
                "yes" if target_date and target_date < today and status not in Action.CLOSED_STATUSES else "",
                updated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if updated_at else "",
                note,
                through.reason(refs) if through else "",
                f"{link_start}{pk}{link_end}",
            ]


def owner_names(action_ids: Iterator[int]) -> dict[int, tuple[list[str], list[str], list[LeadRef]]]:
    """Per action: the names of its leads and co-leads, its other owners with their role,
    and who its leads are (for ListedThrough)."""
    owners: dict[int, tuple[list[str], list[str], list[LeadRef]]] = defaultdict(lambda: ([], [], []))
    rows = (
        ActionOwner.objects.filter(action_id__in=list(action_ids))
        .order_by(ROLE_RANK, "pk")
        .values_list("action_id", "role", "member_id", "member__name", "body_id", "body__name", "forum__name")
    )
    for action_id, role, member_id, member, body_id, body, forum in rows:
        name = member or body or forum
        leads, others, refs = owners[action_id]
        if role in ActionOwner.LEADING_ROLES:
            leads.append(name)
            refs.append((member_id, body_id, body))
        else:
            others.append(f"{name} ({ROLE_LABELS[role]})")
    return owners

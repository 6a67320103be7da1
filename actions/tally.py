"""The current strategy's dashboard figures, kept current by every status update.

Only the current strategy's actions are counted (DashboardTally.strategy): another
strategy's dashboard is counted afresh and cached (actions.dashboard), and an update of one
of its actions changes no cell here.

Counting the dashboard afresh over 100,000 actions takes over a second (its changes since
the last review alone read every action's history), and every status update made it do so.
Instead the cells of DashboardCount hold what the figures are made of: actions and their
progress by status, per theme, pillar, lead member and body; open actions by target day and
actions by the day of their last update (so overdue, stale and recent follow the day). One
row of DashboardTally holds the moves since the last review, with each move's first actions
in the strategy's order, and says which record token all of it is true for.

action_record_update knows what one update changes (the action's facts before and after) and
applies it here in its own transaction, so the dashboard after an update only reads; it marks
the tally true at the token its own writes made. Any other change (the admin, load_record,
bulk loads that call record_changed, an update recorded before the action's latest) replaces
the record's token without touching the tally, and the next dashboard counts afresh.

Both write while holding the record token's row (RecordVersion 1) locked, which every change
to the record locks anyway: a count afresh and an update can never interleave, and an update
that waited for a count applies its change to what that count could not see.

Rows are written with QuerySet methods only (bulk_create, update), never saved or deleted:
a save() or delete() sends the signals that replace the record's token (the figures would
be out of date when stored) and write the audit trail, which is about the record alone.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

if TYPE_CHECKING:
    from actions.changes import Period
    from actions.models import Action, ActionUpdate, Strategy

TALLY_ROW = 1
# How many of each move's first actions the tally keeps, in the strategy's order. The
# dashboard names 10 (actions.changes.LISTED_PER_MOVE); the spare ones let updates take
# actions out of a move without a count afresh, until fewer than 10 are left.
MOVE_BUFFER = 30
# The day of "never updated": before every real day, so an open action with no update is
# stale whatever the day.
NEVER = ""
OPEN, CLOSED = "open", "closed"
# "Updated in the last 90 days".
RECENT = datetime.timedelta(days=90)

Figures = dict[str, Any]
Cell = tuple[str, str, str]
Cells = dict[Cell, list[int]]


class DashboardTally(models.Model):
    """Whether the dashboard's counts are true, and the changes since the last review (one row)."""

    # The record's token the counts are true for; another token means count afresh.
    token = models.CharField(max_length=32)
    # The record's token when they were last counted afresh: what a status update cannot
    # change (mandate coverage, meetings, the review schedule) is cached under it.
    counted_on = models.CharField(max_length=32)
    # The moves since the last review: {"start_cut", "updates", "moves", "unchanged", "listed"}.
    changes = models.JSONField()
    # The strategy counted: the current one when it was counted afresh (any change of which
    # strategy is current replaces the record's token, and the next dashboard counts again).
    # A tally whose strategy is deleted counts nothing and is counted afresh.
    strategy = models.ForeignKey("actions.Strategy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Dashboard tally at {self.token}"


class DashboardCount(models.Model):
    """How many actions of one part of the register stand at one status, and the sum of
    their progress: one cell of the dashboard's figures, kept by each status update."""

    class Part(models.TextChoices):
        STATUS = "status", "The whole register, by status"
        THEME = "theme", "A theme (key: its id)"
        PILLAR = "pillar", "A Jakarta Declaration pillar (key: its id)"
        LEAD = "lead", "A member leading or co-leading (key: its id)"
        BODY = "body", "A body with any part (key: its id)"
        # Open actions only, status empty: overdue is a sum over the days before today.
        TARGET = "target", "Open actions by target date (key: the day)"
        # Status "open" or "closed"; key empty for never updated: stale and recent are sums over days.
        UPDATED = "updated", "Actions by the local day of their last update (key: the day)"

    part = models.CharField(max_length=8, choices=Part.choices)
    key = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=16, blank=True)
    actions = models.IntegerField()
    progress = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # One cell per (part, key, status). Its index serves the dashboard's sums over a
            # range of days (overdue, stale, recent) and an update's look-up of its cells.
            models.UniqueConstraint(name="actions_dashboardcount_unique_cell", fields=["part", "key", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.part} {self.key} {self.status}: {self.actions}"


@dataclass(frozen=True)
class ActionFacts:
    """What the tally counts of one action: its standing and where it belongs."""

    status: str
    progress: int
    target_date: datetime.date | None
    # The local day of its last update (NEVER without one), as the register's filters read it.
    updated_day: str
    theme: int
    # Its strategy: the tally counts the current one's actions only.
    strategy: int
    pillars: tuple[int, ...]
    leads: tuple[int, ...]
    bodies: tuple[int, ...]


@dataclass(frozen=True)
class PendingUpdate:
    """An update about to be recorded, with what the tally needs to apply it afterwards."""

    changes: Figures
    before: ActionFacts
    # Its standing in the changes since the last review: (status then, updated) when it
    # already has an update in the period, None when it has none.
    in_period: tuple[str, bool] | None
    status_then: str
    order_key: list[int]
    # An action of another strategy than the tally's: its update changes no count.
    outside: bool = False


def current_tally(*, token: str, today: datetime.date) -> DashboardTally:
    """The tally true at the record's `token`: the stored one, or counted afresh."""
    tally = DashboardTally.objects.filter(pk=TALLY_ROW).first()
    if tally is not None and tally.token == token:
        return tally
    return tally_count(today=today)


def tally_figures(*, today: datetime.date) -> Figures:
    """The counts as the dashboard reads them (two queries): per part, {key: {status: [actions,
    progress]}} for status (key ""), theme, pillar, lead and body, and the day's overdue,
    stale and recent, summed over the days before or after it."""
    from actions.models import Action

    figures: Figures = {part: {} for part in ("status", "theme", "pillar", "lead", "body")}
    by_day = (DashboardCount.Part.TARGET, DashboardCount.Part.UPDATED)
    for part, key, status, n, progress in (
        DashboardCount.objects.exclude(part__in=by_day)
        .exclude(actions=0)
        .values_list("part", "key", "status", "actions", "progress")
    ):
        figures[part].setdefault(key, {})[status] = [n, progress]
    # The register's conditions over days: overdue is a target before today; stale a last
    # update before the local midnight six months ago, or none (NEVER sorts first); recent a
    # last update on one of the last 90 days.
    target, updated = Q(part=DashboardCount.Part.TARGET), Q(part=DashboardCount.Part.UPDATED)
    sums = DashboardCount.objects.filter(part__in=by_day).aggregate(
        overdue=Sum("actions", filter=target & Q(key__lt=today.isoformat())),
        stale=Sum("actions", filter=updated & Q(status=OPEN, key__lt=(today - Action.STALE_AFTER).isoformat())),
        recent=Sum("actions", filter=updated & Q(key__gte=(today - RECENT).isoformat())),
    )
    figures.update({name: value or 0 for name, value in sums.items()})
    return figures


def tally_count(*, today: datetime.date) -> DashboardTally:
    """Count every figure of the current strategy afresh and store them, under the record's
    token as it is now."""
    from actions.models import Strategy
    from actions.record_version import RECORD_TOKEN, record_version

    with transaction.atomic():
        record_version()  # makes the token's row when the database has none yet
        token = _locked_token(RECORD_TOKEN)
        strategy = Strategy.objects.current()
        cells, changes = _count_cells(today, strategy)
        # Emptied and refilled in place, never deleted (see the module's docstring).
        DashboardCount.objects.update(actions=0, progress=0)
        DashboardCount.objects.bulk_create(
            [
                DashboardCount(part=part, key=key, status=status, actions=n, progress=progress)
                for (part, key, status), (n, progress) in cells.items()
            ],
            update_conflicts=True,
            unique_fields=["part", "key", "status"],
            update_fields=["actions", "progress"],
        )
        tally = DashboardTally(pk=TALLY_ROW, token=token, counted_on=token, changes=changes, strategy=strategy)
        DashboardTally.objects.bulk_create(
            [tally],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["token", "counted_on", "changes", "strategy"],
        )
    return tally


def tally_before_update(*, action: "Action", recorded_at: datetime.datetime) -> PendingUpdate | None:
    """Called by action_record_update with the action locked, before it writes: locks the
    record's token and reads what the update will change. None when the tally is not true
    now (the next dashboard counts afresh anyway) or cannot follow this update: one
    recorded before the action's latest or before the period of the changes, which would
    rewrite its history rather than add to it."""
    from actions.record_version import RECORD_TOKEN

    token = _locked_token(RECORD_TOKEN)
    stored = DashboardTally.objects.filter(pk=TALLY_ROW, token=token).values_list("changes", "strategy_id").first()
    if stored is None:
        return None
    changes, strategy_id = stored
    facts = _facts_of([action.pk])[action.pk]
    if facts.strategy != strategy_id:
        # Another strategy's action, a superseded one's say: none of the tally's counts move.
        return PendingUpdate(changes, facts, None, action.status, [], outside=True)
    start = changes["start_cut"]
    if (action.updated_at is not None and recorded_at <= action.updated_at) or (
        start is not None and recorded_at < datetime.datetime.fromisoformat(start)
    ):
        return None
    in_period, status_then, order_key = None, action.status, []
    if start is not None:
        row = _period_state(action.pk, datetime.datetime.fromisoformat(start))
        order_key = [row["theme_position"], row["initiative_position"], row["number"], action.pk]
        if row["in_period"]:
            in_period = (row["status_then"], row["updated"])
            status_then = row["status_then"]
        else:
            # Its first update in the period will be this one, which replaces the status it has.
            status_then = row["status_before"] or action.status
    return PendingUpdate(changes, facts, in_period, status_then, order_key)


def tally_after_update(*, pending: PendingUpdate | None, update: "ActionUpdate") -> None:
    """Apply a recorded update to the tally (read by tally_before_update): its action counted
    out of the cells it stood in and into those it stands in now, by F() increments; and mark
    the counts true at the token the update's own writes made."""
    from actions.changes import LISTED_PER_MOVE
    from actions.record_version import record_version

    if pending is None:
        return
    if pending.outside:
        DashboardTally.objects.filter(pk=TALLY_ROW).update(token=record_version())
        return
    after = ActionFacts(
        status=update.status,
        progress=update.progress,
        target_date=update.target_date,
        updated_day=_day(update.recorded_at),
        theme=pending.before.theme,
        strategy=pending.before.strategy,
        pillars=pending.before.pillars,
        leads=pending.before.leads,
        bodies=pending.before.bodies,
    )
    delta: Cells = {}
    _add(delta, pending.before, -1)
    _add(delta, after, +1)
    _apply(delta)
    changes = pending.changes
    changes["updates"] += 1
    token = record_version()
    if changes["start_cut"] is not None and not _apply_move(
        changes, pending, now=update.status, listed=LISTED_PER_MOVE
    ):
        # A move has fewer actions kept than it names: count afresh next time.
        token = ""
    DashboardTally.objects.filter(pk=TALLY_ROW).update(token=token, changes=changes)


def _apply(delta: Cells) -> None:
    """Add `delta` to the stored cells: one query to find those there, one to update them,
    one to add the new ones. A cell left empty stays, counting nought, until its part, key
    and status are counted again: there are a few per day, member, body, theme and pillar."""
    delta = {cell: change for cell, change in delta.items() if change != [0, 0]}
    if not delta:
        return
    cells = {cell: Q(part=cell[0], key=cell[1], status=cell[2]) for cell in delta}
    anywhere = Q()
    for condition in cells.values():
        anywhere |= condition
    stored = set(DashboardCount.objects.filter(anywhere).values_list("part", "key", "status"))
    if stored:
        DashboardCount.objects.filter(anywhere).update(
            actions=F("actions")
            + models.Case(*(models.When(cells[cell], then=delta[cell][0]) for cell in stored), default=0),
            progress=F("progress")
            + models.Case(*(models.When(cells[cell], then=delta[cell][1]) for cell in stored), default=0),
        )
    DashboardCount.objects.bulk_create(
        DashboardCount(part=part, key=key, status=status, actions=n, progress=progress)
        for (part, key, status), (n, progress) in delta.items()
        if (part, key, status) not in stored
    )


def _locked_token(row: int) -> str:
    from actions.models import RecordVersion

    return RecordVersion.objects.select_for_update().filter(pk=row).values_list("token", flat=True).get()


def _period_state(pk: int, start_cut: datetime.datetime) -> dict[str, Any]:
    """One action's standing in the changes since `start_cut`, as actions.changes.with_states
    reads it, and its place in the strategy's order: one query, down the (action, recorded_at) index."""
    from actions.models import Action, ActionUpdate

    own = ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_at__gte=start_cut)
    before = ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_at__lt=start_cut).order_by("-recorded_at")
    replaced = models.Case(models.When(previous_status="", then=F("status")), default=F("previous_status"))
    status_before = Subquery(before.values("status")[:1])
    return (
        Action.objects.filter(pk=pk)
        .annotate(
            in_period=Exists(own),
            status_before=status_before,
            status_then=Coalesce(
                status_before, Subquery(own.order_by("recorded_at").annotate(replaced=replaced).values("replaced")[:1])
            ),
            updated=Exists(own.exclude(previous_status="")),
            theme_position=F("initiative__theme__position"),
            initiative_position=F("initiative__position"),
        )
        .values(
            "in_period", "status_before", "status_then", "updated", "theme_position", "initiative_position", "number"
        )
        .get()
    )


def _apply_move(changes: Figures, pending: PendingUpdate, *, now: str, listed: int) -> bool:
    """Move the action in the changes since the last review; False when a move is left with
    fewer kept actions than it should name."""
    pk = pending.order_key[-1]
    then = pending.status_then
    full = True
    if pending.in_period is not None:
        old_then, updated = pending.in_period
        old_now = pending.before.status
        if old_then == old_now:
            if updated:
                changes["unchanged"] -= 1
        else:
            key = f"{old_then}>{old_now}"
            changes["moves"][key] -= 1
            kept = [entry for entry in changes["listed"].get(key, []) if entry[-1] != pk]
            count = changes["moves"][key]
            if count == 0:
                del changes["moves"][key]
                changes["listed"].pop(key, None)
            else:
                changes["listed"][key] = kept
                full = len(kept) >= min(listed, count)
    if then == now:
        changes["unchanged"] += 1
        return full
    key = f"{then}>{now}"
    count = changes["moves"].get(key, 0) + 1
    changes["moves"][key] = count
    kept = changes["listed"].setdefault(key, [])
    # The kept actions are the move's first in the strategy's order: this one joins them
    # when it comes before the last kept, or when they were all of the move's.
    if len(kept) == count - 1 or (kept and pending.order_key < kept[-1]):
        kept.append(pending.order_key)
        kept.sort()
        del kept[MOVE_BUFFER:]
    return full


def _add(cells: Cells, facts: ActionFacts, sign: int) -> None:
    """Count one action in (sign +1) or out of (-1) every cell it belongs to."""
    still_open = facts.status not in _closed()
    belongs: list[Cell] = [(DashboardCount.Part.STATUS, "", facts.status)]
    for part, keys in (
        (DashboardCount.Part.THEME, (facts.theme,)),
        (DashboardCount.Part.PILLAR, facts.pillars),
        (DashboardCount.Part.LEAD, facts.leads),
        (DashboardCount.Part.BODY, facts.bodies),
    ):
        belongs += [(part, str(key), facts.status) for key in keys]
    if still_open and facts.target_date is not None:
        belongs.append((DashboardCount.Part.TARGET, facts.target_date.isoformat(), ""))
    belongs.append((DashboardCount.Part.UPDATED, facts.updated_day, OPEN if still_open else CLOSED))
    for cell in belongs:
        counts = cells.setdefault(cell, [0, 0])
        counts[0] += sign
        counts[1] += sign * facts.progress


def _closed() -> tuple[str, ...]:
    from actions.models import Action

    return tuple(Action.CLOSED_STATUSES)


def _day(moment: datetime.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment is not None else NEVER


def _facts_of(pks: Iterable[int]) -> dict[int, ActionFacts]:
    """The facts of a few actions: three queries (the actions, their pillars, their owners)."""
    from actions.models import Action, ActionOwner

    pks = list(pks)
    pillars: dict[int, list[int]] = {pk: [] for pk in pks}
    for action_id, pillar_id in Action.pillars.through.objects.filter(action_id__in=pks).values_list(
        "action_id", "pillar_id"
    ):
        pillars[action_id].append(pillar_id)
    leads: dict[int, list[int]] = {pk: [] for pk in pks}
    bodies: dict[int, list[int]] = {pk: [] for pk in pks}
    for action_id, role, member_id, body_id in ActionOwner.objects.filter(action_id__in=pks).values_list(
        "action_id", "role", "member_id", "body_id"
    ):
        if member_id is not None and role in ActionOwner.LEADING_ROLES:
            leads[action_id].append(member_id)
        if body_id is not None:
            bodies[action_id].append(body_id)
    return {
        row["pk"]: ActionFacts(
            status=row["status"],
            progress=row["progress"],
            target_date=row["target_date"],
            updated_day=_day(row["updated_at"]),
            theme=row["initiative__theme_id"],
            strategy=row["initiative__theme__strategy_id"],
            pillars=tuple(sorted(pillars[row["pk"]])),
            leads=tuple(sorted(leads[row["pk"]])),
            bodies=tuple(sorted(bodies[row["pk"]])),
        )
        for row in Action.objects.filter(pk__in=pks).values(
            "pk",
            "status",
            "progress",
            "target_date",
            "updated_at",
            "initiative__theme_id",
            "initiative__theme__strategy_id",
        )
    }


def _count_cells(today: datetime.date, strategy: "Strategy | None") -> tuple[Cells, Figures]:
    """Every cell of `strategy` counted afresh (seven GROUP BYs), and the changes since its
    last review; nothing without a strategy."""
    from actions.changes import build_changes, since_last_review
    from actions.models import Action, ActionOwner, ActionUpdate
    from actions.schedule import current_schedule

    part = DashboardCount.Part
    still_open = ~Q(status__in=Action.CLOSED_STATUSES)
    actions = Action.objects.of_strategy(strategy) if strategy else Action.objects.none()
    # Owner and pillar rows of the strategy's actions: a join to the action's initiative and theme.
    of_strategy = Q(action__initiative__theme__strategy=strategy)
    owners = ActionOwner.objects.filter(of_strategy)
    # (part, rows, key, status, through): `through` leads from an owner or pillar row to its action.
    groupings: list[tuple[str, Any, Any, Any, str]] = [
        (part.STATUS, actions, Value(""), F("status"), ""),
        (part.THEME, actions, F("initiative__theme_id"), F("status"), ""),
        (
            part.PILLAR,
            Action.pillars.through.objects.filter(of_strategy),
            F("pillar_id"),
            F("action__status"),
            "action__",
        ),
        (
            part.LEAD,
            owners.filter(role__in=ActionOwner.LEADING_ROLES, member__isnull=False),
            F("member_id"),
            F("action__status"),
            "action__",
        ),
        (part.BODY, owners.filter(body__isnull=False), F("body_id"), F("action__status"), "action__"),
        (part.TARGET, actions.filter(still_open, target_date__isnull=False), F("target_date"), Value(""), ""),
        (
            part.UPDATED,
            actions,
            TruncDate("updated_at"),
            models.Case(models.When(status__in=Action.CLOSED_STATUSES, then=Value(CLOSED)), default=Value(OPEN)),
            "",
        ),
    ]
    cells: Cells = {}
    for name, rows, key, status, through in groupings:
        grouped = (
            rows.annotate(cell_key=key, cell_status=status)
            .values("cell_key", "cell_status")
            .annotate(n=Count("pk"), p=Sum(f"{through}progress"))
            .order_by()
            .values_list("cell_key", "cell_status", "n", "p")
        )
        for value, cell_status, n, progress in grouped:
            day_or_id = value.isoformat() if isinstance(value, datetime.date) else str(value or NEVER)
            cells[(name, day_or_id, cell_status)] = [n, progress or 0]

    reviews = current_schedule(today=today) if strategy else None
    updates = ActionUpdate.objects.filter(action__in=actions)
    changes: Figures = {"start_cut": None, "moves": {}, "unchanged": 0, "listed": {}}
    if reviews:
        period: Period = since_last_review(reviews)
        updates = updates.filter(recorded_at__gte=period.start_cut)
        counted = build_changes(actions=actions, period=period, move_url=lambda then, now: "", listed=MOVE_BUFFER)
        changes.update(
            start_cut=period.start_cut.isoformat(),
            unchanged=counted.updated_unchanged,
            moves={f"{move.then}>{move.now}": move.count for move in counted.moves},
            listed={
                f"{move.then}>{move.now}": [
                    [a.theme_position, a.initiative_position, a.number, a.pk]  # type: ignore[attr-defined]
                    for a in move.actions
                ]
                for move in counted.moves
            },
        )
    changes["updates"] = updates.count()
    return cells, changes

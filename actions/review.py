"""The annual review report: each action's state at the start and end of a review period,
reconstructed from the history rather than read from today's values."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actions.models import STRATEGY_ORDER, Action, ActionUpdate, Initiative, Review, Strategy, Theme
from actions.schedule import ReviewSchedule, ReviewStanding


@dataclass
class ActionInPeriod:
    action: Action
    at_start: ActionUpdate | None
    at_end: ActionUpdate | None
    updates: list[ActionUpdate]
    overdue_at_end: bool
    stale_at_end: bool


@dataclass
class InitiativeInPeriod:
    initiative: Initiative
    actions: list[ActionInPeriod] = field(default_factory=list)


@dataclass
class ThemeInPeriod:
    theme: Theme
    initiatives: list[InitiativeInPeriod] = field(default_factory=list)


@dataclass
class ReviewReport:
    strategy: Strategy
    year: int
    start: datetime.date
    end: datetime.date
    due: datetime.date
    is_complete: bool  # False while the period is still running
    # Whether the review was held and when, as the dashboard and the reminders see it.
    review: ReviewStanding
    themes: list[ThemeInPeriod]
    status_at_start: dict[str, int]
    status_at_end: dict[str, int]
    updates_in_period: int
    completed_in_period: int
    overdue_at_end: int
    stale_at_end: int

    @property
    def actions(self) -> list[ActionInPeriod]:
        return [entry for theme in self.themes for ini in theme.initiatives for entry in ini.actions]


# Ids per query when fetching updates by id; SQLite takes at most 32,766 parameters.
ID_BATCH = 30_000


def _day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, in Bangkok time: a day's updates count as that day's."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def build_review_report(*, schedule: ReviewSchedule, year: int) -> ReviewReport | None:
    """The report for the review falling due in `year`, or None if none does, as at the
    schedule's day. Six queries (more past 30,000 actions): the review's own row (held or
    not); the actions, with the id of their last update before the period; their initiatives
    and themes; those updates; the updates in the period. Each action's state at the end is
    its last update in the period, or its state at the start; so nothing older than the
    period is read beyond one row per action."""
    strategy, today = schedule.strategy, schedule.today
    # Only reviews whose period has begun have a report; asking for the year 10,000 costs nothing.
    if year > today.year + 1:
        return None
    number = schedule.number_due_in(year)
    if number is None:
        return None
    start, due = strategy.review_due(number - 1), strategy.review_due(number)
    if start > today:
        return None
    end = min(due, today)
    start_cut, end_cut = _day_end(start), _day_end(end)
    held_on = Review.objects.filter(strategy=strategy, number=number).values_list("held_on", flat=True).first()

    in_strategy = Action.objects.filter(initiative__theme__strategy=strategy)
    # Prefetched rather than joined: a few hundred initiatives shared by all their actions,
    # not one copy per action.
    actions = list(
        in_strategy.annotate(start_update_id=_latest_before(start_cut))
        .prefetch_related("initiative__theme")
        .order_by(*STRATEGY_ORDER)
    )
    start_ids = [action.start_update_id for action in actions if action.start_update_id]  # type: ignore[attr-defined]
    at_start = _updates_by_action(start_ids)
    in_period: dict[int, list[ActionUpdate]] = defaultdict(list)
    for update in (
        ActionUpdate.objects.filter(action__in=in_strategy, recorded_at__gte=start_cut, recorded_at__lt=end_cut)
        .select_related("author")
        .order_by("action_id", "recorded_at")
    ):
        in_period[update.action_id].append(update)

    themes: dict[int, ThemeInPeriod] = {}
    initiatives: dict[int, InitiativeInPeriod] = {}
    entries = []
    for action in actions:
        updates = in_period[action.pk]
        start_state = at_start.get(action.pk)
        at_end = updates[-1] if updates else start_state
        entry = ActionInPeriod(
            action=action,
            at_start=start_state,
            at_end=at_end,
            updates=updates,
            overdue_at_end=bool(
                at_end
                and at_end.target_date
                and at_end.target_date < end
                and at_end.status not in Action.CLOSED_STATUSES
            ),
            stale_at_end=bool(
                (at_end is None or at_end.recorded_at < Action.stale_since(end))
                and (at_end is None or at_end.status not in Action.CLOSED_STATUSES)
            ),
        )
        entries.append(entry)
        initiative = action.initiative
        theme_entry = themes.setdefault(initiative.theme_id, ThemeInPeriod(initiative.theme))
        if initiative.pk not in initiatives:
            initiatives[initiative.pk] = InitiativeInPeriod(initiative)
            theme_entry.initiatives.append(initiatives[initiative.pk])
        initiatives[initiative.pk].actions.append(entry)

    return ReviewReport(
        strategy=strategy,
        year=year,
        start=start,
        end=end,
        due=due,
        is_complete=due <= today,
        review=schedule.standing(number, held_on),
        themes=list(themes.values()),
        status_at_start=_count_statuses(e.at_start for e in entries),
        status_at_end=_count_statuses(e.at_end for e in entries),
        updates_in_period=sum(len(e.updates) for e in entries),
        completed_in_period=sum(
            1
            for e in entries
            if e.at_end
            and e.at_end.status == Action.Status.COMPLETED
            and (e.at_start is None or e.at_start.status != Action.Status.COMPLETED)
        ),
        overdue_at_end=sum(e.overdue_at_end for e in entries),
        stale_at_end=sum(e.stale_at_end for e in entries),
    )


def _latest_before(cut: datetime.datetime) -> Subquery:
    """The id of an action's last update before `cut`: per action, one step down the index
    on (action, recorded_at) that the unique constraint actions_actionupdate_unique_time
    gives, however long the history."""
    earlier = ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_at__lt=cut)
    return Subquery(earlier.order_by("-recorded_at").values("pk")[:1])


def _updates_by_action(ids: list[int]) -> dict[int, ActionUpdate]:
    """The updates with these ids, by action. Fetched by id, in batches that SQLite accepts:
    a join back from the subquery made PostgreSQL hash the whole history."""
    found: dict[int, ActionUpdate] = {}
    for first in range(0, len(ids), ID_BATCH):
        # No order: the default one (by action, in the strategy's order) would join three tables.
        for update in ActionUpdate.objects.filter(pk__in=ids[first : first + ID_BATCH]).order_by():
            found[update.action_id] = update
    return found


def _count_statuses(states: Iterable[ActionUpdate | None]) -> dict[str, int]:
    by_status = dict.fromkeys([*Action.Status.values, ""], 0)
    for state in states:
        by_status[state.status if state else ""] += 1
    labels = {**dict(Action.Status.choices), "": "Not yet recorded"}
    return {labels[status]: n for status, n in by_status.items() if n or status}

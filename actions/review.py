"""The annual review report: each action's state at the start and end of a review period,
reconstructed from the history rather than read from today's values."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from actions.models import STRATEGY_ORDER, Action, ActionUpdate, Initiative, Strategy, Theme


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


def _day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, in Bangkok time: a day's updates count as that day's."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def build_review_report(*, strategy: Strategy, year: int, today: datetime.date) -> ReviewReport | None:
    """The report for the review falling due in `year`, or None if none does. Two queries."""
    # Only reviews whose period has begun have a report; asking for the year 10,000 costs nothing.
    if year > today.year + 1:
        return None
    period = strategy.review_period(year)
    if period is None or period[0] > today:
        return None
    start, due = period
    end = min(due, today)
    start_cut, end_cut = _day_end(start), _day_end(end)

    actions = list(
        Action.objects.filter(initiative__theme__strategy=strategy)
        .select_related("initiative__theme")
        .order_by(*STRATEGY_ORDER)
    )
    history: dict[int, list[ActionUpdate]] = defaultdict(list)
    for update in (
        ActionUpdate.objects.filter(action__in=actions, recorded_at__lt=end_cut)
        .select_related("author")
        .order_by("recorded_at")
    ):
        history[update.action_id].append(update)

    themes: dict[int, ThemeInPeriod] = {}
    initiatives: dict[int, InitiativeInPeriod] = {}
    entries = []
    for action in actions:
        updates = history[action.pk]
        before = [u for u in updates if u.recorded_at < start_cut]
        at_end = updates[-1] if updates else None
        entry = ActionInPeriod(
            action=action,
            at_start=before[-1] if before else None,
            at_end=at_end,
            updates=[u for u in updates if u.recorded_at >= start_cut],
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


def _count_statuses(states: Iterable[ActionUpdate | None]) -> dict[str, int]:
    counts = dict.fromkeys([label for _, label in Action.Status.choices] + ["Not yet recorded"], 0)
    for state in states:
        counts[state.get_status_display() if state else "Not yet recorded"] += 1
    return {label: n for label, n in counts.items() if n or label != "Not yet recorded"}

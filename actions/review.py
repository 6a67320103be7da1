"""The annual review report: each action's state at the start and end of a review period,
reconstructed from the history rather than read from today's values."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
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
    # Updates of the period left out of `updates` (a page shows only the latest few).
    more_updates: int = 0

    @property
    def updates_in_period(self) -> int:
        return len(self.updates) + self.more_updates


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
# Actions per batch of a streamed report (the CSV).
STREAM_BATCH = 2_000


def _day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, in Bangkok time: a day's updates count as that day's."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


@dataclass(frozen=True)
class ReviewPeriod:
    """One review's period as at the schedule's day: what every part of its report is about."""

    strategy: Strategy
    year: int
    start: datetime.date
    end: datetime.date  # the review's due date, or the schedule's day while it runs
    due: datetime.date
    review: ReviewStanding
    today: datetime.date  # the schedule's day

    @property
    def is_complete(self) -> bool:
        """The review has fallen due: the report is of its whole period, not "so far"."""
        return self.due <= self.today

    @property
    def is_past(self) -> bool:
        """Its last day is over, so no update made from now on falls in it: only one recorded
        with a past date (action_record_update's `recorded_at`) can change its report."""
        return self.due < self.today

    @property
    def start_cut(self) -> datetime.datetime:
        return _day_end(self.start)

    @property
    def end_cut(self) -> datetime.datetime:
        return _day_end(self.end)

    def updates(self) -> "QuerySet[ActionUpdate]":
        """The updates recorded in the period, through the index on recorded_at."""
        return ActionUpdate.objects.filter(
            action__initiative__theme__strategy=self.strategy,
            recorded_at__gte=self.start_cut,
            recorded_at__lt=self.end_cut,
        )


def review_period(*, schedule: ReviewSchedule, year: int) -> ReviewPeriod | None:
    """The period of the review falling due in `year`, or None if none does or it has not
    begun. One query, the review's own row (held or not); none for a year with no review."""
    strategy, today = schedule.strategy, schedule.today
    # Only reviews whose period has begun have a report; asking for the year 10,000 costs nothing.
    if year > today.year + 1:
        return None
    number = schedule.number_due_in(year)
    # A superseded strategy's reviews end with its period.
    if number is None or not strategy.has_review(number):
        return None
    start, due = strategy.review_due(number - 1), strategy.review_due(number)
    if start > today:
        return None
    held_on = Review.objects.filter(strategy=strategy, number=number).values_list("held_on", flat=True).first()
    return ReviewPeriod(
        strategy=strategy,
        year=year,
        start=start,
        end=min(due, today),
        due=due,
        review=schedule.standing(number, held_on),
        today=today,
    )


def build_review_report(*, schedule: ReviewSchedule, year: int) -> ReviewReport | None:
    """The whole report for the review falling due in `year`, every action with every update
    of the period (the CSV and the print version), or None if no review falls due then."""
    period = review_period(schedule=schedule, year=year)
    return full_review_report(period) if period else None


def full_review_report(period: ReviewPeriod) -> ReviewReport:
    """Every action of the period with every update. Five queries (more past 30,000
    actions): the actions, with the id of their last update before the period; their
    initiatives and themes; those updates; the updates in the period. Each action's state at
    the end is its last update in the period, or its state at the start; so nothing older
    than the period is read beyond one row per action. Its size grows with the record: the
    page shows `review_summary` instead once the record is large (report_views)."""
    strategy, start_cut = period.strategy, period.start_cut
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
        ActionUpdate.objects.filter(action__in=in_strategy, recorded_at__gte=start_cut, recorded_at__lt=period.end_cut)
        .select_related("author")
        .order_by("action_id", "recorded_at")
    ):
        in_period[update.action_id].append(update)

    entries = [_entry(period, action, at_start.get(action.pk), in_period[action.pk]) for action in actions]
    return ReviewReport(
        strategy=strategy,
        year=period.year,
        start=period.start,
        end=period.end,
        due=period.due,
        is_complete=period.is_complete,
        review=period.review,
        themes=grouped(entries),
        status_at_start=_count_statuses(e.at_start.status if e.at_start else "" for e in entries),
        status_at_end=_count_statuses(e.at_end.status if e.at_end else "" for e in entries),
        updates_in_period=sum(len(e.updates) for e in entries),
        completed_in_period=sum(
            _completed(e.at_start.status if e.at_start else "", e.at_end.status if e.at_end else "") for e in entries
        ),
        overdue_at_end=sum(e.overdue_at_end for e in entries),
        stale_at_end=sum(e.stale_at_end for e in entries),
    )


def iter_review_actions(period: ReviewPeriod, *, batch: int | None = None) -> Iterator[ActionInPeriod]:
    """Every action of the period with every update, in the strategy's order, `batch`
    actions at a time: the CSV streams them as they come and holds one batch, not the whole
    record. Two queries, the actions' ids in order and the initiatives with their themes,
    then three a batch (the actions with the id of their last update before the period;
    those updates; the batch's updates in the period, with their authors)."""
    batch = batch or STREAM_BATCH
    in_strategy = Action.objects.filter(initiative__theme__strategy=period.strategy)
    ids = list(in_strategy.order_by(*STRATEGY_ORDER).values_list("pk", flat=True))
    initiatives = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(theme__strategy=period.strategy).select_related("theme")
    }
    for first in range(0, len(ids), batch):
        chunk = ids[first : first + batch]
        # No order: the batch is put back in the strategy's order from `chunk`.
        actions = {
            action.pk: action
            for action in Action.objects.filter(pk__in=chunk)
            .annotate(start_update_id=_latest_before(period.start_cut))
            .order_by()
        }
        at_start = _updates_by_action(
            [action.start_update_id for action in actions.values() if action.start_update_id]  # type: ignore[attr-defined]
        )
        in_period: dict[int, list[ActionUpdate]] = defaultdict(list)
        for update in (
            ActionUpdate.objects.filter(
                action_id__in=chunk, recorded_at__gte=period.start_cut, recorded_at__lt=period.end_cut
            )
            .select_related("author")
            .order_by("action_id", "recorded_at")
        ):
            in_period[update.action_id].append(update)
        for pk in chunk:
            action = actions[pk]
            action.initiative = initiatives[action.initiative_id]
            yield _entry(period, action, at_start.get(pk), in_period[pk])


def _entry(
    period: ReviewPeriod,
    action: Action,
    start_state: ActionUpdate | None,
    updates: list[ActionUpdate],
    more_updates: int = 0,
) -> ActionInPeriod:
    """One action over the period, from its state at the start and its (latest) updates in it."""
    at_end = updates[-1] if updates else start_state
    return ActionInPeriod(
        action=action,
        at_start=start_state,
        at_end=at_end,
        updates=updates,
        overdue_at_end=_overdue(period, at_end.status, at_end.target_date) if at_end else False,
        stale_at_end=_stale(period, at_end.status if at_end else "", at_end.recorded_at if at_end else None),
        more_updates=more_updates,
    )


def _overdue(period: ReviewPeriod, status: str, target_date: datetime.date | None) -> bool:
    return bool(target_date and target_date < period.end and status not in Action.CLOSED_STATUSES)


def _stale(period: ReviewPeriod, status: str, recorded_at: datetime.datetime | None) -> bool:
    """Open at the end with no update for six months (an action never recorded is open)."""
    return (recorded_at is None or recorded_at < Action.stale_since(period.end)) and (
        status not in Action.CLOSED_STATUSES
    )


def _completed(status_at_start: str, status_at_end: str) -> bool:
    return status_at_end == Action.Status.COMPLETED and status_at_start != Action.Status.COMPLETED


def grouped(entries: Iterable[ActionInPeriod]) -> list[ThemeInPeriod]:
    """The entries (in the strategy's order) under their themes and initiatives."""
    themes: dict[int, ThemeInPeriod] = {}
    initiatives: dict[int, InitiativeInPeriod] = {}
    for entry in entries:
        initiative = entry.action.initiative
        theme_entry = themes.setdefault(initiative.theme_id, ThemeInPeriod(initiative.theme))
        if initiative.pk not in initiatives:
            initiatives[initiative.pk] = InitiativeInPeriod(initiative)
            theme_entry.initiatives.append(initiatives[initiative.pk])
        initiatives[initiative.pk].actions.append(entry)
    return list(themes.values())


@dataclass
class InitiativeFigures:
    """One initiative's line of the summary: how its actions fared over the period."""

    initiative: Initiative
    actions: int = 0
    moved: int = 0  # status at the end not the status at the start (both recorded)
    completed: int = 0
    overdue: int = 0
    stale: int = 0
    updates: int = 0


@dataclass
class ThemeFigures:
    theme: Theme
    initiatives: list[InitiativeFigures]

    def total(self, name: str) -> int:
        return sum(getattr(figures, name) for figures in self.initiatives)

    @property
    def actions(self) -> int:
        return self.total("actions")

    @property
    def moved(self) -> int:
        return self.total("moved")

    @property
    def completed(self) -> int:
        return self.total("completed")

    @property
    def overdue(self) -> int:
        return self.total("overdue")

    @property
    def stale(self) -> int:
        return self.total("stale")

    @property
    def updates(self) -> int:
        return self.total("updates")


@dataclass
class ReviewSummary:
    """The report's figures, for the whole strategy and each theme and initiative: its size
    grows with the number of initiatives, never with the number of actions or updates."""

    period: ReviewPeriod
    themes: list[ThemeFigures]
    action_count: int
    status_at_start: dict[str, int]
    status_at_end: dict[str, int]
    updates_in_period: int
    moved_in_period: int
    completed_in_period: int
    overdue_at_end: int
    stale_at_end: int


def review_summary(period: ReviewPeriod) -> ReviewSummary:
    """The figures of the period, in three queries whatever the number of actions: the
    themes; their initiatives; each action's state at both ends (a row of five values, no
    model built, from one step down the index on (action, recorded_at) per end and value);
    the period's updates counted by initiative (through the index on recorded_at)."""
    themes = list(Theme.objects.filter(strategy=period.strategy).prefetch_related("initiatives").order_by("position"))
    figures = {
        initiative.pk: InitiativeFigures(initiative) for theme in themes for initiative in theme.initiatives.all()
    }
    start_cut, end_cut = period.start_cut, period.end_cut
    states = (
        Action.objects.filter(initiative__theme__strategy=period.strategy)
        .annotate(
            start_status=_latest_before(start_cut, "status"),
            end_status=_latest_before(end_cut, "status"),
            end_target=_latest_before(end_cut, "target_date"),
            end_at=_latest_before(end_cut, "recorded_at"),
        )
        .order_by()
        .values_list("initiative_id", "start_status", "end_status", "end_target", "end_at")
    )
    at_start: list[str] = []
    at_end: list[str] = []
    for initiative_id, start_status, end_status, end_target, end_at in states.iterator(chunk_size=5000):
        start_status, end_status = start_status or "", end_status or ""
        line = figures[initiative_id]
        line.actions += 1
        line.moved += bool(start_status and end_status and start_status != end_status)
        line.completed += _completed(start_status, end_status)
        line.overdue += _overdue(period, end_status, end_target)
        line.stale += _stale(period, end_status, end_at)
        at_start.append(start_status)
        at_end.append(end_status)
    for initiative_id, count in (
        period.updates().order_by().values_list("action__initiative_id").annotate(count=Count("pk"))
    ):
        figures[initiative_id].updates = count

    by_theme = [
        ThemeFigures(theme, [figures[initiative.pk] for initiative in theme.initiatives.all()]) for theme in themes
    ]
    lines = list(figures.values())
    return ReviewSummary(
        period=period,
        themes=by_theme,
        action_count=len(at_end),
        status_at_start=_count_statuses(at_start),
        status_at_end=_count_statuses(at_end),
        updates_in_period=sum(line.updates for line in lines),
        moved_in_period=sum(line.moved for line in lines),
        completed_in_period=sum(line.completed for line in lines),
        overdue_at_end=sum(line.overdue for line in lines),
        stale_at_end=sum(line.stale for line in lines),
    )


def review_detail(period: ReviewPeriod, actions: Iterable[Action], *, updates_shown: int) -> list[ActionInPeriod]:
    """Each of `actions` (a page of them, with their initiatives) over the period, with its
    latest `updates_shown` updates of the period and a count of the rest. Three queries
    whatever the history: the actions' states at the start (their last update before it, by
    id), their latest updates in the period (numbered from the latest by a window function),
    and those updates' authors; plus the count of each action's updates in the period."""
    actions = list(actions)
    ids = [action.pk for action in actions]
    start_ids = (
        ActionUpdate.objects.filter(pk__in=Subquery(_latest_before_ids(period.start_cut, ids)))
        if ids
        else ActionUpdate.objects.none()
    )
    at_start = {update.action_id: update for update in start_ids.order_by()}
    in_period = ActionUpdate.objects.filter(
        action_id__in=ids, recorded_at__gte=period.start_cut, recorded_at__lt=period.end_cut
    )
    counts = dict(in_period.order_by().values_list("action_id").annotate(count=Count("pk"))) if ids else {}
    latest: dict[int, list[ActionUpdate]] = defaultdict(list)
    if counts:
        ranked = in_period.annotate(
            from_latest=Window(RowNumber(), partition_by=F("action_id"), order_by=F("recorded_at").desc())
        ).filter(from_latest__lte=updates_shown)
        # Authors prefetched, not joined: Django drops a join's columns when it wraps a query
        # filtered on a window function.
        for update in ranked.prefetch_related("author").order_by("action_id", "recorded_at"):
            latest[update.action_id].append(update)
    return [
        _entry(
            period,
            action,
            at_start.get(action.pk),
            latest[action.pk],
            more_updates=counts.get(action.pk, 0) - len(latest[action.pk]),
        )
        for action in actions
    ]


def _latest_before_ids(cut: datetime.datetime, action_ids: list[int]) -> "QuerySet[Action, dict[str, Any]]":
    """The id of the last update before `cut` of each of these actions."""
    return Action.objects.filter(pk__in=action_ids).annotate(update_id=_latest_before(cut)).values("update_id")


def _latest_before(cut: datetime.datetime, value: str = "pk") -> Subquery:
    """A value (the id by default) of an action's last update before `cut`: per action, one
    step down the index on (action, recorded_at) that the unique constraint
    actions_actionupdate_unique_time gives, however long the history."""
    earlier = ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_at__lt=cut)
    return Subquery(earlier.order_by("-recorded_at").values(value)[:1])


def _updates_by_action(ids: list[int]) -> dict[int, ActionUpdate]:
    """The updates with these ids, by action. Fetched by id, in batches that SQLite accepts:
    a join back from the subquery made PostgreSQL hash the whole history."""
    found: dict[int, ActionUpdate] = {}
    for first in range(0, len(ids), ID_BATCH):
        # No order: the default one (by action, in the strategy's order) would join three tables.
        for update in ActionUpdate.objects.filter(pk__in=ids[first : first + ID_BATCH]).order_by():
            found[update.action_id] = update
    return found


def _count_statuses(statuses: Iterable[str]) -> dict[str, int]:
    """Actions by status ("" for none recorded yet), by label, in the statuses' order;
    "Not yet recorded" only when there are some."""
    by_status = dict.fromkeys([*Action.Status.values, ""], 0)
    for status in statuses:
        by_status[status] += 1
    labels = {**dict(Action.Status.choices), "": "Not yet recorded"}
    return {labels[status]: n for status, n in by_status.items() if n or status}

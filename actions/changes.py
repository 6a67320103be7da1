"""What changed in a period, then → now: how many actions moved from each status to each
other between the start of a period and its end (or today).

The dashboard's "Changes since the last review" and its picker of every review period of
the strategy. An action's status at the start is the one its history had in force then: its
last update before the start; failing that, what its first update in the period replaced (the
baseline's own status, when that first update is the baseline taken from the record). Only
actions with an update in the period are looked at, found through the index on recorded_at:
the others cannot have moved. Counted in SQL, so two queries whatever the size of the record.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, QuerySet, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateformat import format as format_date

from actions.models import STRATEGY_ORDER, Action, ActionUpdate
from actions.schedule import ReviewSchedule, review_years

# The actions named under each move on the dashboard; the rest are a link away.
LISTED_PER_MOVE = 10
STATUS_ORDER = {status: rank for rank, status in enumerate(Action.Status.values)}
# The annotations of with_states(), named once (django-stubs cannot follow annotations
# through a function's return type).
STATES = ("status_then", "status_now", "updated")


@dataclass(frozen=True)
class Period:
    """A stretch of the strategy's life over which changes are counted."""

    start: datetime.date
    # None: to now.
    end: datetime.date | None
    # Updates recorded from `start_cut` (and before `end_cut`) are the period's.
    start_cut: datetime.datetime
    end_cut: datetime.datetime | None
    # The review whose period this is, and the year it falls due (the picker's value);
    # None for "since the last review".
    review_number: int | None = None
    review_year: int | None = None
    # Since the last review: the day it was held (None while none has been: since the endorsement).
    last_held_on: datetime.date | None = None
    # A review's period that has not reached its end yet.
    under_way: bool = False

    @property
    def value(self) -> str:
        """What the picker sends for this period (?review=2015); empty for the default."""
        return str(self.review_year) if self.review_year else ""

    @property
    def label(self) -> str:
        """The picker's words for the period: short, as a phone shows 35 characters or so."""
        if self.review_number is None:
            # Its date is in the heading above the picker.
            return "Since the last review" if self.last_held_on else "Since the endorsement"
        end = "today" if self.under_way or self.end is None else format_date(self.end, "M Y")
        return f"Review {self.review_number}: {format_date(self.start, 'M Y')} to {end}"


def since_last_review(reviews: ReviewSchedule) -> Period:
    """From the day the last review was held (or the endorsement) to now. The review's own
    day is in the period, as a status recorded that day follows the review's discussion."""
    return Period(
        start=reviews.changes_since,
        end=None,
        start_cut=_midnight(reviews.changes_since),
        end_cut=None,
        last_held_on=reviews.last_held.held_on if reviews.last_held else None,
    )


def review_period(reviews: ReviewSchedule, year: int) -> Period | None:
    """The period the review falling due in `year` looks back on, counted as its review report
    counts it (a day's updates are that day's, so the start day's are the period before's);
    None when no review of the strategy falls due that year, or its period has not begun."""
    strategy, today = reviews.strategy, reviews.today
    if year not in review_years(strategy, today=today):
        return None
    number = reviews.number_due_in(year)
    dates = strategy.review_period(year)
    if number is None or dates is None or dates[0] > today:
        return None
    start, due = dates
    end = min(due, today)
    return Period(
        start=start,
        end=end,
        start_cut=_day_end(start),
        end_cut=_day_end(end),
        review_number=number,
        review_year=year,
        under_way=due > today,
    )


def every_period(reviews: ReviewSchedule) -> list[Period]:
    """The picker's choices: since the last review, then every review's period, latest first."""
    periods = (review_period(reviews, year) for year in reversed(review_years(reviews.strategy, today=reviews.today)))
    return [since_last_review(reviews), *(period for period in periods if period)]


def period_asked(reviews: ReviewSchedule, value: str | None) -> tuple[Period, str | None]:
    """The period `?review=` names, or since the last review when it names none; with an
    error message when it names something that is not a review of the strategy."""
    if not value:
        return since_last_review(reviews), None
    period = review_period(reviews, int(value)) if re.fullmatch(r"[0-9]{4}", value) else None
    if period is None:
        years = review_years(reviews.strategy, today=reviews.today)
        return since_last_review(reviews), (
            f"There is no review period “{value[:20]}”: the strategy's reviews fall due in "
            f"{years[0]} to {years[-1]}. The changes shown are those since the last review."
        )
    return period, None


@dataclass(frozen=True)
class Move:
    """The actions that were in one status at the start of the period and are in another at its end."""

    then: str
    now: str
    count: int
    # The first LISTED_PER_MOVE, in the strategy's order.
    actions: list[Action]
    # The page listing all of them.
    url: str

    @property
    def then_label(self) -> str:
        return Action.Status(self.then).label

    @property
    def now_label(self) -> str:
        return Action.Status(self.now).label

    @property
    def more(self) -> int:
        return self.count - len(self.actions)


@dataclass(frozen=True)
class Changes:
    period: Period
    moves: list[Move] = field(default_factory=list)
    # Actions updated in the period whose status at its end is the one they began it with.
    updated_unchanged: int = 0

    @property
    def moved(self) -> int:
        return sum(move.count for move in self.moves)


def build_changes(
    *, actions: "QuerySet[Action]", period: Period, move_url: Callable[[str, str], str], listed: int = LISTED_PER_MOVE
) -> Changes:
    """The moves of `actions` over `period`, in two queries whatever the size of the record,
    each with its first `listed` actions (the dashboard's tally keeps more than it shows).

    The first reads each action's states once and returns, for every group of (status then,
    status now, updated), its size and its first LISTED_PER_MOVE actions in the strategy's
    order (two window functions over the groups): a few hundred rows at most. The second
    reads those actions' initiatives, for their names."""
    groups = [F(name) for name in STATES]
    first_of_each = (
        with_states(actions, period)
        .annotate(
            # STRATEGY_ORDER, as values of the row: Django's wrapping of a query filtered on
            # a window function loses columns of joined tables, whether selected
            # (select_related) or ordered by, and then fails reading the rows.
            theme_position=F("initiative__theme__position"),
            initiative_position=F("initiative__position"),
            group_size=Window(Count("pk"), partition_by=groups),
            # The id breaks ties (themes of two strategies share positions), so the first
            # few are the same whichever way they are counted (actions.tally keeps them).
            rank=Window(RowNumber(), partition_by=groups, order_by=[F(name).asc() for name in (*STRATEGY_ORDER, "pk")]),
        )
        .filter(rank__lte=listed)
        # What a listed action's name and link need: narrow rows sort in memory (the
        # action's text made the sort of 100,000 spill to disk).
        .only("pk", "number", "initiative")
        .prefetch_related("initiative")
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], list[Action]] = {}
    updated_unchanged = 0
    for action in sorted(first_of_each, key=_in_strategy_order):
        then, now, updated = (getattr(action, name) for name in STATES)
        first_of_group = action.rank == 1  # type: ignore[attr-defined]
        if then == now:
            updated_unchanged += action.group_size if updated and first_of_group else 0  # type: ignore[attr-defined]
            continue
        if first_of_group:
            counts[(then, now)] = counts.get((then, now), 0) + action.group_size  # type: ignore[attr-defined]
        first.setdefault((then, now), []).append(action)
    moves = [
        # A move's actions may come in two groups (updated or not, which a move almost always
        # is), read together in the strategy's order: the first few of the two are kept.
        Move(then=then, now=now, count=count, actions=first[(then, now)][:listed], url=move_url(then, now))
        for (then, now), count in sorted(counts.items(), key=lambda item: _move_order(item[0]))
    ]
    return Changes(period=period, moves=moves, updated_unchanged=updated_unchanged)


def with_states(actions: "QuerySet[Action]", period: Period) -> "QuerySet[Action]":
    """The actions updated in `period`, each with its status at the start (status_then) and at
    the end (status_now), and whether an update other than the baseline falls in it (updated).
    Each subquery is one step down the unique index on (action, recorded_at)."""
    in_period = ActionUpdate.objects.filter(recorded_at__gte=period.start_cut)
    if period.end_cut is not None:
        in_period = in_period.filter(recorded_at__lt=period.end_cut)
    before = ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_at__lt=period.start_cut)
    own = in_period.filter(action=OuterRef("pk"))
    # The baseline replaced nothing: the status it records is the one in force before it.
    replaced = Case(When(previous_status="", then=F("status")), default=F("previous_status"))
    status_then = Coalesce(
        Subquery(before.order_by("-recorded_at").values("status")[:1]),
        Subquery(own.order_by("recorded_at").annotate(replaced=replaced).values("replaced")[:1]),
    )
    # To now: the action's own status, which every update sets.
    status_now = F("status") if period.end_cut is None else Subquery(own.order_by("-recorded_at").values("status")[:1])
    return actions.filter(pk__in=in_period.values("action_id")).annotate(
        status_then=status_then,
        status_now=status_now,
        updated=Exists(own.exclude(previous_status="")),
    )


def moved(actions: "QuerySet[Action]", period: Period, *, then: str, now: str) -> "QuerySet[Action]":
    """The actions that went from status `then` at the start of `period` to `now` at its end."""
    return with_states(actions, period).filter(**{STATES[0]: then, STATES[1]: now})


def _in_strategy_order(action: Action) -> tuple[int, int, int, int]:
    return action.theme_position, action.initiative_position, action.number, action.pk  # type: ignore[attr-defined]


def _move_order(move: tuple[str, str]) -> tuple[int, int]:
    return STATUS_ORDER.get(move[0], len(STATUS_ORDER)), STATUS_ORDER.get(move[1], len(STATUS_ORDER))


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in Bangkok time, where the dashboard's days begin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, as the review report counts a day's updates."""
    return _midnight(day + datetime.timedelta(days=1))

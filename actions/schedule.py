"""The strategy's review schedule, worked out in one place: which review was last held,
which one is next, and whether it is overdue.

The dashboard, the reminder scan (and each reminder as it is sent) and the review report
all read it, so they cannot disagree. It rests on two things only: the strategy's interval,
which dates every review (`Strategy.review_due`), and the reviews the secretariat has
recorded as held.

- The last review is the highest-numbered one recorded as held on or before the day asked
  about; a review recorded as held on a later day is not held yet on that day (the scan's
  `--date` looks at the past as it was).
- The next review is the first after the last one held. It is overdue once its due date has
  passed. A review never recorded as held is superseded, and counted as missed, once the
  review after it comes within the reminder window (the longest of REMINDER_OFFSETS_DAYS, 60
  days): from then on reminders, the dashboard and the report speak of the later review, so
  its first reminder is never crowded out by weekly notices about the old one.
"""

import datetime
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery

from actions.models import Review, Strategy


@dataclass(frozen=True)
class HeldReview:
    number: int
    due_on: datetime.date
    held_on: datetime.date


class ReviewState(enum.StrEnum):
    HELD = "held"
    # The next review, not yet due, or due today.
    UPCOMING = "upcoming"
    # The next review, its due date passed and not recorded as held.
    OVERDUE = "overdue"
    # Fell due, was not recorded as held, and the review after it came round.
    MISSED = "missed"
    # After the next review: its period has not reached its turn.
    LATER = "later"


@dataclass(frozen=True)
class ReviewStanding:
    """Where one review stands on the schedule's day: what the review report says of it."""

    number: int
    due_on: datetime.date
    held_on: datetime.date | None
    state: ReviewState
    days_overdue: int
    days_left: int

    @property
    def days_late(self) -> int:
        """How long after its due date the review was held; 0 if on time or not held."""
        return max((self.held_on - self.due_on).days, 0) if self.held_on else 0


@dataclass(frozen=True)
class ReviewSchedule:
    strategy: Strategy
    today: datetime.date
    last_held: HeldReview | None
    next_number: int
    next_due: datetime.date

    @classmethod
    def build(
        cls, *, strategy: Strategy, last_held: HeldReview | None, today: datetime.date, window_days: int
    ) -> "ReviewSchedule":
        number = last_held.number + 1 if last_held else 1
        # Supersede a review while the one after it is already within the reminder window.
        horizon = today + datetime.timedelta(days=window_days)
        while strategy.review_due(number + 1) <= horizon:
            number += 1
        return cls(
            strategy=strategy,
            today=today,
            last_held=last_held,
            next_number=number,
            next_due=strategy.review_due(number),
        )

    @property
    def is_overdue(self) -> bool:
        return self.next_due < self.today

    @property
    def days_overdue(self) -> int:
        return max((self.today - self.next_due).days, 0)

    @property
    def days_left(self) -> int:
        return max((self.next_due - self.today).days, 0)

    @property
    def next_period_start(self) -> datetime.date:
        """Where the period the next review looks back on begins: the review before it (or
        the endorsement). Its report exists from then; a review held early can put it ahead."""
        return self.strategy.review_due(self.next_number - 1)

    @property
    def missed(self) -> range:
        """The reviews after the last one held that fell due and were never recorded as held."""
        return range(self.last_held.number + 1 if self.last_held else 1, self.next_number)

    @property
    def changes_since(self) -> datetime.date:
        """Where "changes since the last review" begin: the day the last review was held, or
        the endorsement while none has been."""
        return self.last_held.held_on if self.last_held else self.strategy.endorsed_on

    def number_due_in(self, year: int) -> int | None:
        """The review falling due in `year` (the first, were the interval under a year), or None."""
        number = 1
        while self.strategy.review_due(number).year < year:
            number += 1
        return number if self.strategy.review_due(number).year == year else None

    def standing(self, number: int, held_on: datetime.date | None) -> ReviewStanding:
        """Review `number`, recorded as held on `held_on` (or not), as at the schedule's day."""
        due_on = self.strategy.review_due(number)
        if held_by(held_on, self.today):
            state = ReviewState.HELD
        elif number < self.next_number:
            state = ReviewState.MISSED
        elif number > self.next_number:
            state = ReviewState.LATER
        else:
            state = ReviewState.OVERDUE if self.is_overdue else ReviewState.UPCOMING
        return ReviewStanding(
            number=number,
            due_on=due_on,
            held_on=held_on if state == ReviewState.HELD else None,
            state=state,
            days_overdue=max((self.today - due_on).days, 0),
            days_left=max((due_on - self.today).days, 0),
        )


def held_by(held_on: datetime.date | None, today: datetime.date) -> bool:
    """Whether a review recorded as held on `held_on` had been held by `today`."""
    return held_on is not None and held_on <= today


def review_years(strategy: Strategy, *, today: datetime.date) -> list[int]:
    """The year of every review of the strategy so far, and of the next one: each has a report
    (the first reads from the endorsement) and a period the dashboard's changes can show. A
    dozen or so, one per review interval; reports are found by year, so two reviews in one
    year are one entry. A superseded strategy's stop with the last falling due in its period."""
    years: dict[int, None] = {}
    number = 1
    while strategy.has_review(number):
        due = strategy.review_due(number)
        years[due.year] = None
        if due > today:
            break
        number += 1
    return list(years)


def reminder_window_days() -> int:
    """How far ahead the first reminder of a review goes out: a review comes round then."""
    return max(settings.REMINDER_OFFSETS_DAYS, default=0)


def current_schedule(*, today: datetime.date) -> ReviewSchedule | None:
    """The schedule of the current strategy as at `today`, or None when no strategy is
    current. One query: the strategy with its last review held by then."""
    return strategy_schedule(today=today)


def strategy_schedule(*, today: datetime.date, slug: str | None = None) -> ReviewSchedule | None:
    """The schedule of the strategy `slug` (the current one without it) as at `today`, or None
    when there is no such strategy. One query: the strategy with its last review held by then."""
    # held_by() in SQL; latest number first, down the unique (strategy, number) index.
    held = Review.objects.filter(strategy=OuterRef("pk"), held_on__lte=today).order_by("-number")
    strategies = Strategy.objects.filter(slug=slug) if slug else Strategy.objects.filter(status=Strategy.Status.CURRENT)
    strategy = strategies.annotate(
        last_held_number=Subquery(held.values("number")[:1]),
        last_held_due=Subquery(held.values("due_on")[:1]),
        last_held_on=Subquery(held.values("held_on")[:1]),
    ).first()
    if strategy is None:
        return None
    number = strategy.last_held_number  # type: ignore[attr-defined]
    last_held = (
        HeldReview(number, strategy.last_held_due, strategy.last_held_on)  # type: ignore[attr-defined]
        if number is not None
        else None
    )
    return ReviewSchedule.build(strategy=strategy, last_held=last_held, today=today, window_days=reminder_window_days())

"""The dashboard, the reminder scan and the review report agree on which review is next,
which was last held and whether one is overdue (actions.schedule works it out for all three).

Each case freezes the clock on the real record (endorsed 6 August 2014, reviewed yearly),
records the reviews held, and reads all three: the co-chairs' dashboard, the README's
`send_review_reminders --dry-run`, and the review report of the year each review falls due.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import strip_tags

from actions.models import Review, Strategy
from actions.schedule import ReviewState

pytestmark = pytest.mark.django_db

TITLE = "Bali Process Strategy for Cooperation: 2014 and Beyond"


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass(frozen=True)
class Case:
    today: str
    held: dict[int, str]
    # What all three must say.
    next_number: int
    next_due: str
    days_overdue: int
    last_held: tuple[int, str] | None
    # The scan's one line per focal point, without the " to <address>", or None.
    reminded: str | None
    # Report year -> where its review stands there.
    reports: dict[int, ReviewState] = field(default_factory=dict)
    dashboard_says: str = ""


CASES = {
    "before the first review": Case(
        today="2014-12-01",
        held={},
        next_number=1,
        next_due="2015-08-06",
        days_overdue=0,
        last_held=None,
        reminded=None,
        reports={2015: ReviewState.UPCOMING},
        dashboard_says="review 1, falls due on 6 August 2015, in 248 days.",
    ),
    "review due in 30 days": Case(
        today="2015-07-07",
        held={},
        next_number=1,
        next_due="2015-08-06",
        days_overdue=0,
        last_held=None,
        reminded=f"Review 1 of {TITLE}, due 6 August 2015: 30 days before",
        reports={2015: ReviewState.UPCOMING},
        dashboard_says="review 1, falls due on 6 August 2015, in 30 days.",
    ),
    # The morning: the dashboard said the last review was 6 August 2026, the scan
    # "112 days overdue" (its weekly reminder's offset, on the 113th day).
    "review overdue and not held": Case(
        today="2026-11-27",
        held={},
        next_number=12,
        next_due="2026-08-06",
        days_overdue=113,
        last_held=None,
        reminded=f"Review 12 of {TITLE}, due 6 August 2026: 16 weeks overdue",
        reports={2026: ReviewState.OVERDUE, 2025: ReviewState.MISSED},
        dashboard_says="Review 12 of the strategy by the Steering Group and the AHG fell due on "
        "6 August 2026 and is 113 days overdue: it is not recorded as held.",
    ),
    "review held late": Case(
        today="2026-12-01",
        held={11: "2025-08-20", 12: "2026-11-30"},
        next_number=13,
        next_due="2027-08-06",
        days_overdue=0,
        last_held=(12, "2026-11-30"),
        reminded=None,
        reports={2026: ReviewState.HELD, 2025: ReviewState.HELD, 2027: ReviewState.UPCOMING},
        dashboard_says="The last review held was review 12, on 30 November 2026 (due 6 August 2026).",
    ),
    "next review after a held one": Case(
        today="2027-07-07",
        held={12: "2026-11-30"},
        next_number=13,
        next_due="2027-08-06",
        days_overdue=0,
        last_held=(12, "2026-11-30"),
        reminded=f"Review 13 of {TITLE}, due 6 August 2027: 30 days before",
        reports={2026: ReviewState.HELD, 2027: ReviewState.UPCOMING},
        dashboard_says="review 13, falls due on 6 August 2027, in 30 days.",
    ),
    # The semantics chosen for a review never held: once the next one is 60 days away (the
    # first reminder), the old one is missed and everything speaks of the new one.
    "a review never held is superseded when the next comes in sight": Case(
        today="2027-06-07",
        held={11: "2025-08-20"},
        next_number=13,
        next_due="2027-08-06",
        days_overdue=0,
        last_held=(11, "2025-08-20"),
        reminded=f"Review 13 of {TITLE}, due 6 August 2027: 60 days before",
        reports={2026: ReviewState.MISSED, 2027: ReviewState.UPCOMING},
        dashboard_says="1 earlier review was never recorded as held.",
    ),
    "a review held early moves the next a whole cycle on": Case(
        today="2027-06-07",
        held={12: "2026-09-01", 13: "2027-05-20"},
        next_number=14,
        next_due="2028-08-06",
        days_overdue=0,
        last_held=(13, "2027-05-20"),
        reminded=None,
        reports={2027: ReviewState.HELD},
        dashboard_says="The next review's period begins on 6 August 2027",
    ),
    # A review recorded as held on a later day is not held yet on the day looked at.
    "a review recorded as held later is not held yet": Case(
        today="2026-11-26",
        held={12: "2026-11-30"},
        next_number=12,
        next_due="2026-08-06",
        days_overdue=112,
        last_held=None,
        reminded=f"Review 12 of {TITLE}, due 6 August 2026: 16 weeks overdue",
        reports={2026: ReviewState.OVERDUE},
    ),
}


def _text(response) -> str:
    """The page's words as a reader sees them: no tags, single spaces."""
    return " ".join(html.unescape(strip_tags(response.text)).split())


def _dry_run(capsys) -> set[str]:
    call_command("send_review_reminders", "--dry-run")
    lines = capsys.readouterr().out.splitlines()
    return {
        re.sub(r" to \S+$", "", line.removeprefix("Would send: ")) for line in lines if "Would send: Review" in line
    }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_dashboard_scan_and_report_agree_on_the_next_and_last_review(
    client, focal_points, co_chair_user, capsys, case: Case
):
    strategy = Strategy.objects.get()
    for number, held_on in case.held.items():
        Review.objects.create(
            strategy=strategy, number=number, due_on=strategy.review_due(number), held_on=_day(held_on)
        )
    nine_in_bangkok = datetime.datetime.combine(_day(case.today), datetime.time(2, tzinfo=datetime.UTC))
    with time_machine.travel(nine_in_bangkok, tick=False):
        # Signed in on that day: a session older than 12 hours has ended.
        client.force_login(co_chair_user)
        page = client.get(reverse("dashboard:index"))
        reminded = _dry_run(capsys)
        reports = {year: client.get(reverse("dashboard:review", args=[year])) for year in case.reports}

    reviews = page.context["board"].reviews
    assert (reviews.next_number, reviews.next_due, reviews.is_overdue, reviews.days_overdue) == (
        case.next_number,
        _day(case.next_due),
        case.days_overdue > 0,
        case.days_overdue,
    )
    last = reviews.last_held
    assert ((last.number, last.held_on) if last else None) == (
        (case.last_held[0], _day(case.last_held[1])) if case.last_held else None
    )
    assert case.dashboard_says in _text(page)
    assert reminded == ({case.reminded} if case.reminded else set())
    if reviews.is_overdue:
        # The weekly reminder counts the whole weeks of the days the dashboard counts.
        assert (case.reminded or "").endswith(f": {reviews.days_overdue // 7} weeks overdue")
    for year, state in case.reports.items():
        review = reports[year].context["period"].review
        assert review.state == state, year
        if review.state != ReviewState.LATER and review.number == case.next_number:
            # The report of the next review's year says what the dashboard says of it.
            assert (review.due_on, review.days_overdue) == (reviews.next_due, reviews.days_overdue)
        if review.state == ReviewState.HELD:
            assert review.held_on == _day(case.held[review.number])


@time_machine.travel(datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC), tick=False)
def test_the_report_of_a_review_held_late_says_when_it_was_held(client, record, co_chair_user):
    strategy = Strategy.objects.get()
    Review.objects.create(strategy=strategy, number=12, due_on=datetime.date(2026, 8, 6), held_on=_day("2026-11-30"))
    client.force_login(co_chair_user)

    page = client.get(reverse("dashboard:review", args=[2026]))

    assert "Review 12 was held on 30 November 2026, 116 days after it fell due." in _text(page)


@time_machine.travel(datetime.datetime(2026, 11, 26, 2, tzinfo=datetime.UTC), tick=False)
def test_changes_since_the_last_review_count_from_the_day_it_was_held(client, record, co_chair_user):
    client.force_login(co_chair_user)
    never_held = client.get(reverse("dashboard:index"))
    strategy = Strategy.objects.get()
    Review.objects.create(strategy=strategy, number=1, due_on=datetime.date(2015, 8, 6), held_on=_day("2015-08-18"))

    held_once = client.get(reverse("dashboard:index"))

    # Each of the 31 actions has its baseline from the record, dated the endorsement.
    assert never_held.context["board"].changes_count == 31
    assert "Changes since the endorsement (6 August 2014): no review is recorded as held" in _text(never_held)
    assert held_once.context["board"].changes_count == 0
    assert "Changes since the last review (18 August 2015)" in _text(held_once)

"""The annual review report: the period's start and end rebuilt from the history."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from actions.models import Action, Review, Strategy
from actions.review import build_review_report, review_period, review_summary
from actions.schedule import ReviewSchedule, ReviewState
from actions.services import action_record_update
from tests.factories import ActionFactory, ThemeFactory

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)


def _report(strategy, year: int, today: datetime.date = datetime.date(2026, 11, 27), held=None):
    """The report as the page builds it, from the schedule of `today` (no review held unless told)."""
    schedule = ReviewSchedule.build(strategy=strategy, last_held=held, today=today, window_days=60)
    return build_review_report(schedule=schedule, year=year)


def _summary(strategy, year: int, today: datetime.date = datetime.date(2026, 11, 27)):
    schedule = ReviewSchedule.build(strategy=strategy, last_held=None, today=today, window_days=60)
    period = review_period(schedule=schedule, year=year)
    assert period is not None
    return review_summary(period)


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T09:00:00+07:00")


@pytest.fixture
def action(strategy):
    """Planned at endorsement, under way in March 2015, completed in January 2016."""
    action = ActionFactory(initiative__theme=ThemeFactory(strategy=strategy))
    for day, status, progress in [
        ("2014-08-06", "planned", 0),
        ("2015-03-01", "in_progress", 40),
        ("2016-01-15", "completed", 100),
    ]:
        action_record_update(
            action=action,
            author=None,
            status=status,
            progress=progress,
            target_date=None,
            note="",
            recorded_at=_at(day),
        )
    return action


def test_first_review_runs_from_the_endorsement_at_the_8th_ahg_som(strategy):
    report = _report(strategy, 2015)

    assert (report.start, report.end, report.is_complete) == (
        datetime.date(2014, 8, 6),
        datetime.date(2015, 8, 6),
        True,
    )


def test_start_and_end_of_a_period_come_from_the_history_not_todays_values(strategy, action):
    first = _report(strategy, 2015)
    second = _report(strategy, 2016)

    (in_first,) = first.actions
    (in_second,) = second.actions
    assert (in_first.at_start.status, in_first.at_end.status) == ("planned", "in_progress")
    assert [u.recorded_at for u in in_first.updates] == [_at("2015-03-01")]
    assert (in_second.at_start.status, in_second.at_end.status) == ("in_progress", "completed")
    assert (second.completed_in_period, first.completed_in_period) == (1, 0)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED  # today's value, which the first report ignores


def test_an_update_on_the_review_day_counts_in_the_period_it_closes(strategy, action):
    action_record_update(
        action=action,
        author=None,
        status="on_hold",
        progress=100,
        target_date=None,
        note="Paused.",
        recorded_at=_at("2016-08-06"),
    )

    closing = _report(strategy, 2016)
    opening = _report(strategy, 2017)

    assert closing.actions[0].at_end.status == "on_hold"
    assert opening.actions[0].at_start.status == "on_hold"
    assert opening.actions[0].updates == []


def test_a_period_still_running_is_reported_so_far(strategy, action):
    report = _report(strategy, 2027)

    assert (report.start, report.end, report.due, report.is_complete) == (
        datetime.date(2026, 8, 6),
        datetime.date(2026, 11, 27),
        datetime.date(2027, 8, 6),
        False,
    )


@time_machine.travel(TODAY, tick=False)
def test_report_on_the_record_shows_the_baseline_at_both_ends(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(reverse("dashboard:review", args=[2015]))

    summary = _summary(Strategy.objects.get(), 2015)
    assert summary.action_count == response.context["action_count"] == 31
    assert (
        summary.status_at_start
        == summary.status_at_end
        == {
            "Not started": 14,
            "Planned": 12,
            "In progress": 3,
            "Completed": 2,
            "On hold": 0,
            "Discontinued": 0,
        }
    )
    assert (summary.updates_in_period, summary.overdue_at_end) == (0, 4)
    page = response.content.decode()
    assert "review 1, 6 August 2014 to 6 August 2015</h1>" in page
    assert "under way" not in page


@time_machine.travel(datetime.datetime(2026, 12, 2, 3, tzinfo=datetime.UTC))
def test_a_review_under_way_says_so_and_every_review_is_a_click_away(client, record, co_chair_user):
    client.force_login(co_chair_user)

    page = client.get(reverse("dashboard:review", args=[2027])).content.decode()

    assert "review 13, 6 August 2026 to 6 August 2027" in page
    assert "(under way, as at 2 December 2026)" in page
    assert "<title>Annual review 2027 (under way) · BaliTrack</title>" in page
    links = re.findall(r'href="/reports/review/(\d{4})/"', page)
    assert links == [str(year) for year in range(2015, 2027)]
    assert '<strong aria-current="page">2027</strong>' in page
    # Every printed page says where it came from and when.
    assert "printed 2 December 2026, 10:00 Bangkok time" in page


@pytest.mark.parametrize("year", [2014, 2099])
def test_a_year_with_no_review_is_not_found(client, record, co_chair_user, year):
    client.force_login(co_chair_user)

    assert client.get(reverse("dashboard:review", args=[year])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_report_downloads_as_csv_with_a_row_per_action(client, record, member_user):
    client.force_login(member_user)

    response = client.get(reverse("dashboard:review-csv", args=[2015]))

    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[4:8] == [
        "status on 2014-08-06",
        "progress on 2014-08-06 (%)",
        "status on 2015-08-06",
        "progress on 2015-08-06 (%)",
    ]
    assert len(rows) == 31
    guides = next(
        row for row in rows if row[1] == "Policy guides on criminalising migrant smuggling and trafficking in persons"
    )
    assert guides[4:9] == ["Completed", "100", "Completed", "100", "0"]


@pytest.mark.parametrize("years_of_history", [1, 8])
def test_report_costs_six_queries_however_long_the_history(strategy, django_assert_num_queries, years_of_history):
    action = ActionFactory(initiative__theme=ThemeFactory(strategy=strategy))
    for year in range(2014, 2014 + years_of_history):
        for month, status in [(3, "planned"), (9, "in_progress")]:
            action_record_update(
                action=action,
                author=None,
                status=status,
                progress=10,
                target_date=None,
                note="",
                recorded_at=_at(f"{year}-{month:02}-01"),
            )
    last_year = 2014 + years_of_history

    # the review's own row (held or not); the actions with the id of their last update
    # before the period; their initiatives; their themes; those updates; the updates in the period.
    with django_assert_num_queries(6):
        report = _report(strategy, last_year)

    (entry,) = report.actions
    assert entry.at_start.recorded_at == _at(f"{last_year - 1}-03-01")
    assert [u.recorded_at for u in entry.updates] == [_at(f"{last_year - 1}-09-01")]
    assert entry.at_end == entry.updates[-1]


@pytest.mark.parametrize(
    ("held_on", "state", "says"),
    [
        (
            datetime.date(2015, 8, 18),
            ReviewState.HELD,
            "Review 1 was held on 18 August 2015, 12 days after it fell due.",
        ),
        (None, ReviewState.MISSED, "Review 1 fell due on 6 August 2015 and was never recorded as held"),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_the_report_says_whether_its_review_was_held_and_when(client, record, co_chair_user, held_on, state, says):
    strategy = Strategy.objects.get()
    Review.objects.create(strategy=strategy, number=1, due_on=datetime.date(2015, 8, 6), held_on=held_on)
    client.force_login(co_chair_user)

    response = client.get(reverse("dashboard:review", args=[2015]))

    review = response.context["period"].review
    assert (review.number, review.state, review.held_on) == (1, state, held_on)
    assert says in " ".join(strip_tags(response.text).split())

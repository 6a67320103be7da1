"""The dashboard's changes, then → now: how many actions moved from each status to each
other over a review period, counted on a history built by hand."""

import datetime
from typing import cast

import pytest
import time_machine
from django.urls import reverse

import balitrack.middleware  # noqa: F401  (its sign-in receiver; see test_dashboard.py)
from actions.models import Action, Review
from actions.review import build_review_report
from actions.schedule import current_schedule
from actions.services import action_record_update
from tests.factories import ActionFactory, ActionOwnerFactory, ActionUpdateFactory, InitiativeFactory, StrategyFactory

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

DASHBOARD = reverse("dashboard:index")
CHANGES = reverse("dashboard:changes")
TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)
ENDORSED = datetime.date(2014, 8, 6)
# Review 12 fell due on 6 August 2026 and was held a fortnight late.
HELD = datetime.date(2026, 8, 20)


def _at(day: str) -> datetime.datetime:
    # 10:00 in Bangkok.
    return datetime.datetime.fromisoformat(f"{day}T03:00:00+00:00")


def _action(
    initiative, number: int, baseline: str, *steps: tuple[str, str, int], baseline_on: str = "2014-08-06"
) -> Action:
    """An action whose history is its baseline from the record, then `steps` (day, status, progress)."""
    action = cast(Action, ActionFactory(initiative=initiative, number=number, status=baseline, progress=0))
    ActionUpdateFactory(
        action=action, recorded_at=_at(baseline_on), previous_status="", status=baseline, progress=0, author=None
    )
    for day, status, progress in steps:
        action_record_update(
            action=action,
            author=None,
            status=status,
            progress=progress,
            target_date=None,
            note="A step of the test's history.",
            recorded_at=_at(day),
        )
    return action


@pytest.fixture
def history():
    """Eight actions of one strategy, and what each did around the review held on 20 August 2026."""
    strategy = StrategyFactory(endorsed_on=ENDORSED)
    initiative = InitiativeFactory(theme__strategy=strategy, name="Returns")
    Review.objects.create(strategy=strategy, number=12, due_on=datetime.date(2026, 8, 6), held_on=HELD)
    return {
        # Planned at the review, in progress since.
        "started": _action(initiative, 1, "planned", ("2026-09-01", "in_progress", 10)),
        # Started before the review (in review 12's period), completed after it.
        "finished": _action(
            initiative, 2, "planned", ("2026-05-01", "in_progress", 50), ("2026-09-10", "completed", 100)
        ),
        # Planned after the review, then back to not started: no move, but updated.
        "back_again": _action(
            initiative, 3, "not_started", ("2026-09-05", "planned", 0), ("2026-10-01", "not_started", 0)
        ),
        # Progress only.
        "progressing": _action(initiative, 4, "in_progress", ("2026-09-02", "in_progress", 30)),
        # Untouched since the baseline.
        "idle": _action(initiative, 5, "planned"),
        # Added to the record after the review (its baseline in the period), started since.
        "new_and_started": _action(
            initiative, 6, "planned", ("2026-10-10", "in_progress", 20), baseline_on="2026-09-15"
        ),
        # Added after the review and left as it was: its baseline is no update.
        "new": _action(initiative, 7, "planned", baseline_on="2026-10-20"),
        # Put on hold on the day of the review itself: after its discussion, so in the period.
        "held_on_the_day": _action(initiative, 8, "in_progress", ("2026-08-20", "on_hold", 0)),
    }


def _moves(changes) -> list[tuple[str, str, int, list[int]]]:
    return [(m.then, m.now, m.count, [a.number for a in m.actions]) for m in changes.moves]


@time_machine.travel(TODAY, tick=False)
def test_changes_since_the_last_review_count_each_move_from_its_status_then_to_now(client, history, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)

    changes = response.context["changes"]
    assert (changes.period.start, changes.period.end, changes.period.review_number) == (HELD, None, None)
    assert _moves(changes) == [
        ("planned", "in_progress", 2, [1, 6]),
        ("in_progress", "completed", 1, [2]),
        ("in_progress", "on_hold", 1, [8]),
    ]
    assert changes.moved == 4
    # Back again and progressing; not the idle action, nor the new one's baseline.
    assert changes.updated_unchanged == 2
    assert "Changes since the last review (20 August 2026)" in response.text
    assert (
        "Between 20 August 2026 and today, <strong>4 actions</strong> changed status; "
        "2 more had updates that left their status as it was."
    ) in response.text


@time_machine.travel(TODAY, tick=False)
def test_a_review_period_counts_from_its_start_to_its_end_as_the_review_report_does(client, history, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{DASHBOARD}?review=2026")
    # The report's page shows figures (and detail, a few updates each); its whole view of
    # the period is what the CSV and the print version are made from.
    schedule = current_schedule(today=datetime.date(2026, 11, 27))
    assert schedule is not None
    report = build_review_report(schedule=schedule, year=2026)
    assert report is not None

    changes = response.context["changes"]
    assert (changes.period.start, changes.period.end, changes.period.review_number) == (
        datetime.date(2025, 8, 6),
        datetime.date(2026, 8, 6),
        12,
    )
    assert _moves(changes) == [("planned", "in_progress", 1, [2])]
    assert changes.updated_unchanged == 0
    # The report's own view of the same period: the one action whose status differs at either end.
    assert [
        (entry.action.number, entry.at_start.status, entry.at_end.status)
        for entry in report.actions
        if entry.at_start and entry.at_end and entry.at_start.status != entry.at_end.status
    ] == [(2, "planned", "in_progress")]
    assert "Changes in the period of review 12 (6 August 2025 to 6 August 2026)" in response.text
    assert 'href="/reports/review/2026/"' in response.text


@time_machine.travel(TODAY, tick=False)
def test_the_review_under_way_counts_to_today(client, history, co_chair_user):
    client.force_login(co_chair_user)

    changes = client.get(f"{DASHBOARD}?review=2027").context["changes"]

    # From the day review 12 fell due, so the action put on hold on the day it was held moved too.
    assert (changes.period.start, changes.period.end, changes.period.under_way) == (
        datetime.date(2026, 8, 6),
        datetime.date(2026, 11, 27),
        True,
    )
    assert _moves(changes) == [
        ("planned", "in_progress", 2, [1, 6]),
        ("in_progress", "completed", 1, [2]),
        ("in_progress", "on_hold", 1, [8]),
    ]


@time_machine.travel(TODAY, tick=False)
def test_the_picker_offers_since_the_last_review_and_every_review_period_latest_first(client, history, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)

    labels = [(period.value, period.label) for period in response.context["periods"]]
    assert len(labels) == 14
    assert labels[:3] == [
        ("", "Since the last review"),
        ("2027", "Review 13: Aug 2026 to today"),
        ("2026", "Review 12: Aug 2025 to Aug 2026"),
    ]
    assert labels[-1] == ("2015", "Review 1: Aug 2014 to Aug 2015")
    assert '<option value="2015">Review 1: Aug 2014 to Aug 2015</option>' in response.text
    assert '<option value="" selected>Since the last review</option>' in response.text


@pytest.mark.parametrize("value", ["1999", "2028", "abc", "２０１５", "2015; DROP TABLE", "0"])
@time_machine.travel(TODAY, tick=False)
def test_a_period_that_is_no_review_says_so_and_shows_the_changes_since_the_last_review(
    client, history, co_chair_user, value
):
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD, {"review": value})

    assert response.status_code == 200
    assert response.context["changes"].period.value == ""
    assert [str(message) for message in response.context["messages"]] == [
        f"There is no review period “{value}”: the strategy's reviews fall due in 2015 to 2027. "
        "The changes shown are those since the last review."
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_move_lists_its_first_actions_and_links_to_them_all(client, history, co_chair_user, monkeypatch):
    monkeypatch.setattr("actions.changes.LISTED_PER_MOVE", 1)
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)
    (started, *_) = response.context["changes"].moves
    every_one = client.get(started.url)

    assert ([a.number for a in started.actions], started.more) == ([1], 1)
    assert started.url == f"{CHANGES}?from=planned&to=in_progress"
    assert (
        f'<a href="{CHANGES}?from=planned&amp;to=in_progress">and 1 more'
        '<span class="visually-hidden"> from planned to in progress</span></a>' in response.text
    )
    assert [action.number for action in every_one.context["page_obj"]] == [1, 6]
    assert "2 actions from planned to in progress" in every_one.text


@time_machine.travel(TODAY, tick=False)
def test_a_move_of_a_review_period_in_a_narrowed_dashboard_lists_only_its_own(client, history, co_chair_user):
    lead = ActionOwnerFactory(action=history["started"]).member
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD, {"lead": lead.code, "review": "2027"})
    (move,) = response.context["changes"].moves
    listed = client.get(move.url)

    assert (move.then, move.now, move.count) == ("planned", "in_progress", 1)
    assert move.url == f"{CHANGES}?lead={lead.code}&review=2027&from=planned&to=in_progress"
    assert [action.number for action in listed.context["page_obj"]] == [1]


@pytest.mark.parametrize(
    "query",
    ["from=planned&to=planned", "from=planned", "from=nowhere&to=planned", "from=planned&to=in_progress&page=x"],
)
@time_machine.travel(TODAY, tick=False)
def test_a_move_page_it_cannot_read_goes_back_to_the_dashboard_or_its_first_page(client, history, co_chair_user, query):
    client.force_login(co_chair_user)

    response = client.get(f"{CHANGES}?{query}")

    if "page=x" in query:
        assert [action.number for action in response.context["page_obj"]] == [1, 6]
    else:
        assert response["Location"] == DASHBOARD


@time_machine.travel(TODAY, tick=False)
def test_a_status_update_shows_in_the_cached_changes_of_every_period(client, history, co_chair_user):
    client.force_login(co_chair_user)
    before = {value: client.get(DASHBOARD, {"review": value}).context["changes"].moved for value in ("", "2027")}

    action_record_update(
        action=history["idle"], author=None, status="in_progress", progress=5, target_date=None, note=""
    )
    after = {value: client.get(DASHBOARD, {"review": value}).context["changes"].moved for value in ("", "2027")}

    assert (before, after) == ({"": 4, "2027": 4}, {"": 5, "2027": 5})


def test_dashboard_without_a_strategy_says_there_is_no_period_to_count_from(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD, {"review": "2015"})

    assert (response.status_code, response.context["changes"], response.context["periods"]) == (200, None, [])
    assert "No strategy is recorded, so there is no review to count changes from." in response.text

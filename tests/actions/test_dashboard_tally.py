"""The dashboard after a status update is read from the tally the update kept current, and
is exactly what counting every action afresh gives."""

import datetime
from typing import Any, cast

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import balitrack.middleware  # noqa: F401  (its sign-in receiver; see test_dashboard.py)
from actions.changes import build_changes, since_last_review
from actions.dashboard import Dashboard, Scope, build_dashboard, tallied_dashboard
from actions.models import Action, ActionOwner, Review, Strategy
from actions.record_version import record_version
from actions.services import action_record_update
from actions.tally import DashboardTally, tally_count
from meetings.models import Pillar
from tests.factories import (
    ActionFactory,
    ActionOwnerFactory,
    ActionUpdateFactory,
    BodyFactory,
    InitiativeFactory,
    MemberFactory,
    PillarFactory,
    StrategyFactory,
    ThemeFactory,
)

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

DASHBOARD = reverse("dashboard:index")
NOW = datetime.datetime(2026, 11, 27, 3, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 27)
# Review 12 was held on this day: the changes since the last review start here.
HELD = datetime.date(2025, 6, 2)
Status = Action.Status


def _record() -> list[Action]:
    """Six actions of one strategy spread over two themes, two pillars, three leading members
    and two bodies, with histories from before the review and after it, target dates passed
    and to come, and one never updated."""
    strategy = cast(Strategy, StrategyFactory(endorsed_on=datetime.date(2014, 8, 6)))
    Review.objects.create(strategy=strategy, number=12, due_on=datetime.date(2025, 5, 20), held_on=HELD)
    themes = [ThemeFactory(strategy=strategy, position=position) for position in (1, 2)]
    initiatives = [InitiativeFactory(theme=theme, position=1) for theme in themes]
    pillars = [cast(Pillar, PillarFactory()) for _ in range(2)]
    members = [MemberFactory(name=f"Testland {n}") for n in range(3)]
    bodies = [BodyFactory(), BodyFactory()]
    shapes: list[tuple[str, int, datetime.date | None, str | None]] = [
        # status, progress, target date, last update (None: never)
        (Status.PLANNED, 0, datetime.date(2026, 1, 31), "2024-03-01"),
        (Status.IN_PROGRESS, 40, datetime.date(2027, 6, 30), "2025-09-15"),
        (Status.NOT_STARTED, 0, None, None),
        (Status.COMPLETED, 100, datetime.date(2025, 12, 31), "2026-10-01"),
        (Status.ON_HOLD, 10, datetime.date(2026, 11, 26), "2026-05-29"),
        (Status.IN_PROGRESS, 70, datetime.date(2026, 11, 27), "2025-06-01"),
    ]
    actions = []
    for number, (status, progress, target, updated) in enumerate(shapes, start=1):
        at = datetime.datetime.fromisoformat(f"{updated}T03:00:00+00:00") if updated else None
        action = cast(
            Action,
            ActionFactory(
                initiative=initiatives[number % 2],
                number=number,
                status=status,
                progress=progress,
                target_date=target,
                updated_at=at,
                status_note="",
            ),
        )
        if at is not None:
            ActionUpdateFactory(action=action, recorded_at=at, previous_status="", status=status, progress=progress)
        action.pillars.set(pillars[: number % 3])
        ActionOwnerFactory(action=action, member=members[number % 3], role=ActionOwner.Role.LEAD)
        if number % 2:
            ActionOwnerFactory(action=action, member=members[(number + 1) % 3], role=ActionOwner.Role.CO_LEAD)
        ActionOwnerFactory(action=action, member=None, body=bodies[number % 2], role=ActionOwner.Role.SUPPORT)
        actions.append(action)
    return actions


def _summary(board: Dashboard) -> dict[str, Any]:
    charts = {
        name: [
            (bar.label, bar.total, bar.average_progress, [(s.status, s.count) for s in bar.segments]) for bar in bars
        ]
        for name, bars in [
            ("theme", board.by_theme),
            ("pillar", board.by_pillar),
            ("lead", board.by_lead),
            ("body", board.by_body),
        ]
    }
    return {
        "total": board.total,
        "average": board.average_progress,
        "by_status": [(f.key, f.count, f.url) for f in board.by_status],
        "completed": board.completed_percent,
        "overdue": (board.overdue.count, board.overdue.url),
        "stale": (board.stale.count, board.stale.url),
        "recent": (board.updated_recently.count, board.updated_recently.url),
        "charts": charts,
        "not_shown": (board.leads_not_shown, board.bodies_not_shown),
        "changes_count": board.changes_count,
        "gaps": (board.actions_without_mandate_count, board.decisions_without_action_count),
    }


def _moves(changes: Any) -> tuple[list[tuple[str, str, int, list[int], str]], int]:
    return [
        (m.then, m.now, m.count, [a.pk for a in m.actions], m.url) for m in changes.moves
    ], changes.updated_unchanged


def _assert_tally_is_the_fresh_count(today: datetime.date) -> None:
    tallied = tallied_dashboard(today=today)
    counted = build_dashboard(actions=Action.objects.all(), scope=Scope(), today=today)
    assert _summary(tallied) == _summary(counted)
    assert tallied.reviews and tallied.changes
    period = since_last_review(tallied.reviews)
    fresh = build_changes(actions=Action.objects.all(), period=period, move_url=Scope().changes_url(period))
    assert _moves(tallied.changes) == _moves(fresh)


# An update: which action, its new status and progress, whether to move its target date,
# and how long after the previous update it is recorded (so that actions cross the six
# months of "stale" and the 90 days of "recent" both ways).
updates = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from(Status.values),
        st.integers(0, 100),
        st.sampled_from([None, "keep", datetime.date(2026, 2, 1), datetime.date(2027, 3, 1)]),
        st.integers(1, 200 * 24),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=updates)
@time_machine.travel(NOW, tick=False)
def test_after_any_updates_the_tally_equals_every_figure_counted_afresh_without_counting_again(steps):
    with transaction.atomic():
        actions = _record()
        counted_on = tally_count(today=TODAY).counted_on
        # Updates are recorded from 500 days before today on, all after the review was held.
        at = NOW - datetime.timedelta(days=500)
        for index, status, progress, target, hours in steps:
            at = min(at + datetime.timedelta(hours=hours), NOW)
            action = Action.objects.get(pk=actions[index].pk)
            if action.updated_at is not None and at <= action.updated_at:
                continue
            action_record_update(
                action=action,
                author=None,
                status=status,
                progress=100 if status == Status.COMPLETED else progress,
                target_date=action.target_date if target == "keep" else target,
                note="A step of the property.",
                recorded_at=at,
            )
            tally = DashboardTally.objects.get()
            # Applied, not counted again: the tally is true at the record's token as the
            # update left it, and was last counted before any of the updates.
            assert (tally.token, tally.counted_on) == (record_version(), counted_on)
            _assert_tally_is_the_fresh_count(TODAY)
        # Every day after, too: overdue, stale and recent follow the day, not the updates.
        for later in (TODAY + datetime.timedelta(days=days) for days in (1, 90, 200)):
            _assert_tally_is_the_fresh_count(later)
        transaction.set_rollback(True)


@time_machine.travel(NOW, tick=False)
def test_a_status_update_costs_the_first_dashboard_after_it_ten_queries(
    client, co_chair_user, secretariat_user, django_assert_num_queries
):
    actions = _record()
    client.force_login(co_chair_user)
    client.get(DASHBOARD)
    client.force_login(secretariat_user)
    action = actions[1]
    posted = client.post(
        reverse("actions:update-status", args=[action.pk]),
        {"status": "completed", "progress": "100", "target_date": "", "note": "Done.", "version": str(action.version)},
    )
    assert posted.status_code == 302
    client.force_login(co_chair_user)

    # session, user; the strategies; the record's version (the cache key, which the update
    # replaced), again for the tally, the tally; its cells, then the overdue, stale and recent sums
    # over days; the first actions of each move since the last review with their initiatives; the
    # choice lists' version (which a status update leaves alone, so the filters' choices come from
    # the cache). The settled parts (mandate coverage, meetings, the review schedule, the charts'
    # names) come from the cache.
    # Then the user's and groups' permissions and the pending proposals counted (the
    # dashboard's figure, proposals).
    with django_assert_num_queries(13):
        response = client.get(DASHBOARD)

    board = response.context["board"]
    assert [(f.key, f.count) for f in board.by_status if f.count] == [
        ("not_started", 1),
        ("planned", 1),
        ("in_progress", 1),
        ("completed", 2),
        ("on_hold", 1),
    ]
    assert _moves(response.context["changes"])[0][-1][:3] == ("in_progress", "completed", 1)
    assert "seg seg--completed" in response.text


@time_machine.travel(NOW, tick=False)
def test_recording_an_update_costs_eleven_queries_more_for_the_tally(django_assert_num_queries):
    action = _record()[0]
    tally_count(today=TODAY)

    # Twenty as before (the action locked; its constraints and uniqueness checked, in
    # savepoints; the history row and its audit event; the action saved with its audit event;
    # the record's token replaced twice, once per row; the service's savepoint), and eleven
    # for the tally: the record's token locked and read, the tally's changes; the action's
    # cells (itself, its pillars, its owners) and its standing since the review; then the
    # cells found, updated and added; the token the update made, and the tally marked true at it.
    with django_assert_num_queries(31):
        action_record_update(
            action=action, author=None, status=Status.IN_PROGRESS, progress=5, target_date=None, note="Started."
        )

    assert DashboardTally.objects.get().token == record_version()


@time_machine.travel(NOW, tick=False)
def test_an_update_recorded_before_the_actions_latest_is_counted_afresh(client, co_chair_user):
    action = _record()[1]
    tally_count(today=TODAY)

    # The history is rewritten rather than added to: the tally cannot follow it.
    action_record_update(
        action=action,
        author=None,
        status=Status.COMPLETED,
        progress=100,
        target_date=None,
        note="Recorded late.",
        recorded_at=action.updated_at - datetime.timedelta(days=30),
    )

    assert DashboardTally.objects.get().token != record_version()
    _assert_tally_is_the_fresh_count(TODAY)
    assert DashboardTally.objects.get().token == record_version()


@time_machine.travel(NOW, tick=False)
def test_a_move_left_with_fewer_actions_kept_than_it_names_is_counted_afresh(monkeypatch):
    monkeypatch.setattr("actions.tally.MOVE_BUFFER", 1)
    monkeypatch.setattr("actions.changes.LISTED_PER_MOVE", 1)
    actions = _record()
    # Both in progress at the review: one move of two, of which the tally keeps the first.
    for action in (actions[1], actions[5]):
        action_record_update(
            action=action, author=None, status=Status.DISCONTINUED, progress=0, target_date=None, note="Dropped."
        )
    tally_count(today=TODAY)
    assert DashboardTally.objects.get().changes["listed"]["in_progress>discontinued"] == [[1, 1, 2, actions[1].pk]]

    # Taking the kept one out leaves none kept of the one the move still names.
    action_record_update(
        action=Action.objects.get(pk=actions[1].pk),
        author=None,
        status=Status.PLANNED,
        progress=0,
        target_date=None,
        note="Taken up again.",
        recorded_at=NOW + datetime.timedelta(minutes=1),
    )

    assert DashboardTally.objects.get().token == ""
    _assert_tally_is_the_fresh_count(TODAY)
    assert DashboardTally.objects.get().changes["listed"]["in_progress>discontinued"] == [[1, 1, 6, actions[5].pk]]

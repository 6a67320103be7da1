"""The dashboard is cached, and every change to the record shows on the next dashboard."""

import datetime
import socket
import time
from collections.abc import Callable, Iterator
from typing import cast

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

import balitrack.middleware  # noqa: F401  (its sign-in receiver; see test_dashboard.py)
from actions.dashboard import Dashboard, Scope, cached_dashboard, dashboard_cache_key
from actions.models import Action, ActionOwner, Strategy
from actions.record_version import record_version
from balitrack.lib.cache import FailSafeRedisCache
from meetings.models import Meeting, Pillar
from members.models import Member
from tests.factories import ActionFactory, ActionOwnerFactory, MeetingFactory, MemberFactory, StrategyFactory, supersede

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

DASHBOARD = reverse("dashboard:index")
TODAY = datetime.date(2026, 11, 27)


def _board(today: datetime.date = TODAY) -> Dashboard:
    return cached_dashboard(actions=Action.objects.all(), scope=Scope(), today=today)


@pytest.fixture
def action():
    action = ActionFactory(status="planned")
    ActionOwnerFactory(member=MemberFactory(name="Testland"), action=action)
    return action


def test_a_second_dashboard_comes_from_the_cache(action, django_assert_num_queries):
    first = _board()

    # The record's version only.
    with django_assert_num_queries(1):
        second = _board()

    assert second.total == first.total == 1


def test_a_status_update_recorded_on_the_action_page_shows_on_the_next_dashboard(
    client, action, secretariat_user, co_chair_user
):
    client.force_login(co_chair_user)
    before_page = client.get(DASHBOARD)
    before = before_page.context["board"]
    client.force_login(secretariat_user)

    response = client.post(
        reverse("actions:update-status", args=[action.pk]),
        {"status": "completed", "progress": "100", "target_date": "", "note": "Done.", "version": "0"},
    )
    client.force_login(co_chair_user)
    after_page = client.get(DASHBOARD)
    after = after_page.context["board"]

    assert response.status_code == 302
    # The charts, cached as HTML, are redrawn too.
    assert (
        "seg seg--completed" in before_page.content.decode(),
        "seg seg--completed" in after_page.content.decode(),
    ) == (
        False,
        True,
    )
    assert [(f.key, f.count) for f in before.by_status if f.count] == [("planned", 1)]
    assert [(f.key, f.count) for f in after.by_status if f.count] == [("completed", 1)]
    assert after.completed_percent == 100


def _change_status(action: Action) -> None:
    action.status = Action.Status.ON_HOLD
    action.save(update_fields=["status"])


def _add_owner(action: Action) -> None:
    ActionOwnerFactory(action=action, member__name="Newland", role=ActionOwner.Role.LEAD)


def _remove_owners(action: Action) -> None:
    action.owners.all().delete()


def _rename_member(action: Action) -> None:
    member = Member.objects.get(action_roles__action=action)
    member.name = "Renamed Testland"
    member.save(update_fields=["name"])


def _add_pillar(action: Action) -> None:
    action.pillars.add(Pillar.objects.create(code="P9", name="A ninth pillar", order=9))


def _endorse_a_strategy(action: Action) -> None:
    # A later strategy made current: the dashboard now counts its actions (none yet), not the action's.
    later = cast(Strategy, StrategyFactory(endorsed_on=datetime.date(2026, 1, 15)))
    supersede(action.initiative.theme.strategy, later, at=cast(Meeting, MeetingFactory()))


@pytest.mark.parametrize(
    "change",
    [_change_status, _add_owner, _remove_owners, _rename_member, _add_pillar, _endorse_a_strategy],
)
def test_a_change_made_in_the_admin_shows_on_the_next_dashboard(action, change: Callable[[Action], None]):
    # The admin saves models and their many-to-many fields; these are the same calls.
    before = _board()

    change(action)
    after = _board()

    assert _summary(after) != _summary(before)
    assert _summary(after) == _summary(_built_afresh())


def _summary(board: Dashboard) -> tuple[object, ...]:
    bars = (board.by_theme, board.by_pillar, board.by_lead, board.by_body)
    return (
        [(f.key, f.count) for f in board.by_status],
        [[(bar.label, bar.total) for bar in chart] for chart in bars],
        (board.reviews.next_number, board.reviews.next_due) if board.reviews else None,
    )


def _built_afresh() -> Dashboard:
    caches["dashboard"].clear()
    return _board()


def test_a_change_rolled_back_keeps_the_version_and_a_committed_one_replaces_it(action):
    version = record_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        _change_status(action)
        assert record_version() != version
        raise RuntimeError("rolled back")

    assert record_version() == version
    _change_status(action)
    assert record_version() != version


def test_the_next_day_is_worked_out_afresh(action):
    action.target_date = datetime.date(2026, 11, 27)
    action.save(update_fields=["target_date"])

    assert _board(datetime.date(2026, 11, 27)).overdue.count == 0
    assert _board(datetime.date(2026, 11, 28)).overdue.count == 1


def test_narrowed_dashboards_are_cached_apart(client, action, co_chair_user):
    ActionFactory()
    client.force_login(co_chair_user)

    whole = client.get(DASHBOARD).context["board"]
    narrowed = client.get(f"{DASHBOARD}?lead={action.owners.get().member.code}").context["board"]

    assert (whole.total, narrowed.total) == (2, 1)


@pytest.fixture
def unanswering_port() -> Iterator[int]:
    """A port that accepts connections and never answers, like a paused Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def _fail_safe(location: str) -> dict[str, object]:
    return {
        "BACKEND": "balitrack.lib.cache.FailSafeRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }


@pytest.mark.parametrize("state", ["stopped", "paused"])
def test_the_dashboard_works_without_its_cache_server(client, action, co_chair_user, unanswering_port, state):
    # Port 1 refuses at once; the listener accepts and then says nothing.
    port = 1 if state == "stopped" else unanswering_port
    client.force_login(co_chair_user)

    with override_settings(CACHES={**settings.CACHES, "dashboard": _fail_safe(f"redis://127.0.0.1:{port}/0")}):
        started = time.monotonic()
        first = client.get(DASHBOARD)
        second = client.get(DASHBOARD)
        elapsed = time.monotonic() - started

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.context["board"].total == 1
    # One short timeout at most, then the server is left alone for a while.
    assert elapsed < 2


def test_a_failed_cache_server_is_not_asked_again_at_once(unanswering_port):
    cache = FailSafeRedisCache(f"redis://127.0.0.1:{unanswering_port}/0", {"OPTIONS": {"socket_timeout": 0.2}})

    started = time.monotonic()
    assert cache.get("key", "missed") == "missed"
    cache.set("key", "value")
    assert cache.get("key", "missed") == "missed"

    assert time.monotonic() - started < 1


def _redis_answers() -> bool:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.2).ping()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at REDIS_URL")
def test_workers_sharing_redis_share_the_dashboard_and_its_invalidation(action):
    # Another cache object stands for another gunicorn worker, with its own connection.
    # Generous timeouts: this is about sharing, and a loaded machine must not turn it into a miss.
    shared = {
        **_fail_safe(settings.REDIS_URL),
        "KEY_PREFIX": "balitrack-test-dashboard",
        "TIMEOUT": 60,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    other_worker = FailSafeRedisCache(settings.REDIS_URL, shared)

    with override_settings(CACHES={**settings.CACHES, "dashboard": shared}):
        _board()
        cached = other_worker.get(dashboard_cache_key(scope=Scope(), today=TODAY))
        _change_status(action)
        after_change = other_worker.get(dashboard_cache_key(scope=Scope(), today=TODAY))

    assert cached.total == 1
    assert after_change is None

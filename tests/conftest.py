"""Shared test fixtures: the people who use BaliTrack, and the real record."""

import os
from pathlib import Path
from typing import Any, cast

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from pytest_django.plugin import blocking_manager_key

from members.models import Member, Profile
from members.roles import Role, sync_role_groups
from tests.factories import MemberFactory, UserFactory
from tests.record_rows import RecordRows, capture_record_rows, restore_record_rows

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told that this is safe, which it is for tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _own_redis_database(url: str, worker: str) -> str:
    """The dashboard cache of one parallel test process, in a Redis database of its own
    (the one below REDIS_URL's for gw0, and so on down), so that a test clearing its cache
    never empties another process's."""
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) - 1 - int(worker.removeprefix('gw'))) % 16}"


# The API's request counts (api.throttling) live beside the dashboard's, under their own prefix.
for _alias in ("dashboard", "api"):
    _shared_cache = cast(dict[str, Any], settings.CACHES[_alias])
    if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and "redis" in _shared_cache["BACKEND"].lower():
        _shared_cache["LOCATION"] = _own_redis_database(_shared_cache["LOCATION"], worker)


@pytest.fixture(autouse=True)
def _fresh_api_request_counts():
    """Each test starts with no API requests counted: ids restart after a rollback, so one
    test's token could otherwise inherit another's count."""
    caches["api"].clear()


def _rebuild_role_groups() -> None:
    """The groups a migration made, as it made them: a test with a transactional database
    (the browser tests, those that use several connections) ends by emptying every table."""
    if Group.objects.filter(name__in=[role.value for role in Role]).count() < len(Role):
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        sync_role_groups(Group, Permission)


def _role_group(role: Role) -> Group:
    _rebuild_role_groups()
    return Group.objects.get(name=role.value)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a test that emptied the database, the role groups come back before the next
    test, which (in a parallel run, in any order) may count on them as every database has
    them. Here rather than in a fixture: the emptying is the last thing a test's teardown does."""
    result = yield
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    emptied = "transactional_db" in names or "live_server" in names
    # After the last test the test databases are gone already.
    if nextitem is not None and (emptied or (marker is not None and marker.kwargs.get("transaction"))):
        with item.config.stash[blocking_manager_key].unblock():
            _rebuild_role_groups()
    return result


def _with_role(username: str, role: Role, **fields):
    user = UserFactory(username=username, first_name=fields.pop("first_name", ""), **fields)
    user.groups.add(_role_group(role))  # type: ignore[attr-defined]
    return user


@pytest.fixture
def superuser(db):
    """The administrator who manages users in the admin."""
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def secretariat_user(db):
    """Siti, a Regional Support Office officer who records status updates."""
    return _with_role("siti", Role.SECRETARIAT, first_name="Siti", last_name="Rahman", is_staff=True)


@pytest.fixture
def second_officer(db):
    """Arif, another Regional Support Office officer: the second key that closing an action takes."""
    return _with_role("arif", Role.SECRETARIAT, first_name="Arif", last_name="Santoso", is_staff=True)


@pytest.fixture
def co_chair_user(db):
    """James, an officer of the co-chairs who reads everything and edits nothing."""
    return _with_role("james", Role.CO_CHAIRS, first_name="James", last_name="Walker")


@pytest.fixture
def member_user(db):
    """Dewi, Indonesia's focal point, who reads what Indonesia leads."""
    indonesia = Member.objects.filter(code="ID").first() or MemberFactory(code="ID", name="Indonesia")
    user = _with_role("dewi", Role.MEMBERS, first_name="Dewi", last_name="Lestari")
    Profile.objects.create(user=user, member=indonesia)
    return user


@pytest.fixture
def outsider(db):
    """Someone with an account but no role in BaliTrack."""
    return UserFactory(username="outsider")


@pytest.fixture
def closing_in_one_step(settings):
    """Two-key closing off (settings.TWO_KEY_CLOSING), for tests that close actions in one step
    with action_record_update to set up what they test: the two keys are tested in tests/proposals."""
    settings.TWO_KEY_CLOSING = False


@pytest.fixture(scope="session")
def record_rows(django_db_setup, django_db_blocker) -> RecordRows:
    """The rows `load_record` writes into an empty database, loaded once per test process.

    Loading the record checks and saves some 600 objects one by one, which took about 1.5 s
    for each of the hundreds of tests that read it; copying its rows in takes a few
    milliseconds. The loader itself is tested by calling it (tests/test_record.py)."""
    with django_db_blocker.unblock():
        return capture_record_rows()


@pytest.fixture
def record(db, record_rows):
    """The Bali Process record of fixtures/, as `make run` loads it into an empty database."""
    restore_record_rows(record_rows)


# Tests that pause, cut or share a service every test process uses: they run after the
# others, one at a time (`make test` runs them in a second pass, `-m alone`).
ALONE = {
    # pauses the whole Redis server for eight seconds
    "tests/reminders/test_redis_paused.py",
    # real Celery workers on the shared broker, one killed with SIGKILL
    "tests/reminders/test_worker_integration.py",
    # gunicorn behind a proxy that is cut, with five-second limits that a busy machine blurs
    "tests/test_database_outage.py",
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).resolve().parent.parent
    for item in items:
        if Path(item.fspath).resolve().relative_to(root).as_posix() in ALONE:
            item.add_marker(pytest.mark.alone)
        # The record goes in before any other data a test's fixtures make (a persona's
        # member, the administrator), as `make run` loads it before anyone uses BaliTrack.
        names = getattr(item, "fixturenames", None)
        if names and "record" in names:
            names.remove("record")
            names.insert(0, "record")

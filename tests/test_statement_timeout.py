"""No web request can hold the database: PostgreSQL cancels a statement that runs past the
web limit, and the page says so."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from actions.models import ActionQuerySet
from tests.factories import ActionFactory

PROJECT = Path(__file__).resolve().parent.parent
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")


def _busy_statements() -> int:
    """Statements other connections are running right now: the request's own, if it lived on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def _settings_of(process: str | None, command: str = "shell") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "BALITRACK_PROCESS"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/balitrack"
    if process is not None:
        env["BALITRACK_PROCESS"] = process
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    return subprocess.run(
        [sys.executable, "manage.py", command, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("process", "options"),
    [("web", "-c statement_timeout=5000"), ("task", "-c statement_timeout=120000"), (None, "None")],
    ids=["web request", "celery task", "command run by hand"],
)
def test_each_kind_of_process_has_its_own_limit_on_one_statement(process, options):
    result = _settings_of(process)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == options


def test_an_unknown_kind_of_process_is_refused_not_guessed():
    result = _settings_of("worker")

    assert result.returncode != 0
    assert "BALITRACK_PROCESS must be web, task or command, not 'worker'." in result.stderr


@on_postgresql
@pytest.mark.django_db
def test_web_connections_have_the_web_limit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"


# No transaction around the test: the cancelled statement must end only its own request.
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_whose_sql_runs_too_long_is_cancelled_in_the_database_and_says_so(client, co_chair_user, monkeypatch):
    ActionFactory(text="Roundtable on biometrics")
    client.force_login(co_chair_user)

    # A search that PostgreSQL needs a second for, against a limit of a fifth of one.
    def slow_search(self, text):
        return self.extra(where=["(SELECT 1 FROM pg_sleep(1)) = 1"])

    monkeypatch.setattr(ActionQuerySet, "search", slow_search)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '200ms'")
    try:
        response = client.get(reverse("actions:register"), {"q": "biometrics"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '5s'")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "This page took too long" in page
    assert "the search is too broad" in page
    assert _busy_statements() == 0
    # The connection is good for the next request.
    assert client.get(reverse("actions:register")).status_code == 200


@pytest.mark.django_db
def test_a_hundred_word_search_is_answered_at_once_and_asks_the_database_nothing_of_it(
    client, co_chair_user, django_assert_max_num_queries
):
    ActionFactory(text="Roundtable on biometrics")
    client.force_login(co_chair_user)
    query = " ".join("abcdefghij"[number % 10] + str(number) for number in range(100))

    with django_assert_max_num_queries(20) as queries:
        response = client.get(reverse("actions:register"), {"q": query})

    assert response.status_code == 200
    assert "Search for at most 6 different words; this search has 100." in response.content.decode()
    assert not any("LIKE" in query["sql"].upper() for query in queries.captured_queries)

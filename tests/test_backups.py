"""The README's backup and restore with pg_dump and pg_restore, done for real: every row of
every table comes back as it was.

Runs on PostgreSQL (CI); skipped on the embedded SQLite default, saying why.
"""

import shutil
import subprocess
from collections.abc import Iterator

import psycopg2
import pytest
from django.db import connection

from actions.models import Action
from actions.services import action_record_update
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restored_database() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore back up PostgreSQL; run with DATABASE_URL on PostgreSQL")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    name = f"{connection.settings_dict['NAME']}_restored"
    with _server() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _server() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _server:
    """A cursor on the server's maintenance database, outside any transaction."""

    def __enter__(self):
        self.conn = psycopg2.connect(**_params("postgres"))
        self.conn.autocommit = True
        return self.conn.cursor()

    def __exit__(self, *exc) -> None:
        self.conn.close()


def _params(dbname: str) -> dict[str, str]:
    settings = connection.settings_dict
    params = {"dbname": dbname, "user": settings["USER"], "host": settings["HOST"], "port": str(settings["PORT"])}
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    return {key: value for key, value in params.items() if value}


def _libpq_args(dbname: str) -> list[str]:
    params = _params(dbname)
    return [f"--dbname={' '.join(f'{key}={value}' for key, value in params.items())}"]


def _every_row(dbname: str) -> dict[str, list[tuple]]:
    with psycopg2.connect(**_params(dbname)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            rows[table] = cursor.fetchall()
    conn.close()
    return rows


def test_a_pg_dump_restored_into_an_empty_database_holds_every_row(
    record, secretariat_user, tmp_path, restored_database
):
    FocalPointFactory()
    action = Action.objects.order_by("pk").first()
    action_record_update(
        action=action, author=secretariat_user, status="in_progress", progress=20, target_date=None, note="Backed up."
    )
    backup = tmp_path / "balitrack.dump"
    source = connection.settings_dict["NAME"]

    subprocess.run(["pg_dump", "--format=custom", f"--file={backup}", *_libpq_args(source)], check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *_libpq_args(restored_database), str(backup)], check=True
    )

    before, after = _every_row(source), _every_row(restored_database)
    assert after == before
    assert len(before["actions_actionupdate"]) == 32
    assert len(before["audit_auditevent"]) > 0

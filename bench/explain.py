"""EXPLAIN (ANALYZE, BUFFERS) of every action-register query, for each filter and sort.

Run by hand against the large synthetic record, with the planner's real settings:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balitrack_scale .venv/bin/python bench/explain.py

It prints, for each register URL, each query that reads actions or their updates: its
top plan nodes, the indexes used, any sequential scan of those tables, and the execution
time; and writes the same as a markdown section to bench/results/explain.md.
"""

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balitrack.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from actions.models import Action, ActionUpdate  # noqa: E402
from actions.register_plans import Case, explain, register_cases, register_queries  # noqa: E402
from actions.scale_data import BENCH_CO_CHAIR  # noqa: E402

OUTPUT = ROOT / "bench" / "results" / "explain.md"


def _first_line(sql: str) -> str:
    select_from = sql.split(" FROM ", 1)
    table = select_from[1].split()[0] if len(select_from) > 1 else ""
    kind = "count" if "COUNT(*)" in sql[:60] else "rows"
    return f"{kind} from {table}"


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench/explain.py needs PostgreSQL: set DATABASE_URL.")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=BENCH_CO_CHAIR))
    cases: list[Case] = register_cases()
    for case in cases:
        register_queries(client, case.query)  # warm the cache, as a busy server's would be
        case.plans = [explain(sql, analyze=True) for sql in register_queries(client, case.query)]
        total = sum(plan.execution_ms or 0 for plan in case.plans)
        print(f"\n== {case.name}: /actions/?{case.query}  ({total:.1f} ms in the database)")
        for plan in case.plans:
            scans = f"  SEQ SCAN of {', '.join(plan.seq_scans)}" if plan.seq_scans else ""
            indexes = ", ".join(plan.indexes) or "-"
            print(f"  {plan.execution_ms:8.1f} ms  {_first_line(plan.sql)}  indexes: {indexes}{scans}")
            for node in plan.top_nodes:
                print(f"               {node}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(_markdown(cases))
    print(f"\nWritten to {OUTPUT.relative_to(ROOT)}")


def _server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def _markdown(cases: list[Case]) -> str:
    lines = [
        "## Query plans of the action register",
        "",
        f"`bench/explain.py` on {connection.settings_dict['NAME']} ({Action.objects.count():,} actions, "
        f"{ActionUpdate.objects.count():,} updates), PostgreSQL {_server_version()}, "
        "planner settings as shipped, warm cache. Each query the register runs that reads actions or "
        "their updates, with `EXPLAIN (ANALYZE, BUFFERS)`: the execution time, the indexes the plan uses "
        "and any sequential scan of `actions_action` or `actions_actionupdate`.",
        "",
        "| register | query | ms | indexes used | seq scan | top of the plan |",
        "|---|---|---:|---|---|---|",
    ]
    for case in cases:
        for plan in case.plans:
            lines.append(
                f"| {case.name} (`?{case.query}`) | {_first_line(plan.sql)} | {plan.execution_ms:.1f} | "
                f"{', '.join(plan.indexes) or '-'} | {', '.join(plan.seq_scans) or 'none'} | "
                f"{' → '.join(plan.top_nodes[:3])} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

"""How PostgreSQL runs the action register's queries, for each filter and sort it offers.

The register is asked for through the test client, exactly as a browser would ask,
and every query that reads actions or their updates is explained. The CI test
(tests/actions/test_register_indexes.py) uses this to prove an index exists for each;
bench/explain.py uses it against the large synthetic record to show what it costs.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, Initiative, Strategy, Theme
from meetings.models import Meeting, Pillar
from members.models import Body

# The tables a register query must never read from end to end.
SCANNED_TABLES = ("actions_action", "actions_actionupdate")
_READS_ACTIONS = re.compile(r'"actions_action(update)?"')


@dataclass
class Plan:
    sql: str
    top_nodes: list[str]
    indexes: list[str]
    seq_scans: list[str]
    execution_ms: float | None = None
    buffers_hit: int = 0
    buffers_read: int = 0


@dataclass
class Case:
    name: str
    query: str
    plans: list[Plan] = field(default_factory=list)


def register_cases() -> list[Case]:
    """One register URL per filter and sort, with values that select a lot: the member
    leading most actions, the busiest group and meeting."""
    top_lead = (
        ActionOwner.objects.filter(role=ActionOwner.Role.LEAD, member__isnull=False)
        .values("member__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    lead = top_lead["member__code"] if top_lead else ""
    group = Body.objects.filter(action_roles__isnull=False).values_list("code", flat=True).first() or ""
    meeting = Meeting.objects.filter(documents__decisions__actions__isnull=False).values_list("slug", flat=True)
    # The register lists the current strategy's actions, and offers its themes and initiatives.
    current = Strategy.objects.current()
    theme = Theme.objects.filter(strategy=current).values_list("slug", flat=True).first() or ""
    initiative = Initiative.objects.filter(theme__strategy=current).values_list("slug", flat=True).first() or ""
    pillar = Pillar.objects.values_list("code", flat=True).first() or ""
    last_page = max(1, -(-Action.objects.of_strategy(current).count() // 25)) if current else 1
    earlier = Strategy.objects.exclude(status=Strategy.Status.CURRENT).values_list("slug", flat=True).first()
    cases = [
        ("plain", ""),
        *([("another strategy", f"strategy={earlier}")] if earlier else []),
        ("last page", f"page={last_page}"),
        ("lead", f"lead={lead}"),
        ("lead via bodies", f"lead={lead}&via_bodies=on"),
        ("lead and status", f"lead={lead}&status=in_progress"),
        ("any part", f"owner={lead}"),
        ("status", "status=on_hold"),
        ("theme", f"theme={theme}"),
        ("initiative", f"initiative={initiative}"),
        ("pillar", f"pillar={pillar}"),
        ("working group", f"group={group}"),
        ("mandated at", f"meeting={meeting.first() or ''}"),
        ("target dates", "target_after=2027-01-01&target_before=2027-03-31"),
        ("overdue", "overdue=on"),
        ("stale", "stale=on"),
        ("last updated", "updated_after=2026-09-01&updated_before=2026-10-31"),
        ("new work", "new_work=on"),
        ("text search", "q=biometric"),
        ("text search, two words", "q=pacific+biometric"),
    ]
    for key in ("theme", "status", "progress", "target", "updated"):
        cases += [(f"sort by {key}", f"sort={key}"), (f"sort by {key}, descending", f"sort=-{key}")]
    return [Case(name, query) for name, query in cases]


def register_queries(client: Client, query: str) -> list[str]:
    """The SQL the register runs for `query` that reads actions or their updates."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/actions/?{query}")
    assert response.status_code == 200, f"/actions/?{query} answered {response.status_code}"
    statements = []
    for executed in captured.captured_queries:
        sql = executed["sql"]
        # Choice lists are read through server-side cursors; explain the SELECT inside.
        sql = re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR ', "", sql)
        if sql.startswith("SELECT") and _READS_ACTIONS.search(sql):
            statements.append(sql)
    return statements


def explain(sql: str, *, analyze: bool) -> Plan:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        raw = cursor.fetchone()[0]
    document = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    nodes = list(_walk(document["Plan"]))
    plan = Plan(
        sql=sql,
        top_nodes=[_describe(node) for node in nodes[:4]],
        indexes=sorted({node["Index Name"] for node in nodes if "Index Name" in node}),
        seq_scans=sorted(
            {node["Relation Name"] for node in nodes if node["Node Type"] == "Seq Scan"} & set(SCANNED_TABLES)
        ),
        execution_ms=document.get("Execution Time"),
    )
    top = document["Plan"]
    plan.buffers_hit = top.get("Shared Hit Blocks", 0)
    plan.buffers_read = top.get("Shared Read Blocks", 0)
    return plan


def _walk(node: dict[str, Any]) -> Any:
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def _describe(node: dict[str, Any]) -> str:
    text = node["Node Type"]
    if "Index Name" in node:
        text += f" using {node['Index Name']}"
    if "Relation Name" in node:
        text += f" on {node['Relation Name']}"
    if "Actual Total Time" in node:
        text += f" ({node['Actual Total Time']:.1f} ms, {node['Actual Rows']} rows)"
    return text

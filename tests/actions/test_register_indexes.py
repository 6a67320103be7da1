"""Every filter and sort of the action register has an index to use on PostgreSQL.

With sequential scans priced out (enable_seqscan off), the planner still scans
actions or their updates end to end only where no index can serve; over the small
generated record that proves an index exists. bench/explain.py shows the real plans
on the 100,000-action record.
"""

import pytest
from django.db import connection

from actions.register_plans import explain, register_cases, register_queries
from actions.scale_data import generate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's; SQLite has none to check"
    ),
]


@pytest.fixture
def generated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(actions=500, updates=5000, seed=1, log=lambda line: None)


def test_every_register_filter_and_sort_reads_actions_through_an_index(client, co_chair_user, generated):
    client.force_login(co_chair_user)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    scanned = {}
    for case in register_cases():
        for sql in register_queries(client, case.query):
            plan = explain(sql, analyze=False)
            if plan.seq_scans:
                scanned[case.name] = (plan.seq_scans, plan.top_nodes)

    assert scanned == {}


def test_text_search_uses_the_trigram_indexes(client, co_chair_user, generated):
    client.force_login(co_chair_user)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    [count, rows, *_] = [explain(sql, analyze=False) for sql in register_queries(client, "q=biometric")]

    for plan in (count, rows):
        assert {"actions_action_text_trgm_idx", "actions_action_note_trgm_idx"} <= set(plan.indexes)

"""Moving Review from reminders to actions (actions/migrations/0008, reminders/migrations/0002
and 0003) keeps every review, the reminder log's links to them, the audit trail's events
about them and their permissions, and gives the secretariat its new ones.

The database is taken back to where today's main left it, filled as a used one would be,
and migrated forward again.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.models import Review
from audit.models import AuditEvent
from meetings.models import Document
from reminders.models import Reminder
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

MOVE = ("actions", "0008_review_from_reminders")


def _before_the_move(executor: MigrationExecutor) -> list[tuple[str, str]]:
    # Whatever actions migration the move follows, and the reminders app as it was.
    parents = executor.loader.graph.node_map[MOVE].parents
    return [next(node.key for node in parents if node.key[0] == "actions"), ("reminders", "0001_initial")]


def _others_as_far_as(executor: MigrationExecutor, before: list[tuple[str, str]]) -> list[tuple[str, str]]:
    graph = executor.loader.graph
    allowed = {node for target in before for node in graph.forwards_plan(target)}
    later = {node for node in graph.nodes if node[0] in {"actions", "reminders"} and node not in allowed}
    reach = []
    for leaf in graph.leaf_nodes():
        if leaf[0] in {"actions", "reminders"}:
            continue
        # The app's own chain, newest first, down to the first migration that needs nothing later.
        chain = [node for node in reversed(graph.forwards_plan(leaf)) if node[0] == leaf[0]]
        usable = next((node for node in chain if not later & set(graph.forwards_plan(node))), None)
        if usable is not None:
            reach.append(usable)
    return reach


@pytest.fixture
def migrated_back():
    executor = MigrationExecutor(connection)
    before = _before_the_move(executor)
    executor.migrate(before)
    # The models as they stood: actions and reminders as they were, every other app as far as
    # it goes without a later actions or reminders migration (proposals, for one, needs the
    # actions of today and is left out).
    yield executor.loader.project_state([*_others_as_far_as(executor, before), *before]).apps
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def test_moving_reviews_to_actions_keeps_their_rows_links_trail_and_permissions(migrated_back):
    old = migrated_back
    # Made with the migrated-back model: a strategy of then had no status.
    strategy = old.get_model("actions", "Strategy").objects.create(
        slug="test-strategy-moved",
        title="Test strategy",
        document_id=DocumentFactory(kind=Document.Kind.STRATEGY).pk,
        endorsed_on=datetime.date(2014, 8, 6),
    )
    OldReview = old.get_model("reminders", "Review")
    rows = [
        OldReview.objects.create(strategy_id=strategy.pk, number=11, due_on="2025-08-06", held_on="2025-08-20"),
        OldReview.objects.create(strategy_id=strategy.pk, number=12, due_on="2026-08-06"),
    ]
    old_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="reminders", model="review")
    old.get_model("reminders", "Reminder").objects.create(
        kind="review", review_id=rows[1].pk, offset_days=-112, recipient="th@example.org"
    )
    event = old.get_model("audit", "AuditEvent").objects.create(
        kind="changed", content_type=old_type, object_id=str(rows[0].pk), changes={"held_on": [None, "2025-08-20"]}
    )
    # Today's main gave the secretariat nothing on reviews or the log. (A test before this
    # one may have emptied the database, groups included.)
    secretariat, _ = old.get_model("auth", "Group").objects.get_or_create(name="Secretariat")
    secretariat.permissions.remove(*secretariat.permissions.filter(codename__regex=r"_(review|reminder)$"))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert list(Review.objects.values_list("pk", "strategy_id", "number", "due_on", "held_on")) == [
        (rows[0].pk, strategy.pk, 11, datetime.date(2025, 8, 6), datetime.date(2025, 8, 20)),
        (rows[1].pk, strategy.pk, 12, datetime.date(2026, 8, 6), None),
    ]
    assert Reminder.objects.get().review == Review.objects.get(number=12)
    # The same content type row, now named for actions: the trail's event still finds its review.
    assert ContentType.objects.get_for_model(Review).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="reminders", model="review").exists()
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.content_type.model_class(), event.object_id) == (Review, str(rows[0].pk))
    granted = Group.objects.get(name="Secretariat").permissions.filter(codename__regex=r"_(review|reminder)$")
    assert set(granted.values_list("content_type__app_label", "codename")) == {
        ("actions", "add_review"),
        ("actions", "change_review"),
        ("actions", "view_review"),
        ("reminders", "view_reminder"),
    }


def test_a_new_database_names_reviews_under_actions_only(db):
    assert set(ContentType.objects.filter(model="review").values_list("app_label", flat=True)) == {"actions"}
    assert Review._meta.db_table == "actions_review"
    assert {constraint.name for constraint in Review._meta.constraints} == {
        "actions_review_unique_number",
        "actions_review_number_positive",
    }

"""Indexes the action register's sorts and text search need (see bench/explain.py).

The trigram indexes exist on PostgreSQL only (pg_trgm); elsewhere text search reads the
table, which the small databases SQLite serves can afford. They index UPPER(...) because
that is what Django's icontains compares on PostgreSQL.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    # Text search of the register (ActionQuerySet.search): the action's text and latest note...
    ("actions_action_text_trgm_idx", "actions_action", "text"),
    ("actions_action_note_trgm_idx", "actions_action", "status_note"),
    # ...and its initiative's name and description.
    ("actions_initiative_name_trgm_idx", "actions_initiative", "name"),
    ("actions_initiative_description_trgm_idx", "actions_initiative", "description"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_recordversion"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["initiative", "number"], include=("id",), name="actions_action_order_idx"),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["progress"], name="actions_action_progress_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

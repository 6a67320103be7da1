from django.db import migrations, models

# Every row before this migration: the target date an update replaced is the one the update
# before it set (the target date changes only through recorded updates). The first row of
# each history replaced nothing and keeps NULL. A correlated subquery, which PostgreSQL and
# SQLite both run from the unique (action, recorded_at) index.
BACKFILL = """
UPDATE actions_actionupdate SET previous_target_date = (
    SELECT earlier.target_date FROM actions_actionupdate AS earlier
    WHERE earlier.action_id = actions_actionupdate.action_id
      AND earlier.recorded_at < actions_actionupdate.recorded_at
    ORDER BY earlier.recorded_at DESC
    LIMIT 1
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_choices_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionupdate",
            name="previous_target_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]

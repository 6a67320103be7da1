"""The strategy's reviews move from the reminders app to actions, with their rows.

A review is the strategy's own, and the dashboard (in actions) reads which one was held;
reminders depends on actions, so the model comes here. Its rows stay: the table is renamed
reminders_review -> actions_review and its constraints take the actions_review_* names.
reminders/migrations/0002 then points the reminder log here, forgets its own Review and
moves its content type (with the permissions and the audit trail's events); 0003 there
re-runs the role policy.

The index on (held_on, due_on) goes: the schedule reads one strategy's reviews by number,
down the unique (strategy, number) index, and nothing looks reviews up by date.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0007_update_previous_target_date"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        # The model as the table stands: nothing is done to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.PositiveSmallIntegerField(help_text="1 for the first review after endorsement.")),
                        ("due_on", models.DateField(help_text="From the strategy's review interval.")),
                        ("held_on", models.DateField(blank=True, help_text="Set when the review has taken place.", null=True)),
                        (
                            "strategy",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="actions.strategy",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["strategy", "number"],
                        "db_table": "reminders_review",
                        "indexes": [models.Index(fields=["held_on", "due_on"], name="reminders_review_open_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("strategy", "number"), name="reminders_review_unique_number"),
                            models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="reminders_review_number_positive"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Then the table, index and constraints take the names of their new app.
        migrations.AlterModelTable(name="review", table=None),
        migrations.RemoveIndex(model_name="review", name="reminders_review_open_idx"),
        migrations.RemoveConstraint(model_name="review", name="reminders_review_unique_number"),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                fields=("strategy", "number"),
                name="actions_review_unique_number",
                violation_error_message="This strategy already has a review with this number.",
            ),
        ),
        migrations.RemoveConstraint(model_name="review", name="reminders_review_number_positive"),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)),
                name="actions_review_number_positive",
                violation_error_message="Reviews are numbered from 1, the first after endorsement.",
            ),
        ),
    ]

"""The reminder log points at actions.Review, and reminders forgets its own Review.

Nothing is done to the tables: actions/migrations/0008 renamed the one the foreign key
already points at, and PostgreSQL and SQLite carry the key through a rename.

The content type follows the model, so that its permissions and the audit trail's events
about reviews name actions.review. A database migrated before has reminders.review only
(made after its last migrate): it is renamed. A new database may have both by now (the role
policy of audit/0002 makes the content types of whatever models exist when it runs): the
old one's events go to the new one, and the old one goes with its permissions.
"""

import django.db.models.deletion
from django.db import migrations, models


def _move(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    old = ContentType.objects.filter(app_label=source, model="review").first()
    new = ContentType.objects.filter(app_label=target, model="review").first()
    if old is not None and new is None:
        old.app_label = target
        old.save(update_fields=["app_label"])
    elif old is not None:
        AuditEvent.objects.filter(content_type=old).update(content_type=new)
        old.delete()
    ContentType.objects.clear_cache()


def content_type_to_actions(apps, schema_editor):
    _move(apps, "reminders", "actions")


def content_type_to_reminders(apps, schema_editor):
    _move(apps, "actions", "reminders")


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("actions", "0008_review_from_reminders"),
        ("audit", "0002_secretariat_reads_trail"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reminder",
                    name="review",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reminders",
                        to="actions.review",
                    ),
                ),
                migrations.DeleteModel(name="Review"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_actions, content_type_to_reminders),
    ]

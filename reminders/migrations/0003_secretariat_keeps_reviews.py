"""Let the secretariat record reviews as held and read the reminder log, and the co-chairs
read reviews, by running the role policy (members.roles) again now that reviews are part of
the record's apps and the log's permissions exist."""

from django.db import migrations

from members.roles import sync_role_groups_in_migration


def sync_groups(apps, schema_editor):
    sync_role_groups_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_review_moved_to_actions"),
        ("audit", "0002_secretariat_reads_trail"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]

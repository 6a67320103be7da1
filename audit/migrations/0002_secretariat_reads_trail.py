"""Let the secretariat read the audit trail, by running the role policy again now that
the trail's permissions exist."""

from django.db import migrations

from members.roles import sync_role_groups_in_migration


def sync_groups(apps, schema_editor):
    sync_role_groups_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_event"),
        ("actions", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]

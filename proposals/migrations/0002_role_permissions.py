"""Give the roles their permissions on proposed updates (members.roles.PROPOSAL_GRANTS): members
propose, the secretariat proposes, accepts and returns, the co-chairs read the queue."""

from django.db import migrations

from members.roles import sync_role_groups_in_migration


def sync_groups(apps, schema_editor):
    sync_role_groups_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("reminders", "0003_secretariat_keeps_reviews"),
        ("audit", "0003_key_refused"),
        ("api", "0001_access_keys"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]

"""Create the three groups of BaliTrack users with their permissions.

Permissions are normally made after all migrations run; they are made here first
so that the groups can be given them on a brand-new database.
"""

from django.db import migrations

# The policy lives beside the roles so that tests can restore it after a flush.
from members.roles import sync_role_groups_in_migration


def create_groups(apps, schema_editor):
    sync_role_groups_in_migration(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Secretariat", "Co-Chairs", "Members"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("members", "0002_profile"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

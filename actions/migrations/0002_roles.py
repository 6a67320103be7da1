"""Create the three groups of BaliTrack users with their permissions.

Permissions are normally made after all migrations run; they are made here first
so that the groups can be given them on a brand-new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The policy lives beside the roles so that tests can restore it after a flush.
from members.roles import sync_role_groups


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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

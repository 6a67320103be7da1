import uuid

from django.db import migrations


def create_token(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Row 2: the token of the register's choice lists (actions.record_version), made here so
    # that no page has to write it on its first read.
    apps.get_model("actions", "RecordVersion").objects.get_or_create(pk=2, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_register_indexes"),
    ]

    operations = [
        migrations.RunPython(create_token, migrations.RunPython.noop),
    ]

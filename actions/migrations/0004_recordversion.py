import uuid

from django.db import migrations, models


def create_token(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A random first token, so that two databases (or a database rebuilt from scratch)
    # never share cached pages through one cache server.
    apps.get_model("actions", "RecordVersion").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_action_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecordVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_token, migrations.RunPython.noop),
    ]

"""The roles' permissions on the new links of lineage (meetings' 0004), as the role policy
gives them (members.roles): the Secretariat keeps them, everyone reads them.

What the loader keeps of the record's paragraphs (LoadedRecord) follows meetings' 0005,
which made the record's sub-items parts of their paragraph: a load after it must see those
changes as the record's own, loaded, not as the secretariat's edits. Only what 0005 changed
is refreshed, so an edit the secretariat made before stays theirs."""

import hashlib
import json

from django.db import migrations

from members.roles import sync_role_groups


def _digest(value):
    # As actions.loading.values.digest, which a migration must not import.
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def roles(apps, schema_editor):
    # Only meetings' permissions are made here (Django makes the rest after the last
    # migration): making every app's could make the content type of a model another app's
    # migration has yet to move (reminders' 0002 renames Review's to actions').
    from django.contrib.auth.management import create_permissions

    meetings = apps.get_app_config("meetings")
    meetings.models_module = True
    create_permissions(meetings, apps=apps, verbosity=0)
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def forwards(apps, schema_editor):
    Decision = apps.get_model("meetings", "Decision")
    LoadedRecord = apps.get_model("actions", "LoadedRecord")
    subitems = Decision.objects.filter(level="subitem").select_related("document", "parent")
    changed = {}
    for part in subitems:
        parent_key = [part.document.slug, part.parent.number]
        # A lettered sub-item's text and place are as they were: only its new fields are said.
        changed[(part.document.slug, part.number)] = {"level": part.level, "parent": parent_key, "numbered": part.numbered}
        # The paragraph whose bullets became parts: its text is now its opening sentence only.
        if not part.numbered:
            changed.setdefault(tuple(parent_key), {})["text"] = part.parent.text
    # Parts moved down by the bullets made before them.
    for document in {part.document for part in subitems if not part.numbered}:
        for number, position in Decision.objects.filter(document=document).values_list("number", "position"):
            changed.setdefault((document.slug, number), {})["position"] = position
    for record in LoadedRecord.objects.filter(model="meetings.decision"):
        values = changed.get(tuple(json.loads(record.key)))
        if values:
            record.digests = {**record.digests, **{name: _digest(value) for name, value in values.items()}}
            record.save(update_fields=["digests"])


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0010_loadedrecord"),
        ("meetings", "0005_subitems_of_their_paragraph"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(roles, migrations.RunPython.noop),
    ]

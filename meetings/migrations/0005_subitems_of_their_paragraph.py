"""The record's sub-items become sub-items of their paragraph (issue 12), without change of
meaning: the Jakarta Declaration's lettered joint actions (10.A.a-10.D.g) keep their numbers,
texts and links and belong to paragraph 10; a paragraph's bullets ("- " lines under its
opening sentence, the 8th AHG SOM's paragraph 11) become parts of their own, cited as
"11, bullet 1" and so on, in the same order, and the parts after them move down."""

import re

from django.db import migrations

LETTERED = re.compile(r"^(\d+)\.[A-Z]\.[a-z]+$")
BULLET = "- "
# The parts that move are first moved out of the way: (document, position) is unique.
OUT_OF_THE_WAY = 10_000


def forwards(apps, schema_editor):
    Decision = apps.get_model("meetings", "Decision")
    documents = Decision.objects.values_list("document_id", flat=True).distinct()
    for document_id in documents:
        parts = list(Decision.objects.filter(document_id=document_id).order_by("position"))
        by_number = {part.number: part for part in parts}
        for part in parts:
            found = LETTERED.match(part.number)
            if found and found.group(1) in by_number:
                part.level, part.parent = "subitem", by_number[found.group(1)]
                part.save(update_fields=["level", "parent"])
        # Each part moves down by the number of bullets made before it; a bullet follows its paragraph.
        moved, made = [], 0
        for part in parts:
            part.position += made
            moved.append(part)
            opening, *lines = part.text.split("\n")
            if part.level != "paragraph" or not lines or not all(line.startswith(BULLET) for line in lines):
                continue
            part.text = opening
            part.save(update_fields=["text"])
            for index, line in enumerate(lines, start=1):
                made += 1
                bullet = Decision(
                    document_id=document_id,
                    number=f"{part.number}, bullet {index}",
                    numbered=False,
                    level="subitem",
                    parent=part,
                    position=part.position + index,
                    section=part.section,
                    text=line[len(BULLET) :].strip(),
                    verb=part.verb,
                    pillar_id=part.pillar_id,
                )
                moved.append(bullet)
        if not made:
            continue
        for part in moved:
            if part.pk is not None:
                Decision.objects.filter(pk=part.pk).update(position=part.position + OUT_OF_THE_WAY)
        for part in moved:
            if part.pk is None:
                part.save()
            else:
                Decision.objects.filter(pk=part.pk).update(position=part.position)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_paragraph_structure")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Writing a document's text into the record: the parts of a statement, as the splitter found
them and the officer confirmed them (the "Record a statement" flow, `import_statement`).

Every save goes through the model (no bulk writes), so the audit trail records each part
created, changed or removed, naming the officer (the request's) or the command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q

from meetings.models import Decision, Document
from meetings.statement_text import Level, Part

# The fields a part's save sets; anything else (names, links, notes) is the officer's own work
# on the record, and a new text leaves it as it is.
TEXT_FIELDS = ("numbered", "level", "parent_id", "position", "section", "text", "verb")
# While a text is replaced the parts that stay are moved out of the way first, as two parts of
# a document never share a position.
OUT_OF_THE_WAY = 20_000
SECTION_LENGTH = Decision._meta.get_field("section").max_length or 200
NUMBER_LENGTH = Decision._meta.get_field("number").max_length or 40
# A capital letter heading a group of sub-items: the Jakarta Declaration's "A. Prevention".
LETTER_HEADING = re.compile(r"^[A-Z]$")

# The first of these in a part's text is its operative verb, as the statements write them.
_VERB_WORDS: list[tuple[str, Decision.Verb]] = [
    (r"agreed?", Decision.Verb.AGREED),
    (r"decided?", Decision.Verb.DECIDED),
    (r"directed", Decision.Verb.DIRECTED),
    (r"tasked", Decision.Verb.TASKED),
    (r"recommended", Decision.Verb.RECOMMENDED),
    (r"endorsed", Decision.Verb.ENDORSED),
    (r"instructed", Decision.Verb.INSTRUCTED),
    (r"invited", Decision.Verb.INVITED),
    (r"urged", Decision.Verb.URGED),
    (r"encouraged", Decision.Verb.ENCOURAGED),
    (r"(?:are |were )?committed", Decision.Verb.COMMITTED),
    (r"supported", Decision.Verb.SUPPORTED),
    (r"adopted", Decision.Verb.ADOPTED),
    (r"welcomed", Decision.Verb.WELCOMED),
    (r"noted|took note", Decision.Verb.NOTED),
    (r"acknowledged", Decision.Verb.ACKNOWLEDGED),
    (r"reaffirm(?:ed)?", Decision.Verb.REAFFIRMED),
    (r"affirmed", Decision.Verb.AFFIRMED),
    (r"recogni[sz]ed", Decision.Verb.RECOGNISED),
    (r"commended", Decision.Verb.COMMENDED),
    (r"underscored", Decision.Verb.UNDERSCORED),
    (r"underlined", Decision.Verb.UNDERLINED),
    (r"recalled|recalling", Decision.Verb.RECALLED),
    (r"reviewed", Decision.Verb.REVIEWED),
    (r"expressed (?:\w+ )?appreciation|appreciated", Decision.Verb.APPRECIATED),
]
_VERBS = re.compile("|".join(rf"\b(?P<v{index}>{words})\b" for index, (words, _) in enumerate(_VERB_WORDS)), re.I)


class TextRefused(Exception):
    """The text cannot be saved as it is; the message says why, in a sentence for the officer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TextSaved:
    created: int
    changed: int
    unchanged: int
    removed: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.changed or self.removed)


def guess_verb(text: str) -> str:
    """The part's operative verb as the preview proposes it: the first of the statements'
    verbs in its text ("The Meeting welcomed ... and agreed ..." is welcomed); "recorded" when
    there is none."""
    found = _VERBS.search(text)
    if found is None or found.lastgroup is None:
        return Decision.Verb.RECORDED
    return _VERB_WORDS[int(found.lastgroup[1:])][1]


def citation_keys(parts: Sequence[Part]) -> list[str]:
    """How each part will be cited within its document (Decision.number), in order.

    A numbered paragraph by its number ("4"); a lettered sub-item by its paragraph's and its
    own ("4(b)"), or under a capital-letter heading within its paragraph as the Jakarta
    Declaration is cited ("10.A.a"); a bullet by its paragraph and place ("11, bullet 2");
    what is printed without a number by BaliTrack's own ("unnumbered paragraph 1", "heading 2").
    """
    keys: list[str] = []
    paragraph: str | None = None
    letter: str | None = None
    bullets: dict[str, int] = {}
    unnumbered = {Level.PARAGRAPH: 0, Level.HEADING: 0}
    for part in parts:
        if part.level is Level.HEADING:
            if part.number:
                key = f"heading {part.number}"
            else:
                unnumbered[Level.HEADING] += 1
                key = f"heading {unnumbered[Level.HEADING]}"
            letter = part.number if part.number and LETTER_HEADING.match(part.number) and paragraph else None
        elif part.level is Level.PARAGRAPH:
            if part.number:
                key = part.number
            else:
                unnumbered[Level.PARAGRAPH] += 1
                key = f"unnumbered paragraph {unnumbered[Level.PARAGRAPH]}"
            paragraph, letter = key, None
        else:
            if paragraph is None:
                raise TextRefused(
                    f"Part {part.position} is a sub-item with no paragraph before it to belong to "
                    f"(it begins “{_opening(part.text)}”): make it a paragraph."
                )
            if part.number:
                key = f"{paragraph}.{letter}.{part.number}" if letter else f"{paragraph}({part.number})"
            else:
                bullets[paragraph] = bullets.get(paragraph, 0) + 1
                key = f"{paragraph}, bullet {bullets[paragraph]}"
        if len(key) > NUMBER_LENGTH:
            raise TextRefused(f"Part {part.position}'s number, {key}, is longer than {NUMBER_LENGTH} characters.")
        keys.append(key)
    repeated = sorted({key for key in keys if keys.count(key) > 1}, key=keys.index)
    if repeated:
        where = "; ".join(
            f"{_cited(key)} at parts {', '.join(str(i + 1) for i, k in enumerate(keys) if k == key)}"
            for key in repeated[:5]
        )
        raise TextRefused(f"Two parts cannot have the same number: {where}. Renumber one of them.")
    return keys


@transaction.atomic
def document_text_save(
    *,
    by: AbstractBaseUser | None,
    document: Document,
    parts: Sequence[Part],
    verbs: Mapping[int, str] | None = None,
    replace: bool = False,
) -> TextSaved:
    """Save the document's parts from a confirmed text, in one transaction.

    Into a document without parts, every part is created. The same text again changes
    nothing. A different text is refused unless `replace`: then each part the new text keeps
    (by its citation) is updated in place, keeping its names, links and notes, new ones are
    created and the others removed, except that a part an action's mandate or a link of
    lineage points at is never removed: the whole replacement is refused, naming them.
    `verbs` (by part position) overrides the guessed verb; without it a kept part keeps its verb.
    `by` is the acting officer; the audit trail names them from the request or the command.
    """
    if not parts:
        raise TextRefused("The text has no parts to save.")
    keys = citation_keys(parts)
    wanted = _wanted(parts, keys, verbs or {})
    # Locked, so that two officers saving the same document wait for each other.
    existing = {part.number: part for part in Decision.objects.select_for_update().filter(document=document)}
    if existing and not replace:
        if _same_text(existing, wanted, keep_verbs=verbs is None):
            return TextSaved(created=0, changed=0, unchanged=len(existing), removed=0)
        raise TextRefused(
            f"{document.title} has {len(existing)} parts already, and this text differs from them"
            f" ({_first_difference(existing, wanted)}). Ask to replace them, or record the text as a new document."
        )
    removed = [part for key, part in existing.items() if key not in wanted]
    _refuse_removing_what_is_cited(removed)

    created = changed = unchanged = 0
    # Every part there was moves out of the way, those to be removed too, as they are removed
    # last: a kept sub-item of a removed paragraph is given its new paragraph first.
    for part in existing.values():
        part.position += OUT_OF_THE_WAY
        part.save(update_fields=["position"])
    saved: dict[str, Decision] = {}
    for key, fields in wanted.items():
        parent_key = fields.pop("parent_key")
        verb_given = fields.pop("verb_given")
        fields["parent_id"] = saved[parent_key].pk if parent_key else None
        found = existing.get(key)
        if found is None:
            part = Decision(document=document, number=key, **fields)
            part.full_clean(validate_unique=False, validate_constraints=False)
            part.save()
            created += 1
        else:
            part = found
            if not verb_given:
                fields["verb"] = part.verb
            before = {name: getattr(part, name) for name in TEXT_FIELDS}
            before["position"] -= OUT_OF_THE_WAY
            for name, value in fields.items():
                setattr(part, name, value)
            part.save(update_fields=[name.removesuffix("_id") for name in TEXT_FIELDS])
            if {name: getattr(part, name) for name in TEXT_FIELDS} == before:
                unchanged += 1
            else:
                changed += 1
        saved[key] = part
    # Sub-items before their paragraphs, so that none goes with its paragraph uncounted.
    for part in sorted(removed, key=lambda part: part.level != Decision.Level.SUBITEM):
        part.delete()
    return TextSaved(created=created, changed=changed, unchanged=unchanged, removed=len(removed))


def _wanted(parts: Sequence[Part], keys: list[str], verbs: Mapping[int, str]) -> dict[str, dict[str, Any]]:
    """Each part's fields, by its citation, in order; a sub-item names its paragraph's citation."""
    wanted: dict[str, dict[str, Any]] = {}
    section = ""
    paragraph_key: str | None = None
    for position, (part, key) in enumerate(zip(parts, keys, strict=True), start=1):
        verb: str
        if part.level is Level.HEADING:
            verb = Decision.Verb.RECORDED
        else:
            verb = verbs.get(part.position) or guess_verb(part.text)
        if verb not in Decision.Verb.values:
            raise TextRefused(f"Part {part.position} has a verb BaliTrack does not know: {verb!r}.")
        wanted[key] = {
            "numbered": part.number is not None,
            "level": part.level.value,
            "parent_key": paragraph_key if part.level is Level.SUBITEM else None,
            "position": position,
            "section": "" if part.level is Level.HEADING else section[:SECTION_LENGTH],
            "text": part.text,
            "verb": verb,
            "verb_given": part.position in verbs,
        }
        if part.level is Level.HEADING:
            section = part.text
        elif part.level is Level.PARAGRAPH:
            paragraph_key = key
    return wanted


def _same_text(existing: dict[str, Decision], wanted: dict[str, dict[str, Any]], *, keep_verbs: bool) -> bool:
    if set(existing) != set(wanted):
        return False
    numbers = {part.pk: number for number, part in existing.items()}
    for key, fields in wanted.items():
        part = existing[key]
        stored = {
            "numbered": part.numbered,
            "level": part.level,
            "parent_key": numbers.get(part.parent_id) if part.parent_id else None,
            "position": part.position,
            "section": part.section,
            "text": part.text,
            "verb": part.verb,
        }
        compared = {name: value for name, value in fields.items() if name != "verb_given"}
        if keep_verbs:
            compared["verb"] = part.verb
        if stored != compared:
            return False
    return True


def _first_difference(existing: dict[str, Decision], wanted: dict[str, dict[str, Any]]) -> str:
    for key, fields in wanted.items():
        part = existing.get(key)
        if part is None:
            return f"{_cited(key)} is new"
        if part.text != fields["text"]:
            return f"{_cited(key)} reads differently"
    missing = [key for key in existing if key not in wanted]
    if missing:
        return f"{_cited(missing[0])} is not in it"
    return "the parts are in another order or at other levels"


def _refuse_removing_what_is_cited(removed: list[Decision]) -> None:
    if not removed:
        return
    cited = (
        Decision.objects.filter(pk__in=[part.pk for part in removed])
        .annotate(mandating=Count("actions", distinct=True), linked=Count("later_lineage", distinct=True))
        .filter(Q(mandating__gt=0) | Q(linked__gt=0))
    )
    found = sorted(cited, key=lambda part: part.position)
    if found:
        named = "; ".join(
            f"{part.citation} ("
            + " and ".join(
                what
                for what in (
                    f"the mandate of {part.mandating} action{'s' if part.mandating != 1 else ''}"
                    if part.mandating
                    else "",
                    f"cited by {part.linked} later paragraph{'s' if part.linked != 1 else ''}" if part.linked else "",
                )
                if what
            )
            + ")"
            for part in found[:10]
        )
        raise TextRefused(
            f"The new text leaves out parts that the record points at, so nothing was replaced: {named}."
            " Keep them in the text, or unlink them first."
        )


def _cited(key: str) -> str:
    return key if key.startswith(("unnumbered", "heading")) else f"¶{key}"


def _opening(text: str) -> str:
    words = text.split()
    return " ".join(words[:6]) + (" …" if len(words) > 6 else "")

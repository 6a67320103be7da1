"""The "Record a statement" draft: what the officer has typed so far, kept in their session
until they confirm it (issue 12, point 4). Pure Python, no database.

The pasted text is kept once; the preview's corrections are a short list of operations
replayed on the splitter's parts, so the session holds the text and a few bytes per
correction, never a second copy of the parts.

A correction is a list, as JSON keeps it:
``["number", position, "4"]`` (``""`` for no number), ``["level", position, "subitem"]``,
``["verb", position, "agreed"]``, ``["merge", position]`` (with the part after it) and
``["split", position, "words"]`` (a new part from these words on). Positions are those of
the parts as they stand when the correction is made, 1 first.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from meetings.statement_text import Level, Part, StatementTextError, split_statement

SESSION_KEY = "record_statement"
# The preview shows a row of three boxes for each part, and Django accepts 1,000 fields in a
# request (DATA_UPLOAD_MAX_NUMBER_FIELDS): 300 parts is five times a long Ministerial
# declaration. A longer text goes in with `import_statement`.
MAX_PARTS = 300
# Enough for every correction of the longest preview several times over; the session stays
# bounded however long the officer keeps correcting.
MAX_CORRECTIONS = 1000
MAX_NUMBER_LENGTH = 12
MAX_SPLIT_WORDS = 300

_PRINTED_NUMBER = re.compile(r"[A-Za-z0-9]{1,12}")
_PARAGRAPH_MARKER = re.compile(r"(\d{1,3})[.)]\s+")
_SUBITEM_MARKER = re.compile(r"\(?([a-z]|[ivx]{1,5})[.)]\s+")


class CorrectionError(ValueError):
    """A correction that cannot be made; the message says why, for the officer."""


@dataclass(frozen=True)
class DraftPart:
    """A part of the preview: the splitter's part as corrected, and the verb the officer chose."""

    part: Part
    verb: str | None = None


def printed_number(typed: str) -> str | None:
    """A number as the officer types it, as the splitter keeps numbers: "(b)" is "b", "4." is "4"."""
    number = typed.strip().strip("().").strip()
    if not number:
        return None
    if not _PRINTED_NUMBER.fullmatch(number):
        raise CorrectionError(
            f"“{typed.strip()[:20]}” is not a number as statements print them: use letters and digits only "
            '("4", "b", "iii"), or leave it empty for a part printed without one.'
        )
    return number


def draft_parts(text: str, corrections: list[list[Any]]) -> list[DraftPart]:
    """The parts of the text with the corrections made, in order; StatementTextError if the
    text cannot be read, CorrectionError if a correction no longer fits it."""
    parts = split_statement(text)
    if len(parts) > MAX_PARTS:
        raise StatementTextError(
            f"The text has {len(parts):,} parts; the preview shows at most {MAX_PARTS}. Check that it is one "
            "statement, or record it with the import_statement command."
        )
    drafts = [DraftPart(part) for part in parts]
    for correction in corrections:
        drafts = _corrected(drafts, correction)
    return _renumbered(drafts)


def _corrected(drafts: list[DraftPart], correction: list[Any]) -> list[DraftPart]:
    kind, position, *rest = correction
    if not isinstance(position, int) or not 1 <= position <= len(drafts):
        raise CorrectionError(f"There is no part {position} to correct.")
    index = position - 1
    draft = drafts[index]
    if kind == "number":
        changed = DraftPart(replace(draft.part, number=printed_number(str(rest[0]))), draft.verb)
        return [*drafts[:index], changed, *drafts[index + 1 :]]
    if kind == "level":
        changed = DraftPart(replace(draft.part, level=Level(rest[0])), draft.verb)
        return [*drafts[:index], changed, *drafts[index + 1 :]]
    if kind == "verb":
        return [*drafts[:index], DraftPart(draft.part, str(rest[0])), *drafts[index + 1 :]]
    if kind == "merge":
        if position == len(drafts):
            raise CorrectionError(f"Part {position} is the last part: there is no part after it to merge with.")
        after = drafts[index + 1].part
        merged = DraftPart(replace(draft.part, text=f"{draft.part.text} {after.text}"), draft.verb)
        return [*drafts[:index], merged, *drafts[index + 2 :]]
    if kind == "split":
        return [*drafts[:index], *_split(draft, position, str(rest[0])), *drafts[index + 1 :]]
    raise CorrectionError(f"BaliTrack does not know the correction {kind!r}.")


def _split(draft: DraftPart, position: int, words: str) -> list[DraftPart]:
    text, words = draft.part.text, " ".join(words.split())
    at = text.find(words) if words else -1
    if at <= 0:
        where = "is at its very start" if at == 0 else "are not in it"
        raise CorrectionError(
            f"Part {position} cannot be split before “{words[:60]}”: these words {where}. Copy the words that "
            "begin the new part from the part's text."
        )
    rest = text[at:].strip()
    level, number = draft.part.level, None
    # A new part that begins with its own number, as the splitter would have read it.
    if found := _PARAGRAPH_MARKER.match(rest):
        level, number, rest = Level.PARAGRAPH, found[1], rest[found.end() :]
    elif found := _SUBITEM_MARKER.match(rest):
        level, number, rest = Level.SUBITEM, found[1], rest[found.end() :]
    first = DraftPart(replace(draft.part, text=text[:at].strip()), draft.verb)
    return [first, DraftPart(Part(position=0, number=number, level=level, parent=None, text=rest))]


def _renumbered(drafts: list[DraftPart]) -> list[DraftPart]:
    """Positions from 1 in order, and each sub-item's parent the nearest paragraph before it."""
    result: list[DraftPart] = []
    paragraph: str | None = None
    for position, draft in enumerate(drafts, start=1):
        part = draft.part
        parent = paragraph if part.level is Level.SUBITEM else None
        if part.level is Level.PARAGRAPH:
            paragraph = part.number
        result.append(DraftPart(replace(part, position=position, parent=parent), draft.verb))
    return result


def revision(text: str, corrections: list[list[Any]]) -> str:
    """A short fingerprint of the draft: the preview carries it, so a preview older than the
    draft (another window, the text pasted again) is told apart from the current one."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(json.dumps(corrections, separators=(",", ":")).encode())
    return digest.hexdigest()[:16]

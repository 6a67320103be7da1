"""Splitting the pasted text of a co-chairs' statement into its parts (issue 12, point 4).

Pure Python, no database: the "Record a statement" preview and ``import_statement``
both start from ``split_statement``, and the officer can correct whatever it decides
in the preview. The rules are deliberately conservative: when in doubt, text stays
in the part it is in rather than starting a part of its own.

Numbers are kept as printed, without their full stop or brackets ("4", "b", "iii").

- ``1.`` ``1)`` (one to three digits) number a paragraph. Only arabic numbers do.
- ``a.`` ``a)`` ``(a)``, ``i.`` ``i)`` ``(i)`` (lower-case letters and roman numerals,
  also after a bullet: ``- a.``, the Jakarta Declaration's style) and the bullets
  ``-`` ``–`` ``—`` ``•`` ``*`` ``●`` ``▪`` ``◦`` mark a sub-item; a bullet's number is None.
  A sub-item belongs to the nearest paragraph before it: its parent is that
  paragraph's number (None when the paragraph is unnumbered). A heading in between
  does not end the paragraph, so the Jakarta Declaration's "A. Prevention" ... "- a."
  stay sub-items of paragraph 10. A list inside a list is flattened: "(a)" and the
  "(i)" under it are both sub-items of the paragraph.
- On a wrapped line (one not after a blank line) a number or letter starts a new part
  only if it continues its sequence (4 after 3, b after a, ii after i; a or i as a
  paragraph's first sub-item) or the line before ends a clause (. ; : ! ? , "and",
  "or"); otherwise it is part of the text, so a wrapped "140. They encouraged ..."
  stays in its paragraph. A list inside a list always needs the clause ended ("as
  follows:"). After a blank line a marker always starts a part; a bullet always does.
- i, v and x straight after h, u and w are letters (the sequence goes on); any other i
  starts a roman list, and a lone v, x, l, c, d or m is a letter unless a roman list is
  under way.

Headings. Their text keeps its numeral ("I. Decisions and Recommendations"); their
number is the numeral or capital letter as printed ("I", "A"), else None:

1. an upper-case roman numeral or a capital letter, a full stop, and a title that starts
   with a capital or a digit, does not end with . ; or , and keeps the whole line
   within ``MAX_HEADING_LENGTH`` ("I. Decisions and Recommendations", "A. Prevention");
2. a line in capitals within ``MAX_HEADING_LENGTH``, not ending with . ; or , at the
   start of a block ("CO-CHAIRS' STATEMENT");
3. a single line of at most ``MAX_LONE_HEADING_LENGTH`` characters starting with a
   capital and without final punctuation, between blank lines, followed by a numbered
   paragraph ("Regional cooperation"), unless the part before it is unfinished.

A wrapped line continues a heading in capitals if it is in capitals too (a title set
on three lines is one heading), and any other heading only if the heading visibly
breaks off (ends with "and", "of", "on", ..., a comma or a hyphen); otherwise it starts
a paragraph, so a heading never swallows the first line of the text under it.

Joins and page-break artefacts:

- the lines of a block (lines between blank lines) are one part, joined by one space;
- a block after a blank line, a form feed (a page break) or a page-number line continues
  the paragraph or sub-item before it when it starts lower-case, or when it has no
  marker and the part before does not end with . ; : ! or ? (a closing bracket or
  quote after it is allowed);
- a line ending in a hyphen straight after a letter joins the next line without the
  hyphen when that starts lower-case ("traff-" "icking"), and with the hyphen kept and no
  space otherwise ("Co-" "Chairs'"); a soft hyphen is always dropped;
- lines that are only a page number are dropped: "3", "- 3 -", "Page 3", "Page 3 of 5",
  "3 of 5", "3 | Page", "Page | 3".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

# A long Ministerial declaration is about 30,000 characters: ten times that leaves room
# for any statement with its attachments, and anything longer is a paste of something else.
MAX_STATEMENT_LENGTH = 300_000
MAX_HEADING_LENGTH = 100
MAX_LONE_HEADING_LENGTH = 80


class Level(StrEnum):
    """What a part is; the values are the ``level`` of ``import_statement --json``."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    SUBITEM = "subitem"


@dataclass(frozen=True)
class Part:
    """One part of a statement as printed: a heading, a paragraph, or a sub-item of a paragraph."""

    position: int
    number: str | None
    level: Level
    parent: str | None
    text: str


class StatementTextError(ValueError):
    """The pasted text cannot be read as a statement; the message tells the officer why."""


_Kind = Literal["letter", "roman"]

# \uf0b7 is Word's Symbol-font bullet, as it arrives when a list is pasted from Word.
_BULLET = "[-–—•*●▪◦\uf0b7]"
_PARAGRAPH = re.compile(r"(\d{1,3})[.)](?:\s+(.*))?")
_SUBITEM = re.compile(
    rf"(?P<bullet>{_BULLET}\s+)?(?:\((?P<bracketed>[a-z]|[ivxlcdm]+)\)|(?P<plain>[a-z]|[ivxlcdm]+)[.)])(?:\s+(?P<text>.*))?"
)
_BULLETED = re.compile(rf"{_BULLET}\s+(.*)")
_NUMBERED_HEADING = re.compile(r"([IVXLC]+|[A-Z])\.\s+[A-Z0-9].*")
_PAGE_NUMBER = re.compile(
    r"\d{1,3}|\d{1,3}\s+of\s+\d{1,3}|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]"
    r"|\d{1,4}\s*\|\s*page|page\s*\|\s*\d{1,4}",
    re.IGNORECASE,
)
# C0 and C1 control characters except tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_CLOSERS = ")]'\"’”*"  # "*": the bold markers of text converted from a word processor
_SENTENCE_ENDS = (".", ";", ":", "!", "?")
_NOT_A_TITLE_END = (".", ";", ",")
_UNFINISHED_TITLE = {"and", "of", "on", "for", "the", "in", "to", "with", "by", "at", "&"}


def split_statement(text: str) -> list[Part]:
    """The parts of a statement's whole text, in order; StatementTextError if it cannot be one."""
    drafts = _Splitter().read(_blocks(_checked(text)))
    if not drafts:
        raise StatementTextError("The text has only page numbers and no paragraph: paste the whole statement.")
    if all(draft.level is Level.HEADING for draft in drafts):
        raise StatementTextError(
            "The text has headings but no paragraph: paste the whole statement, not only its title and headings."
        )
    return [
        Part(position=index, number=draft.number, level=draft.level, parent=draft.parent, text=draft.text)
        for index, draft in enumerate(drafts, start=1)
    ]


def parts_as_json(parts: Iterable[Part]) -> list[dict[str, str | int | None]]:
    """The parts as ``import_statement --dry-run --json`` prints them."""
    return [
        {
            "position": part.position,
            "number": part.number,
            "level": part.level.value,
            "parent": part.parent,
            "text": part.text,
        }
        for part in parts
    ]


def _checked(text: str) -> str:
    """The text with its line breaks made "\\n", or StatementTextError saying what is wrong with it."""
    # Measured as pasted, before anything is read, so a huge paste costs nothing more.
    if len(text) > MAX_STATEMENT_LENGTH:
        raise StatementTextError(
            f"The text is {len(text):,} characters long; a statement can have at most "
            f"{MAX_STATEMENT_LENGTH:,} (a long Ministerial declaration has about 30,000): "
            "paste one statement at a time."
        )
    # U+2028 and U+2029 are Word's line and paragraph breaks when it is copied from.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise StatementTextError(
            f"Line {line} of the text has a control character (U+{ord(control[0]):04X}), which cannot be "
            "part of a statement: delete it and paste the text again."
        )
    if not text.strip():
        raise StatementTextError("The text is empty: paste the whole text of the statement.")
    return text


def _blocks(text: str) -> list[list[str]]:
    """The text's blocks of lines, each line trimmed; blank lines, page breaks and page numbers end a block."""
    blocks: list[list[str]] = [[]]
    for raw in text.replace("\f", "\n\n").split("\n"):
        line = raw.strip()
        if line and not _PAGE_NUMBER.fullmatch(line):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


@dataclass
class _Draft:
    """A part being read. Its lines are kept as pieces and joined once, at the end: joining them
    line by line would copy a long paragraph once per line (minutes for 300,000 characters)."""

    level: Level
    number: str | None
    parent: str | None
    pieces: list[str]

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def last_line(self) -> str:
        return self.pieces[-1]

    def add(self, line: str) -> None:
        """The next line of this part: after one space, or straight after a hyphen at the end of a word."""
        last = self.last_line
        if not last:  # a marker alone on its line, its text on the next
            self.pieces[-1] = line
        elif last[-1] in "-\u00ad" and last[-2:-1].isalnum():
            if line[0].islower() or last[-1] == "\u00ad":
                self.pieces[-1] = last[:-1]
            self.pieces.append(line)
        else:
            self.pieces += [" ", line]


class _Splitter:
    """Reads the blocks line by line, keeping what a line's reading depends on."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.paragraph: _Draft | None = None  # the paragraph a sub-item belongs to
        self.last_number = 0  # of the last numbered paragraph, for the sequence
        self.last_subitem: tuple[_Kind, str] | None = None  # in self.paragraph, for the sequence

    def read(self, blocks: list[list[str]]) -> list[_Draft]:
        for index, block in enumerate(blocks):
            before_paragraph = index + 1 < len(blocks) and bool(_PARAGRAPH.fullmatch(blocks[index + 1][0]))
            for offset, line in enumerate(block):
                previous = block[offset - 1] if offset else None
                self._read_line(line, previous, alone=len(block) == 1, before_paragraph=before_paragraph)
        return self.drafts

    def _read_line(self, line: str, previous: str | None, *, alone: bool, before_paragraph: bool) -> None:
        """Start a part with ``line`` or add it to the last one; ``previous`` is the line before in its block."""
        if (heading := _NUMBERED_HEADING.fullmatch(line)) and _is_title(line) and _is_numeral(heading[1]):
            self._start(Level.HEADING, heading[1], line)
            return
        if (paragraph := _PARAGRAPH.fullmatch(line)) and (
            previous is None or int(paragraph[1]) == self.last_number + 1 or _ends_sentence(previous)
        ):
            self.last_number = int(paragraph[1])
            self._start_paragraph(paragraph[1], paragraph[2] or "")
            return
        if subitem := _SUBITEM.fullmatch(line):
            token = subitem["bracketed"] or subitem["plain"]
            kind = _subitem_kind(token, self.last_subitem)
            if kind and (
                previous is None
                or subitem["bullet"]
                or _continues(kind, token, self.last_subitem)
                or _ends_clause(previous)
            ):
                self.last_subitem = (kind, token)
                self._start(Level.SUBITEM, token, subitem["text"] or "")
                return
        if bullet := _BULLETED.fullmatch(line):
            self._start(Level.SUBITEM, None, bullet[1])
            return
        last = self.drafts[-1] if self.drafts else None
        if last is not None and previous is not None:  # a wrapped line
            if last.level is not Level.HEADING or _continues_heading(last, line):
                last.add(line)
            else:
                self._start_paragraph(None, line)
        elif _is_capitals_title(line):
            self._start(Level.HEADING, None, line)
        elif (
            last is not None
            and last.level is not Level.HEADING
            and (line[0].islower() or not _ends_sentence(last.last_line))
        ):
            last.add(line)  # a part broken by a page break
        elif alone and before_paragraph and _is_lone_heading(line):
            self._start(Level.HEADING, None, line)
        else:
            self._start_paragraph(None, line)

    def _start(self, level: Level, number: str | None, text: str) -> None:
        parent = None
        if level is Level.SUBITEM and self.paragraph is not None:
            parent = self.paragraph.number
        self.drafts.append(_Draft(level=level, number=number, parent=parent, pieces=[text]))

    def _start_paragraph(self, number: str | None, text: str) -> None:
        self._start(Level.PARAGRAPH, number, text)
        self.paragraph = self.drafts[-1]
        self.last_subitem = None


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)


def _ends_clause(line: str) -> bool:
    return _ends_sentence(line) or line.endswith(",") or line.rsplit(None, 1)[-1].lower() in {"and", "or"}


def _is_title(line: str) -> bool:
    return len(line) <= MAX_HEADING_LENGTH and not line.rstrip(_CLOSERS).endswith(_NOT_A_TITLE_END)


def _is_capitals_title(line: str) -> bool:
    return line.isupper() and _is_title(line)


def _is_lone_heading(line: str) -> bool:
    return (
        len(line) <= MAX_LONE_HEADING_LENGTH
        and line[0].isupper()
        and not line.rstrip(_CLOSERS).endswith((*_SENTENCE_ENDS, ","))
    )


def _continues_heading(heading: _Draft, line: str) -> bool:
    if heading.pieces[0].isupper():  # its first line says what kind of heading it is
        return _is_capitals_title(line)
    last = heading.last_line
    return last.endswith((",", "-")) or last.rsplit(None, 1)[-1].lower() in _UNFINISHED_TITLE


def _is_numeral(numeral: str) -> bool:
    """A heading's capital letter or upper-case roman numeral ("IIII." is neither)."""
    return len(numeral) == 1 or _roman_value(numeral.lower()) is not None


def _roman_value(token: str) -> int | None:
    if not token or not _ROMAN.fullmatch(token):
        return None
    values = [_ROMAN_VALUES[char] for char in token]
    return sum(-value if value < after else value for value, after in zip(values, [*values[1:], 0], strict=True))


def _subitem_kind(token: str, previous: tuple[_Kind, str] | None) -> _Kind | None:
    """Whether a sub-item's marker is a letter or a roman numeral, read against the sub-item before it."""
    if previous is not None and previous[0] == "letter" and len(token) == 1 and ord(token) == ord(previous[1]) + 1:
        return "letter"  # i after h, v after u, x after w: the next letter
    if _roman_value(token) is not None and (
        len(token) > 1 or token == "i" or (previous is not None and previous[0] == "roman")
    ):
        return "roman"
    return "letter" if len(token) == 1 else None


def _continues(kind: _Kind, token: str, previous: tuple[_Kind, str] | None) -> bool:
    """Whether the marker is the next of its list (or begins a list), as a wrapped line's marker must be."""
    if previous is None:
        return token in {"a", "i"}
    if previous[0] != kind:
        return False  # a list inside a list: the line before it must end a clause ("... as follows:")
    if kind == "letter":
        return ord(token) == ord(previous[1]) + 1
    return _roman_value(token) == (_roman_value(previous[1]) or 0) + 1

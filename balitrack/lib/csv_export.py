"""Streaming CSV downloads that open safely in a spreadsheet."""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

CHUNK_CHARACTERS = 64 * 1024

# A piece of text starting with one of these is read as a formula by spreadsheet programs.
FORMULA_CHARACTERS = "=+-@\t\r"
# Characters a spreadsheet may split a line on when it guesses the file's separator, or is
# told one (";" is the list separator of many European locales): each starts a new cell.
SEPARATORS = ";,\t"
# The start of the cell or of a piece after a separator, then spaces (which some programs
# trim on import), then a formula character; the apostrophe goes before that character.
_FORMULA_START = re.compile(rf"(?:^|(?<=[{SEPARATORS}]))( *)(?=[{re.escape(FORMULA_CHARACTERS)}])")


def safe_cell(value: Any) -> str:
    """The value as text, with an apostrophe before every formula a spreadsheet could read in it.

    The rule: wherever a formula character (= + - @, tab, carriage return) begins the cell,
    or follows one of the separators ; , and tab (with only spaces between), an apostrophe
    goes before it, the mark spreadsheets read as "this is text". A spreadsheet reading the
    file as comma-separated sees one cell; one that splits it on ";" sees several, and
    every one that would start with a formula starts with the apostrophe instead:

        "=1+1"                -> "'=1+1"
        "x;=1+1"              -> "x;'=1+1"
        "Lead; @Evil"         -> "Lead; '@Evil"  (owners are joined with "; ")
        "Contact: RSO, +66 2" -> "Contact: RSO, '+66 2"

    A formula character after anything else is ordinary text and is left alone: "co-lead",
    "1-2 May", "2014-08-06", "data-sharing", "e-mail". A line break is not a separator
    here: the file's quotes keep it inside its cell, and the record's lists start lines with
    "- " ("...stolen travel documents across the region;\n- The 6th Technical Experts..."),
    which an apostrophe would spoil.
    """
    text = "" if value is None else str(value)
    return _FORMULA_START.sub(r"\1'", text)


class _Echo:
    """A file-like object whose write() hands the line straight back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def stream_csv(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """A download that sends each row as it is produced, so memory stays flat and the
    first bytes leave before the last row is read."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        # A byte-order mark lets spreadsheet programs read the file as UTF-8. The header
        # leaves at once, so the download starts before the first row is read.
        yield "\ufeff" + writer.writerow(header)
        # Then rows in pieces of about 64 KB: one write per row would cost a system call
        # (and, behind gunicorn, a chunk header) for every line.
        buffer: list[str] = []
        size = 0
        for row in rows:
            line = writer.writerow([safe_cell(cell) for cell in row])
            buffer.append(line)
            size += len(line)
            if size >= CHUNK_CHARACTERS:
                yield "".join(buffer)
                buffer, size = [], 0
        if buffer:
            yield "".join(buffer)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

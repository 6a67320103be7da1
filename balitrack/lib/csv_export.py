"""Streaming CSV downloads that open safely in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

CHUNK_CHARACTERS = 64 * 1024

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The value as text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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

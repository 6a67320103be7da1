"""The register as a spreadsheet to fill in and upload again (issue 16): writing it, reading
one back, and comparing its rows with the actions as they stand.

The sheet names each action by its id and the version it had when exported, so an upload
finds the action whatever its text became, and tells a row the action has moved on from (a
conflict) from a row to apply. Four columns are to be edited (status, progress, target date,
a note for the update), shaded and unlocked; the sheet is protected (without a password: it
guides, it does not secure) so the others are read-only in a spreadsheet program. Status is
a drop-down of the status *labels* ("In progress"), which is what people read; the upload
takes the labels, and the stored values too ("in_progress").

What is allowed (who may apply which row) is the proposals app's: see proposals/spreadsheet.py.
"""

import datetime
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.export import BATCH, owner_names
from actions.forms import NOTE_MAX_LENGTH
from actions.models import Action, ActionUpdate

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "Actions"
# Cell A1 starts with this: an upload without it is not a sheet BaliTrack made.
MARKER = "BaliTrack action register, sheet format 1."
EDIT_HELP = (
    " Edit only the shaded columns (status, progress, target date, note for this update), then upload "
    "the file on BaliTrack's “Upload a filled-in sheet” page. Do not change the id and version columns."
)
ID, VERSION, STATUS, PROGRESS, TARGET, NOTE = (
    "id",
    "version",
    "status",
    "progress (%)",
    "target date",
    "note for this update",
)
HEADER = [
    ID,
    VERSION,
    "theme",
    "initiative",
    "action number",
    "action",
    "lead",
    STATUS,
    PROGRESS,
    TARGET,
    NOTE,
    "latest note",
    "last update",
    "link",
]
EDITABLE = {
    STATUS: "Choose from the list.",
    PROGRESS: "A whole number from 0 to 100; a completed action is 100.",
    TARGET: "A date; leave empty for none.",
    NOTE: f"What happened, up to {NOTE_MAX_LENGTH:,} characters. Needed for on hold and discontinued.",
}
WIDTHS = {"theme": 24, "initiative": 28, "action": 60, "lead": 24, NOTE: 40, "latest note": 40, "link": 20}
HEADER_ROW = 2
FIRST_ROW = 3
# Bounds on what an upload may be: a file, its unpacked parts (a zip bomb is small packed),
# the rows of its sheet. The register's 10,000-action benchmark fits all three.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 10_000

STATUS_LABELS = dict(Action.Status.choices)
_STATUS_BY_NAME = {label.casefold(): value for value, label in Action.Status.choices} | {
    value.casefold(): value for value in Action.Status.values
}
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FONT = Font(bold=True)
_UNLOCKED = Protection(locked=False)
_COLUMNS = (
    "pk",
    "version",
    "initiative__theme__title",
    "initiative__name",
    "number",
    "text",
    "status",
    "progress",
    "target_date",
    "status_note",
    "updated_at",
)


def write_register_sheet(actions: "models.QuerySet[Action]", *, site: str, out: IO[bytes]) -> None:
    """Write `actions`, in their order, as an XLSX workbook to `out`. openpyxl's write-only
    mode writes each row to a temporary file as it comes, so memory holds one batch of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.protection.sheet = True
    sheet.freeze_panes = f"C{FIRST_ROW}"
    for index, name in enumerate(HEADER, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 14)
    # Before the rows: the write-only sheet writes its validations after them, when it closes.
    validations = {
        STATUS: DataValidation(
            type="list",
            formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="Status",
            error="Choose a status from the list.",
        ),
        PROGRESS: DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            showErrorMessage=True,
            errorTitle="Progress",
            error="A whole number from 0 to 100.",
        ),
        TARGET: DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            showErrorMessage=True,
            errorTitle="Target date",
            error="A date, or nothing.",
        ),
    }
    for name, validation in validations.items():
        # The whole column below the header, rows added in a spreadsheet program included.
        column = get_column_letter(HEADER.index(name) + 1)
        validation.add(f"{column}{FIRST_ROW}:{column}1048576")
        sheet.data_validations.append(validation)

    sheet.append([_text(sheet, MARKER + EDIT_HELP)])
    sheet.append([_header_cell(sheet, name) for name in HEADER])
    for row in _rows(actions, site=site):
        sheet.append([_cell(sheet, HEADER[index], value) for index, value in enumerate(row)])
    workbook.save(out)


def _rows(actions: "models.QuerySet[Action]", *, site: str) -> Iterator[list[Any]]:
    # Every link is the same but for the id: reverse once, not once per row (as the CSV does).
    placeholder = "2147483647"
    link_start, link_end = (site + reverse("actions:detail", args=[placeholder])).split(placeholder)
    tz = timezone.get_current_timezone()
    rows = actions.prefetch_related(None).values_list(*_COLUMNS).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        owners = owner_names(row[0] for row in batch)
        for pk, version, theme, initiative, number, text, status, progress, target, note, updated_at in batch:
            leads = owners.get(pk, ([], [], []))[0]
            yield [
                pk,
                version,
                theme,
                initiative,
                number,
                text,
                "; ".join(leads),
                STATUS_LABELS[status],
                progress,
                target,
                "",
                note,
                # Spreadsheets know no time zones: the time as the Secretariat reads it, in Bangkok.
                timezone.make_naive(updated_at, tz) if updated_at else None,
                f"{link_start}{pk}{link_end}",
            ]


def _text(sheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    # openpyxl writes a string starting with "=" as a formula; the record's text is text.
    cell.data_type = "s"
    return cell


def _header_cell(sheet: Any, name: str) -> WriteOnlyCell:
    cell = _text(sheet, name)
    cell.font = _HEADER_FONT
    if name in EDITABLE:
        cell.fill = _EDITABLE_FILL
        cell.comment = Comment(f"Edit this column. {EDITABLE[name]}", "BaliTrack")
    return cell


def _cell(sheet: Any, column: str, value: Any) -> WriteOnlyCell:
    cell = _text(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif column == TARGET:
        cell.number_format = "yyyy-mm-dd"
    if column in EDITABLE:
        cell.fill = _EDITABLE_FILL
        cell.protection = _UNLOCKED
    if column == NOTE:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


class SheetRefused(Exception):
    """The file as a whole is not a sheet BaliTrack can read; nothing of it is used."""


@dataclass(frozen=True)
class SheetRow:
    """One row of an uploaded sheet, its values read and checked."""

    row: int
    action_id: int
    version: int
    status: str
    progress: int
    target_date: datetime.date | None
    note: str

    def as_session(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "id": self.action_id,
            "version": self.version,
            "status": self.status,
            "progress": self.progress,
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "note": self.note,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> "SheetRow":
        target = data["target_date"]
        return cls(
            row=int(data["row"]),
            action_id=int(data["id"]),
            version=int(data["version"]),
            status=str(data["status"]),
            progress=int(data["progress"]),
            target_date=datetime.date.fromisoformat(target) if target else None,
            note=str(data["note"]),
        )


@dataclass(frozen=True)
class RowError:
    """A row refused, with the number a spreadsheet shows beside it and why."""

    row: int
    action_id: int | None
    reason: str


@dataclass
class ParsedSheet:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_sheet(file: IO[bytes]) -> ParsedSheet:
    """The rows of an uploaded sheet, each read or refused with its row number.

    Refused as a whole (SheetRefused, with a message to show): a file that is not a zip, a zip
    that is not a workbook or unpacks to more than MAX_UNPACKED_BYTES, a workbook with no
    "Actions" sheet or not made by BaliTrack (its first two rows), more than MAX_ROWS rows.
    Formulas are refused cell by cell: BaliTrack reads what was typed, never a calculation.
    """
    if not zipfile.is_zipfile(file):
        raise SheetRefused("This file is not an XLSX workbook. Upload the .xlsx file BaliTrack's register exported.")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SheetRefused("This file is not an XLSX workbook: it could not be opened.") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetRefused(
            f"This workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB, far more than any "
            "register BaliTrack exports. Export the register again and edit that."
        )
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a zip that is no workbook
        raise SheetRefused("This file is a zip archive but not an XLSX workbook BaliTrack can read.") from error
    try:
        if SHEET_TITLE not in workbook.sheetnames:
            raise SheetRefused(
                f"This workbook has no sheet named “{SHEET_TITLE}”: it is not a sheet BaliTrack made. "
                "Export the register as XLSX and edit that sheet."
            )
        return _read_rows(workbook[SHEET_TITLE].iter_rows(max_col=len(HEADER)))
    except SheetRefused:
        raise
    except Exception as error:  # a damaged part of the workbook, found as its rows are read
        raise SheetRefused("This workbook is damaged: its rows could not be read.") from error
    finally:
        workbook.close()


def _read_rows(rows: Iterable[tuple[Any, ...]]) -> ParsedSheet:
    parsed = ParsedSheet()
    seen: dict[int, int] = {}
    count = number = 0
    for number, cells in enumerate(rows, start=1):
        values = [cell.value for cell in cells] + [None] * (len(HEADER) - len(cells))
        if number == 1:
            if not (isinstance(values[0], str) and values[0].startswith(MARKER)):
                raise SheetRefused(
                    "This is not a sheet BaliTrack made: its first cell does not say so. "
                    "Export the register as XLSX and edit that sheet."
                )
            continue
        if number == HEADER_ROW:
            if [str(value or "").strip() for value in values] != HEADER:
                raise SheetRefused(
                    f"Row {HEADER_ROW} of this sheet does not name BaliTrack's columns ({', '.join(HEADER)}): "
                    "a column was added, removed or renamed. Export the register again and edit only the "
                    "shaded columns."
                )
            continue
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise SheetRefused(
                f"This sheet has more than {MAX_ROWS:,} rows of actions. Upload at most {MAX_ROWS:,} at a time: "
                "filter the register (by theme, lead or status) and export each part."
            )
        row = _read_row(number, cells, values)
        if isinstance(row, RowError):
            parsed.errors.append(row)
        elif row.action_id in seen:
            parsed.errors.append(
                RowError(number, row.action_id, f"Action {row.action_id} is on row {seen[row.action_id]} already.")
            )
        else:
            seen[row.action_id] = number
            parsed.rows.append(row)
    if number < HEADER_ROW:
        raise SheetRefused(
            "This sheet is empty: it is not a sheet BaliTrack made. Export the register as XLSX and edit that sheet."
        )
    return parsed


def _read_row(number: int, cells: tuple[Any, ...], values: list[Any]) -> SheetRow | RowError:
    by_name = dict(zip(HEADER, values, strict=True))
    action_id = _whole(by_name[ID])
    formulas = [HEADER[index] for index, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f"]
    if formulas:
        return RowError(
            number,
            action_id,
            f"The {_names(formulas)} column{'s' if len(formulas) > 1 else ''} hold{'' if len(formulas) > 1 else 's'} "
            "a formula; BaliTrack reads values only. Type the value instead.",
        )
    if action_id is None or action_id <= 0:
        return RowError(number, None, f"The id “{_shown(by_name[ID])}” is not one BaliTrack wrote: do not change ids.")
    version = _whole(by_name[VERSION])
    reasons = []
    if version is None or version < 0:
        reasons.append(f"the version “{_shown(by_name[VERSION])}” is not one BaliTrack wrote")
    status = _STATUS_BY_NAME.get(str(by_name[STATUS] or "").strip().casefold())
    if status is None:
        reasons.append(f"the status “{_shown(by_name[STATUS])}” is not one of {', '.join(STATUS_LABELS.values())}")
    progress = _whole(by_name[PROGRESS])
    if progress is None or not 0 <= progress <= 100:
        reasons.append(f"the progress “{_shown(by_name[PROGRESS])}” is not a whole number from 0 to 100")
    elif status == Action.Status.COMPLETED and progress != 100:
        reasons.append("a completed action is 100% done")
    target, target_ok = _date(by_name[TARGET])
    if not target_ok:
        reasons.append(f"the target date “{_shown(by_name[TARGET])}” is not a date")
    note = _note(by_name[NOTE])
    if len(note) > NOTE_MAX_LENGTH:
        reasons.append(f"the note has {len(note):,} characters; at most {NOTE_MAX_LENGTH:,}")
    if reasons:
        return RowError(number, action_id, _sentence(reasons))
    assert status is not None and progress is not None and version is not None
    return SheetRow(number, action_id, version, status, progress, target, note)


def _whole(value: Any) -> int | None:
    """A whole number from a number cell, or from text of digits (a cell formatted as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None


def _date(value: Any) -> tuple[datetime.date | None, bool]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, datetime.datetime):
        return value.date(), True
    if isinstance(value, datetime.date):
        return value, True
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()), True
        except ValueError:
            return None, False
    return None, False


def _note(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _names(columns: list[str]) -> str:
    return ", ".join(f"“{column}”" for column in columns)


def _sentence(reasons: list[str]) -> str:
    text = "; ".join(reasons)
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class ActionNow:
    """An action as it stands, for comparing a row with it."""

    pk: int
    name: str
    version: int
    status: str
    progress: int
    target_date: datetime.date | None
    status_note: str
    # Whose register it is listed on: a bulk change is made from one strategy's (actions.bulk).
    strategy_id: int | None = None


def actions_now(action_ids: Iterable[int]) -> dict[int, ActionNow]:
    """The actions the rows name, in one query."""
    rows = Action.objects.filter(pk__in=list(action_ids)).values_list(
        "pk",
        "initiative__name",
        "number",
        "version",
        "status",
        "progress",
        "target_date",
        "status_note",
        "initiative__theme__strategy_id",
    )
    return {
        pk: ActionNow(pk, f"{initiative} — action {number}", version, status, progress, target, note, strategy)
        for pk, initiative, number, version, status, progress, target, note, strategy in rows
    }


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """A row that would change its action: what it changes, per field."""

    row: SheetRow
    action: ActionNow
    fields: list[FieldChange]


@dataclass
class SheetComparison:
    """Each row of a sheet against its action: to change, a conflict, unchanged or refused."""

    changes: list[RowChange] = field(default_factory=list)
    # Rows that would change an action updated since the export: shown, never applied.
    conflicts: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def is_unchanged(row: SheetRow, action: ActionNow) -> bool:
    """A row asks for nothing when its status, progress and target date are the action's and its
    note is empty or the action's latest note. Values are compared before versions, so the sheet
    uploaded again after it was applied (every version has moved) changes nothing."""
    same = (row.status, row.progress, row.target_date) == (action.status, action.progress, action.target_date)
    return same and (not row.note or row.note == action.status_note)


def field_changes(row: SheetRow, action: ActionNow) -> list[FieldChange]:
    changes = []
    if row.status != action.status:
        changes.append(FieldChange("Status", STATUS_LABELS[action.status], STATUS_LABELS[row.status]))
    if row.progress != action.progress:
        changes.append(FieldChange("Progress", f"{action.progress}%", f"{row.progress}%"))
    if row.target_date != action.target_date:
        changes.append(FieldChange("Target date", _day(action.target_date), _day(row.target_date)))
    if row.note and row.note != action.status_note:
        changes.append(FieldChange("Note", action.status_note or "none", row.note))
    return changes


def compare_sheet(parsed: ParsedSheet, actions: dict[int, ActionNow]) -> SheetComparison:
    """Each row against its action. An unknown id is refused; a row the action's values already
    match is unchanged; one that changes an action whose version has moved since the export is a
    conflict; an on-hold or discontinued status needs a note, as on the status form."""
    result = SheetComparison(errors=list(parsed.errors))
    for row in parsed.rows:
        action = actions.get(row.action_id)
        if action is None:
            result.errors.append(
                RowError(row.row, row.action_id, f"No action has the id {row.action_id}: do not change ids.")
            )
        elif is_unchanged(row, action):
            result.unchanged += 1
        elif row.status in ActionUpdate.STATUSES_NEEDING_NOTE and not (row.note or action.status_note):
            result.errors.append(
                RowError(row.row, row.action_id, "Say in the note why the action is on hold or discontinued.")
            )
        elif row.version != action.version:
            result.conflicts.append(RowChange(row, action, field_changes(row, action)))
        else:
            result.changes.append(RowChange(row, action, field_changes(row, action)))
    result.errors.sort(key=lambda error: error.row)
    return result


def update_note(row: SheetRow, action: ActionNow) -> str:
    """The note the update records: the row's, or, when the row repeats the latest note or has
    none on an action that needs one (on hold, discontinued), the latest note carried on, so the
    action's latest note stays what the sheet says and uploading it again changes nothing."""
    if row.note:
        return row.note
    if row.status in ActionUpdate.STATUSES_NEEDING_NOTE:
        return action.status_note
    return ""


def _day(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "not set"

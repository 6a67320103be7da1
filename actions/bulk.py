"""Bulk edit (issue 16): one change — a status, a target date, progress, a note — applied to
actions selected on the register, previewed, then recorded for all of them or none.

Each selected action becomes a row as an uploaded sheet's would be (actions.spreadsheet's
SheetRow: its id, the version the officer selected it at, and the values it would have), so
the comparison, the per-field old → new and the conflicts are the spreadsheet round trip's
own. Each row is checked by the status form's rules (actions.forms.StatusUpdateForm), and
recorded through action_record_update with its version, one history row per changed action.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from actions.forms import StatusUpdateForm
from actions.models import Action, ActionUpdate, Strategy
from actions.services import ActionChangedMeanwhile, action_record_update
from actions.spreadsheet import (
    ActionNow,
    ParsedSheet,
    RowChange,
    RowError,
    SheetComparison,
    SheetRow,
    actions_now,
    compare_sheet,
)

# The most actions one bulk change takes: its preview and its confirmation are one page and
# one transaction each (a lock per action), and a register page lists far fewer.
MAX_ACTIONS = 200


class SelectionRefused(Exception):
    """The selection as a whole is not one BaliTrack can change; nothing of it is used."""


@dataclass(frozen=True)
class Selection:
    """The selected actions, in the order selected, each with the version it was selected at."""

    versions: dict[int, int]

    @property
    def ids(self) -> list[int]:
        return list(self.versions)


def read_selection(
    ids: list[str], versions: list[str] | None, *, strategy: Strategy | None
) -> tuple[Selection, dict[int, ActionNow]]:
    """The selection a request names: `ids` (and, once the bulk page has been shown, the
    `versions` it carries, one per id), with the actions as they stand (one query). Refused
    with a message saying why: no id, more than MAX_ACTIONS, an id that is not a whole number,
    an id twice, an unknown id or one of another strategy than the register's."""
    if not ids:
        raise SelectionRefused("No action was selected: tick the actions to change on the register.")
    if len(ids) > MAX_ACTIONS:
        raise SelectionRefused(
            f"At most {MAX_ACTIONS} actions are changed at once; {len(ids):,} were selected. "
            "Filter the register further (by theme, lead or status) and change each part in turn."
        )
    numbers = [_whole(value) for value in ids]
    if None in numbers:
        raise SelectionRefused("The selection names an action by something other than its number: select again.")
    chosen = [number for number in numbers if number is not None]
    if len(set(chosen)) != len(chosen):
        raise SelectionRefused("The selection names an action twice: select again.")
    now = actions_now(chosen)
    unknown = [number for number in chosen if number not in now]
    if unknown:
        raise SelectionRefused(f"No action has the id {', '.join(map(str, unknown[:10]))}: select again.")
    if strategy is not None:
        elsewhere = [number for number in chosen if now[number].strategy_id != strategy.pk]
        if elsewhere:
            raise SelectionRefused(
                f"{len(elsewhere)} of the selected actions belong to another strategy than the {strategy.title}: "
                "a bulk change is made from one strategy's register."
            )
    if versions is None:
        return Selection({number: now[number].version for number in chosen}), now
    seen = [_whole(value) for value in versions]
    if len(seen) != len(chosen) or None in seen:
        raise SelectionRefused("The page's selection was incomplete: select the actions again on the register.")
    return Selection(
        {number: version for number, version in zip(chosen, seen, strict=True) if version is not None}
    ), now


def _whole(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


@dataclass(frozen=True)
class BulkChange:
    """What to change on every selected action; None keeps each action's own value."""

    status: str | None
    progress: int | None
    target_date: datetime.date | None
    clear_target_date: bool
    note: str

    def row_for(self, action: ActionNow, *, version: int, position: int) -> SheetRow:
        status = self.status or action.status
        note = self.note
        # An action staying on hold (or discontinued) keeps its reason when the change says
        # none, as a sheet's row does (actions.spreadsheet.update_note); a new hold needs one.
        if not note and status == action.status and status in ActionUpdate.STATUSES_NEEDING_NOTE:
            note = action.status_note
        target = None if self.clear_target_date else self.target_date or action.target_date
        return SheetRow(
            row=position,
            action_id=action.pk,
            version=version,
            status=status,
            progress=action.progress if self.progress is None else self.progress,
            target_date=target,
            note=note,
        )


@dataclass
class BulkPreview:
    """The change against each selected action: `comparison.changes` are what confirming does;
    `unchanged` the actions it would leave as they are."""

    comparison: SheetComparison
    actions: dict[int, ActionNow]
    unchanged: list[ActionNow] = field(default_factory=list)

    @property
    def changes(self) -> list[RowChange]:
        return self.comparison.changes

    @property
    def conflicts(self) -> list[RowChange]:
        return self.comparison.conflicts

    @property
    def errors(self) -> list[RowError]:
        return self.comparison.errors

    def change_ids(self) -> list[int]:
        return [change.row.action_id for change in self.changes]

    def name_of(self, error: RowError) -> str:
        return self.actions[error.action_id].name if error.action_id in self.actions else ""


def bulk_preview(*, selection: Selection, change: BulkChange, now: Mapping[int, ActionNow]) -> BulkPreview:
    """Each selected action with the change applied: to change, unchanged, a conflict (its
    version moved since it was selected) or refused by the status form's rules (completed is
    100%, on hold and discontinued say why). No query: `now` is actions_now(selection.ids)."""
    rows, errors = [], []
    for position, (action_id, version) in enumerate(selection.versions.items(), start=1):
        row = change.row_for(now[action_id], version=version, position=position)
        form = StatusUpdateForm(
            {
                "status": row.status,
                "progress": row.progress,
                "target_date": row.target_date.isoformat() if row.target_date else "",
                "note": row.note,
                "version": row.version,
            }
        )
        if form.is_valid():
            rows.append(row)
        else:
            reasons = [str(message) for messages in form.errors.values() for message in messages]
            errors.append(RowError(position, action_id, " ".join(reasons)))
    comparison = compare_sheet(ParsedSheet(rows=rows, errors=errors), dict(now))
    touched = {row.row.action_id for row in comparison.changes + comparison.conflicts}
    touched |= {error.action_id for error in comparison.errors if error.action_id is not None}
    unchanged = [now[action_id] for action_id in selection.ids if action_id not in touched]
    return BulkPreview(comparison, dict(now), unchanged)


class BulkNotApplied(Exception):
    """Nothing was applied: an action moved after the preview. `preview` is the change against
    the actions as they stand now."""

    def __init__(self, message: str, preview: BulkPreview) -> None:
        super().__init__(message)
        self.preview = preview


def bulk_apply(*, author: User, selection: Selection, change: BulkChange, previewed: list[int]) -> int:
    """Record the change on every action the preview listed to change (`previewed`, their ids),
    all or none, in one transaction: each through action_record_update with the version it was
    selected at, one history row per action, `author` the officer. Returns how many.

    The change is compared again first; if the actions it changes are no longer exactly those
    previewed (one changed meanwhile, becoming a conflict, or now needing no change), or an
    update is refused, nothing is applied and BulkNotApplied carries the preview as things stand."""
    try:
        with transaction.atomic():
            preview = bulk_preview(selection=selection, change=change, now=actions_now(selection.ids))
            if preview.change_ids() != previewed:
                raise _Moved
            for row_change in preview.changes:
                row = row_change.row
                # The service locks and reads the action itself: its id is all it needs.
                action_record_update(
                    action=Action(pk=row.action_id),
                    author=author,
                    status=row.status,
                    progress=row.progress,
                    target_date=row.target_date,
                    note=row.note,
                    expected_version=row.version,
                )
    except (_Moved, ActionChangedMeanwhile, ValidationError):
        raise BulkNotApplied(
            "Nothing was applied: an action changed after the preview. "
            "The change is shown below against the actions as they stand now.",
            bulk_preview(selection=selection, change=change, now=actions_now(selection.ids)),
        ) from None
    return len(previewed)


class _Moved(Exception):
    pass

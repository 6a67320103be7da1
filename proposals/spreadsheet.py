"""What an uploaded sheet of the register does (issue 16): who may change which row, the
preview, and applying it.

The Secretariat's rows become status updates it records; a member's focal point's rows become
its member's proposals, for the Secretariat's queue. Closing an action (completed or
discontinued) takes two people while settings.TWO_KEY_CLOSING is on, so the Secretariat's
upload refuses a row that closes an action, pointing to the proposal flow; a lead member's
upload proposes the closing, as its proposal form does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import Action
from actions.services import ActionChangedMeanwhile, action_record_update
from actions.spreadsheet import (
    ParsedSheet,
    RowChange,
    RowError,
    SheetComparison,
    SheetRow,
    actions_now,
    compare_sheet,
    update_note,
)
from proposals.access import SheetUploader, member_parts
from proposals.models import Proposal
from proposals.services import CLOSING_IS_THE_LEADS, proposal_submit

CLOSING_BY_SHEET = (
    "Closing an action (completed or discontinued) takes two people, so a sheet does not close one: "
    "propose it on the lead member's behalf (“Propose an update on its behalf”, on the action's page), "
    "and another officer accepts it from the queue."
)


@dataclass
class SheetPreview:
    """A sheet's rows against the actions, after the uploader's rules: `changes` are what
    applying it does."""

    comparison: SheetComparison
    # A member's rows that its proposal waiting in the queue already says.
    already_proposed: int = 0
    # The actions of the sheet a member leads: it proposes closing those only.
    leading_ids: set[int] = field(default_factory=set)

    @property
    def changes(self) -> list[RowChange]:
        return self.comparison.changes


class SheetNotApplied(Exception):
    """Nothing of the sheet was applied: a row's action changed, or a row was refused, after the
    preview. `preview` is the sheet against the actions as they stand now."""

    def __init__(self, message: str, preview: SheetPreview) -> None:
        super().__init__(message)
        self.preview = preview


def sheet_preview(*, uploader: SheetUploader, sheet: ParsedSheet) -> SheetPreview:
    """Every row against its action and the uploader's rights. Three queries for a member's
    sheet (the actions, its parts in them, its pending proposals), one for the Secretariat's."""
    actions = actions_now(row.action_id for row in sheet.rows)
    comparison = compare_sheet(sheet, actions)
    preview = SheetPreview(comparison)
    member = uploader.member
    if member is None:
        if settings.TWO_KEY_CLOSING:
            _refuse(comparison, lambda change: _closes(change), CLOSING_BY_SHEET)
        return preview
    ids = [change.row.action_id for change in comparison.changes + comparison.conflicts]
    parts = member_parts(member, ids)
    preview.leading_ids = {action_id for action_id, leads in parts.items() if leads}
    _refuse(
        comparison,
        lambda change: change.row.action_id not in parts,
        f"{member} has no part in this action, so it proposes no update on it.",
    )
    _refuse(comparison, lambda change: _closes(change) and not parts[change.row.action_id], CLOSING_IS_THE_LEADS)
    pending = {
        proposal.action_id: proposal for proposal in Proposal.objects.pending().filter(member=member, action_id__in=ids)
    }
    waiting = [change for change in comparison.changes if change.row.action_id in pending]
    for change in waiting:
        proposal = pending[change.row.action_id]
        comparison.changes.remove(change)
        row = change.row
        if (proposal.status, proposal.progress, proposal.target_date, proposal.note) == (
            row.status,
            row.progress,
            row.target_date,
            update_note(row, change.action),
        ):
            preview.already_proposed += 1
        else:
            when = timezone.localtime(proposal.proposed_at)
            comparison.errors.append(
                RowError(
                    row.row,
                    row.action_id,
                    f"{member}'s proposal of {when:%-d %B %Y, %H:%M} for this action is still waiting for the "
                    "Secretariat: it is accepted or returned before another is made.",
                )
            )
    comparison.errors.sort(key=lambda error: error.row)
    return preview


def _closes(change: RowChange) -> bool:
    return change.row.status in Action.CLOSED_STATUSES and change.row.status != change.action.status


def _refuse(comparison: SheetComparison, refused: Callable[[RowChange], bool], reason: str) -> None:
    for rows in (comparison.changes, comparison.conflicts):
        for change in [change for change in rows if refused(change)]:
            rows.remove(change)
            comparison.errors.append(RowError(change.row.row, change.row.action_id, reason))


def sheet_apply(*, uploader: SheetUploader, rows: list[SheetRow]) -> int:
    """Apply the rows a preview accepted, all of them or none, in one transaction: each as a
    status update through action_record_update with the version the sheet was exported at, or,
    for a member, as a proposal through proposal_submit. Returns how many were applied.

    The rows are compared again first; if any is no longer a change as it was previewed (its
    action changed meanwhile, or it is refused now), or a write is refused, nothing is applied
    and SheetNotApplied carries the preview as things now stand."""
    sheet = ParsedSheet(rows=rows)
    try:
        with transaction.atomic():
            preview = sheet_preview(uploader=uploader, sheet=sheet)
            if len(preview.changes) != len(rows):
                raise _Moved
            for change in preview.changes:
                _write(uploader, change, leading=change.row.action_id in preview.leading_ids)
    except (_Moved, ActionChangedMeanwhile):
        raise SheetNotApplied(
            "Nothing was applied: an action of the sheet changed after the preview. "
            "The rows are shown below against the actions as they stand now.",
            sheet_preview(uploader=uploader, sheet=sheet),
        ) from None
    except _RowRefused as refused:
        raise SheetNotApplied(
            f"Nothing was applied: row {refused.row.row} was refused: {refused.reason}",
            sheet_preview(uploader=uploader, sheet=sheet),
        ) from None
    return len(rows)


class _Moved(Exception):
    pass


class _RowRefused(Exception):
    def __init__(self, row: SheetRow, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _write(uploader: SheetUploader, change: RowChange, *, leading: bool) -> None:
    row = change.row
    # The services lock and read the action themselves: its id is all they need.
    action = Action(pk=row.action_id)
    note = update_note(row, change.action)
    try:
        if uploader.member is None:
            action_record_update(
                action=action,
                author=uploader.user,
                status=row.status,
                progress=row.progress,
                target_date=row.target_date,
                note=note,
                expected_version=row.version,
            )
        else:
            proposal_submit(
                action=action,
                proposer=uploader.user,
                member=uploader.member,
                on_behalf=False,
                leading=leading,
                status=row.status,
                progress=row.progress,
                target_date=row.target_date,
                note=note,
                evidence_url="",
                based_on_version=row.version,
            )
    except ValidationError as error:
        raise _RowRefused(row, " ".join(error.messages)) from error

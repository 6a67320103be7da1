"""Writes to actions that touch more than one row."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actions.models import Action, ActionUpdate, Strategy
from actions.tally import tally_after_update, tally_before_update
from meetings.models import Decision, Meeting

NOTHING_CHANGED = (
    "Nothing was recorded: the status, progress and target date are as they were and there is no note. "
    "Change one of them, or write a note saying what happened."
)


TWO_KEYS_NEEDED = (
    "Closing an action takes two people: the lead member proposes it, or a Secretariat officer proposes it on "
    "the lead member's behalf (“Propose an update on its behalf”, on the action's page), and another officer "
    "accepts the proposal from the queue. Nothing was recorded."
)
SAME_KEY_TWICE = (
    "You proposed closing this action, so another officer accepts it: closing takes two people. Nothing was recorded."
)


class ActionChangedMeanwhile(Exception):
    """The action was updated after the form was opened; saving would overwrite that change."""

    def __init__(self, action: Action, latest: ActionUpdate | None) -> None:
        super().__init__(f"{action} was updated meanwhile.")
        self.action = action
        self.latest = latest


@transaction.atomic
def action_record_update(
    *,
    action: Action,
    author: User | None,
    status: str,
    progress: int,
    target_date: datetime.date | None,
    note: str,
    expected_version: int | None = None,
    recorded_at: datetime.datetime | None = None,
    proposed_by: User | None = None,
) -> ActionUpdate:
    """Append a status update to the action's history and apply it to the action.

    The action row is locked first, so two updates recorded at once are applied one
    after the other and each history row knows the state it replaced. With
    `expected_version`, an action that has moved on since that version is left alone
    and ActionChangedMeanwhile says what changed. An update that would change nothing and
    says nothing is refused (ValidationError): it would move "last update" and show in the
    co-chairs' changes since the last review although nothing happened.

    Closing an action (completed or discontinued) takes two people while
    settings.TWO_KEY_CLOSING is on: `proposed_by`, who proposed the update (the proposals
    app), and its `author`, who accepts it, a different user. A closing without both is
    refused (ValidationError on the status), whoever asks: the page, the API, an import.

    The dashboard's tally (actions.tally) takes the update's change in the same
    transaction, so the next dashboard reads it instead of counting every action again.
    """
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        latest = locked.updates.select_related("author").order_by("-recorded_at").first()
        raise ActionChangedMeanwhile(locked, latest)
    unchanged = (locked.status, locked.progress, locked.target_date) == (status, progress, target_date)
    if unchanged and not note.strip():
        raise ValidationError({NON_FIELD_ERRORS: [NOTHING_CHANGED]})

    recorded_at = recorded_at or timezone.now()
    pending = tally_before_update(action=locked, recorded_at=recorded_at)
    update = ActionUpdate(
        action=locked,
        recorded_at=recorded_at,
        author=author,
        previous_status=locked.status,
        previous_progress=locked.progress,
        status=status,
        progress=progress,
        previous_target_date=locked.target_date,
        target_date=target_date,
        note=note,
    )
    update.full_clean()
    if settings.TWO_KEY_CLOSING and status in Action.CLOSED_STATUSES and status != locked.status:
        if proposed_by is None:
            raise ValidationError({"status": [TWO_KEYS_NEEDED]})
        if author is not None and proposed_by.pk == author.pk:
            raise ValidationError({"status": [SAME_KEY_TWICE]})
    update.save()

    locked.status = status
    locked.progress = progress
    locked.target_date = target_date
    locked.status_note = note
    locked.updated_at = update.recorded_at
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "progress", "target_date", "status_note", "updated_at", "version"])
    tally_after_update(pending=pending, update=update)
    return update


@transaction.atomic
def strategy_make_current(*, strategy: Strategy, meeting: Meeting | None = None) -> Strategy | None:
    """Make `strategy` the one in force. The current one, if any, becomes superseded by it at
    `meeting` (by default the meeting whose statement endorsed it), its period ending the day
    the new one was endorsed unless it had set its own end. Returns the strategy superseded.

    In this order, so that actions_strategy_one_current holds after each write; each is a
    save() with its fields, so the audit trail and the record's token follow."""
    if strategy.status == Strategy.Status.SUPERSEDED:
        raise ValidationError(
            {"status": f"“{strategy}” was superseded; a superseded strategy is not made current again."}
        )
    previous = (
        Strategy.objects.select_for_update().filter(status=Strategy.Status.CURRENT).exclude(pk=strategy.pk).first()
    )
    if meeting is None and strategy.endorsed_by_id is not None:
        meeting = Decision.objects.select_related("document__meeting").get(pk=strategy.endorsed_by_id).document.meeting
    if previous is not None:
        if meeting is None:
            raise ValidationError(
                {"superseded_at": f"Say at which meeting “{strategy}” replaced “{previous}”: it names no endorsement."}
            )
        previous.status = Strategy.Status.SUPERSEDED
        previous.superseded_by = strategy
        previous.superseded_at = meeting
        previous.ends_on = previous.ends_on or max(strategy.endorsed_on, previous.endorsed_on)
        previous.full_clean()
        previous.save(update_fields=["status", "superseded_by", "superseded_at", "ends_on"])
    if strategy.status != Strategy.Status.CURRENT:
        strategy.status = Strategy.Status.CURRENT
        strategy.save(update_fields=["status"])
    return previous

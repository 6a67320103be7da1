from typing import Any

from django import forms

from actions.models import Action, ActionUpdate
from balitrack.lib.widgets import IsoDateInput

# The longest note a status update may carry. The form counts it as the server does, so the
# browser is not told a `maxlength`, which would cut a pasted note without a word.
NOTE_MAX_LENGTH = 5000


class StatusUpdateForm(forms.Form):
    """A secretariat officer's new status for an action. Validates; the service records."""

    status = forms.ChoiceField(choices=Action.Status.choices)
    progress = forms.IntegerField(
        min_value=0, max_value=100, label="Progress (%)", help_text="0 to 100; a completed action is 100."
    )
    target_date = forms.DateField(required=False, widget=IsoDateInput, help_text="Leave empty if none is set.")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-count-limit": NOTE_MAX_LENGTH}),
        help_text=(
            f"Up to {NOTE_MAX_LENGTH:,} characters. Required when the action is put on hold or discontinued, "
            "and when nothing else changes."
        ),
    )
    # The version of the action the officer was looking at when the form was opened.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def for_action(cls, action: Action) -> "StatusUpdateForm":
        return cls(
            initial={
                "status": action.status,
                "progress": action.progress,
                "target_date": action.target_date,
                "version": action.version,
            }
        )

    def clean_note(self) -> str:
        # Browsers send line breaks as CRLF but count them as one character; so does BaliTrack.
        note = self.cleaned_data["note"].replace("\r\n", "\n").strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                f"A note can be at most {NOTE_MAX_LENGTH:,} characters; this one has {len(note):,}. "
                "Shorten it, or link to a longer document. Nothing was saved."
            )
        return note

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status, progress = cleaned.get("status"), cleaned.get("progress")
        if status == Action.Status.COMPLETED and progress is not None and progress != 100:
            self.add_error("progress", "A completed action is 100% done.")
        if status in ActionUpdate.STATUSES_NEEDING_NOTE and not cleaned.get("note") and "note" not in self.errors:
            self.add_error("note", "Say why the action is on hold or discontinued.")
        return cleaned


class BulkChangeForm(forms.Form):
    """One change for every action selected on the register (actions.bulk). Each field left
    empty keeps each action's own value; each action is then checked by StatusUpdateForm."""

    status = forms.ChoiceField(
        choices=[("", "Keep each action's status"), *Action.Status.choices],
        required=False,
    )
    progress = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        label="Progress (%)",
        help_text="0 to 100; leave empty to keep each action's progress.",
    )
    target_date = forms.DateField(
        required=False, widget=IsoDateInput, help_text="Leave empty to keep each action's target date."
    )
    clear_target_date = forms.BooleanField(required=False, label="Clear the target date of every selected action")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-count-limit": NOTE_MAX_LENGTH}),
        help_text=(
            f"Up to {NOTE_MAX_LENGTH:,} characters, recorded on every action changed. Required when the actions "
            "are put on hold or discontinued, and when nothing else changes."
        ),
    )

    # The note is read as the single status form reads it.
    clean_note = StatusUpdateForm.clean_note

    def __init__(self, *args: Any, two_key_closing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.two_key_closing = two_key_closing

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("clear_target_date") and cleaned.get("target_date"):
            self.add_error("target_date", "Give a target date or clear it, not both.")
        if self.two_key_closing and cleaned.get("status") in Action.CLOSED_STATUSES:
            self.add_error(
                "status",
                "Closing an action (completed or discontinued) takes two people, so a bulk change does not close "
                "one: propose each closing on the lead member's behalf (“Propose an update on its behalf”, on "
                "the action's page), and another officer accepts it from the queue.",
            )
        asked = [cleaned.get("status"), cleaned.get("progress") is not None, cleaned.get("target_date")]
        if not any(asked) and not cleaned.get("clear_target_date") and not cleaned.get("note") and not self.errors:
            raise forms.ValidationError(
                "Choose a change: a status, progress, a target date (or clearing it), or a note."
            )
        return cleaned

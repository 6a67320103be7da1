from typing import Any

from django import forms

from actions.models import Action, ActionUpdate


class StatusUpdateForm(forms.Form):
    """A secretariat officer's new status for an action. Validates; the service records."""

    status = forms.ChoiceField(choices=Action.Status.choices)
    progress = forms.IntegerField(
        min_value=0, max_value=100, label="Progress (%)", help_text="0 to 100; a completed action is 100."
    )
    target_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Leave empty if none is set."
    )
    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the action is put on hold or discontinued.",
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
        note: str = self.cleaned_data["note"]
        return note.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status, progress = cleaned.get("status"), cleaned.get("progress")
        if status == Action.Status.COMPLETED and progress is not None and progress != 100:
            self.add_error("progress", "A completed action is 100% done.")
        if status in ActionUpdate.STATUSES_NEEDING_NOTE and not cleaned.get("note"):
            self.add_error("note", "Say why the action is on hold or discontinued.")
        return cleaned

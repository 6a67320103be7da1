import hashlib
from typing import Any

from django import forms

from actions.forms import NOTE_MAX_LENGTH, StatusUpdateForm
from actions.models import Action
from actions.spreadsheet import MAX_FILE_BYTES, MAX_ROWS, XLSX_CONTENT_TYPE, ParsedSheet, SheetRefused, read_sheet
from members.models import Member

REASON_MAX_LENGTH = 2000


class ProposalForm(StatusUpdateForm):
    """A proposed status update: the Secretariat's status form, with a link to evidence, and for
    the Secretariat the member it proposes for. Prefixed, as the action page may show it beside
    the Secretariat's own status form."""

    prefix = "proposal"

    evidence_url = forms.URLField(
        required=False,
        max_length=500,
        label="Link to evidence",
        assume_scheme="https",
        help_text="Optional: a report, a meeting record or a web page that shows it.",
    )
    member = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        label="On behalf of",
        help_text="The member that told the Secretariat of this update.",
    )

    field_order = ["member", "status", "progress", "target_date", "note", "evidence_url"]

    def __init__(self, *args: Any, members: list[Member], on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = (
            f"Up to {NOTE_MAX_LENGTH:,} characters: what happened, for the Secretariat and the history. "
            "Required when the action is put on hold or discontinued, and when nothing else changes."
        )
        if on_behalf:
            # The choices are the action's members, already read for the page: no query of their own.
            member_field = self.fields["member"]
            assert isinstance(member_field, forms.ModelChoiceField)
            member_field.queryset = Member.objects.filter(pk__in=[member.pk for member in members])
            member_field.choices = [("", "Choose the member")] + [(member.pk, member.name) for member in members]
            self.proposing_for: Member | None = None
        else:
            del self.fields["member"]
            self.proposing_for = members[0]

    @classmethod
    def for_proposal(cls, action: Action, *, members: list[Member], on_behalf: bool) -> "ProposalForm":
        initial = StatusUpdateForm.for_action(action).initial
        if on_behalf and len(members) == 1:
            initial["member"] = members[0].pk
        return cls(initial=initial, members=members, on_behalf=on_behalf)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "member" in cleaned:
            self.proposing_for = cleaned["member"]
        return cleaned


class ReturnForm(forms.Form):
    """Why the Secretariat returns a proposal: its member reads it and can propose again."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "data-count-limit": REASON_MAX_LENGTH}),
        label="Reason for returning it",
        help_text=f"Up to {REASON_MAX_LENGTH:,} characters. The member reads it on the action's page.",
    )

    def clean_reason(self) -> str:
        # Counted as the status note is, and never cut by a `maxlength`.
        reason = self.cleaned_data["reason"].replace("\r\n", "\n").strip()
        if len(reason) > REASON_MAX_LENGTH:
            raise forms.ValidationError(
                f"A reason can be at most {REASON_MAX_LENGTH:,} characters; this one has {len(reason):,}. "
                "Nothing was saved."
            )
        return reason


class AcceptForm(forms.Form):
    """The action's version the officer saw beside the proposal."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SheetUploadForm(forms.Form):
    """A filled-in sheet of the register. Reading it is validating it: a file BaliTrack cannot
    read as its own sheet is refused here, with the reason, and `cleaned_data["sheet"]` is its rows."""

    sheet = forms.FileField(
        label="The filled-in sheet (.xlsx)",
        help_text=(
            f"The XLSX file the register exported, up to {MAX_FILE_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} actions. Nothing is changed until you confirm the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )

    def clean_sheet(self) -> ParsedSheet:
        upload = self.cleaned_data["sheet"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / (1024 * 1024):.1f} MB; a sheet can be at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Filter the register and export a part of it."
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        self.digest = digest.hexdigest()
        upload.seek(0)
        try:
            return read_sheet(upload)
        except SheetRefused as refused:
            raise forms.ValidationError(str(refused)) from refused


class SheetApplyForm(forms.Form):
    """Which preview the Secretariat or the member confirms: the digest of the file it showed."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

"""The forms of "Record a statement" (issue 12, point 4). They validate and normalise what the
officer typed; the views keep the draft and the services in meetings.recording write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from balitrack.lib.widgets import IsoDateInput
from meetings.models import Decision, Document, Meeting, MeetingParticipation
from meetings.record_draft import MAX_NUMBER_LENGTH, MAX_SPLIT_WORDS, CorrectionError, DraftPart, printed_number
from meetings.services import guess_verb
from meetings.statement_text import Level
from members.models import Body, Forum, Member

# The kinds of text a meeting adopts; the strategy and membership lists have their own pages.
STATEMENT_KINDS = [
    (Document.Kind.CO_CHAIRS_STATEMENT, "Co-chairs' statement"),
    (Document.Kind.DECLARATION, "Declaration"),
]
LEVEL_CHOICES = [
    (level.value, label)
    for level, label in ((Level.HEADING, "Heading"), (Level.PARAGRAPH, "Paragraph"), (Level.SUBITEM, "Sub-item"))
]


def _members() -> QuerySet[Member]:
    return Member.objects.order_by("name")


class MeetingRecordForm(forms.ModelForm):
    """Step 1: the meeting, a new one or a planned one (which the statement makes held)."""

    # The planned meeting this form completes, chosen on the page's first form.
    planned = forms.CharField(widget=forms.HiddenInput, required=False)
    hosts = forms.ModelMultipleChoiceField(
        queryset=_members(), required=False, help_text="Hold Ctrl (⌘ on a Mac) to choose more than one."
    )
    co_chairs = forms.ModelMultipleChoiceField(
        queryset=_members(),
        required=False,
        label="Co-chairs",
        help_text="Hold Ctrl (⌘ on a Mac) to choose more than one.",
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "kind",
            "ordinal",
            "forum",
            "start_date",
            "end_date",
            "date_precision",
            "date_text",
            "city",
            "country",
        ]
        widgets = {"start_date": IsoDateInput, "end_date": IsoDateInput}
        help_texts = {
            "slug": 'Part of the meeting\'s address: letters, digits and "-", e.g. ahg-som-9-2015.',
            "start_date": "The first day; for a meeting dated by month or year, the first day of it.",
            "date_precision": "How much of the date the record gives.",
            "date_text": 'Only if the statement dates it loosely ("early 2016").',
        }

    @classmethod
    def for_data(cls, data: Any) -> MeetingRecordForm:
        """The form for what was posted, completing the planned meeting it names, if it is still planned."""
        slug = str(data.get("planned", "")).strip()
        planned = Meeting.objects.filter(slug=slug, status=Meeting.Status.PLANNED).first() if slug else None
        form = cls(data, instance=planned)
        form.planned_gone = bool(slug) and planned is None
        return form

    @classmethod
    def for_planned(cls, meeting: Meeting) -> MeetingRecordForm:
        hosts = [
            p.member for p in meeting.participations.all() if p.role == MeetingParticipation.Role.HOST and p.member
        ]
        co_chairs = [
            p.member for p in meeting.participations.all() if p.role == MeetingParticipation.Role.CO_CHAIR and p.member
        ]
        return cls(instance=meeting, initial={"planned": meeting.slug, "hosts": hosts, "co_chairs": co_chairs})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.planned_gone = False
        country = cast(forms.ModelChoiceField, self.fields["country"])
        country.queryset = Member.objects.exclude(kind=Member.Kind.ORGANISATION).order_by("name")
        country.label = "Country"
        cast(forms.ModelChoiceField, self.fields["forum"]).queryset = Forum.objects.order_by("order", "name")
        self.fields["ordinal"].label = "Number in its series"
        self.fields["date_text"].label = "Date as written"
        self.instance.status = Meeting.Status.HELD

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.planned_gone:
            raise forms.ValidationError(
                "The planned meeting you chose is no longer planned: someone recorded it meanwhile. "
                "Choose it again from the list, or describe a new meeting."
            )
        return cleaned


class DocumentRecordForm(forms.ModelForm):
    """Step 2: the document the meeting adopted."""

    class Meta:
        model = Document
        fields = ["kind", "title", "date", "slug", "attached_to", "attachment_label"]
        widgets = {"date": IsoDateInput}
        labels = {"attached_to": "Attached to", "attachment_label": "Attachment label"}
        help_texts = {
            "slug": "Part of its paragraphs' addresses; BaliTrack proposes one from the meeting's.",
            "attached_to": "Only for a text annexed to another (a declaration attached to a statement).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = STATEMENT_KINDS
        attached_to = cast(forms.ModelChoiceField, self.fields["attached_to"])
        attached_to.queryset = Document.objects.order_by("-date", "title")
        attached_to.empty_label = "Not attached to another document"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("attachment_label") and not cleaned.get("attached_to"):
            self.add_error("attachment_label", "Give the label only for a document attached to another one.")
        return cleaned


class StatementTextForm(forms.Form):
    """Step 3, first part: the whole text, pasted. The splitter says what is wrong with it."""

    # No maxlength in the page: a browser would cut a long paste without a word; the splitter
    # measures it and says how long it is.
    text = forms.CharField(
        label="The statement's whole text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text="Paste everything from the title to the last line, as copied from the PDF or Word file.",
    )


class PreviewForm(forms.Form):
    """Step 3, second part: each part's number, level and verb, as the officer corrects them,
    which parts to merge with the next, and where to split one."""

    revision = forms.CharField(widget=forms.HiddenInput)
    split_part = forms.IntegerField(
        required=False, min_value=1, label="Split part", help_text="The number of the part in the first column."
    )
    split_before = forms.CharField(
        required=False,
        max_length=MAX_SPLIT_WORDS,
        label="before the words",
        help_text="Copy the words that begin the new part.",
    )

    def __init__(self, *args: Any, drafts: Sequence[DraftPart], revision: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drafts = list(drafts)
        self.fields["revision"].initial = revision
        for draft in self.drafts:
            part, p = draft.part, draft.part.position
            self.fields[f"number_{p}"] = forms.CharField(
                required=False,
                max_length=MAX_NUMBER_LENGTH + 4,
                initial=part.number or "",
                label=f"Part {p}: number",
                widget=forms.TextInput(attrs={"size": 4, "class": "preview__number"}),
            )
            self.fields[f"level_{p}"] = forms.ChoiceField(
                choices=LEVEL_CHOICES, initial=part.level.value, label=f"Part {p}: level"
            )
            if part.level is not Level.HEADING:
                self.fields[f"verb_{p}"] = forms.ChoiceField(
                    choices=Decision.Verb.choices, initial=verb_of(draft), label=f"Part {p}: verb"
                )
            self.fields[f"merge_{p}"] = forms.BooleanField(required=False, label=f"Merge part {p} with the next")

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "draft": draft,
                "number": self[f"number_{draft.part.position}"],
                "level": self[f"level_{draft.part.position}"],
                "verb": self[f"verb_{draft.part.position}"] if f"verb_{draft.part.position}" in self.fields else None,
                "merge": self[f"merge_{draft.part.position}"],
            }
            for draft in self.drafts
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for draft in self.drafts:
            name = f"number_{draft.part.position}"
            if name in cleaned:
                try:
                    printed_number(cleaned[name])
                except CorrectionError as error:
                    self.add_error(name, str(error))
        split_part, split_before = cleaned.get("split_part"), cleaned.get("split_before", "").strip()
        if split_part and split_part > len(self.drafts):
            self.add_error("split_part", f"There are {len(self.drafts)} parts.")
        if bool(split_part) != bool(split_before):
            self.add_error(
                "split_before" if split_part else "split_part", "Give both the part and the words to split it before."
            )
        return cleaned

    def corrections(self) -> list[list[Any]]:
        """What the officer changed, as the draft's corrections, in an order in which each
        one's position is still right: the edits of rows first, then merges and the split
        from the last part up."""
        edits: list[list[Any]] = []
        structure: list[list[Any]] = []
        for draft in self.drafts:
            part, p = draft.part, draft.part.position
            number = printed_number(self.cleaned_data[f"number_{p}"])
            if number != part.number:
                edits.append(["number", p, number or ""])
            if self.cleaned_data[f"level_{p}"] != part.level.value:
                edits.append(["level", p, self.cleaned_data[f"level_{p}"]])
            verb = self.cleaned_data.get(f"verb_{p}")
            if verb and verb != verb_of(draft):
                edits.append(["verb", p, verb])
            if self.cleaned_data[f"merge_{p}"]:
                structure.append(["merge", p])
        if self.cleaned_data.get("split_part"):
            structure.append(["split", self.cleaned_data["split_part"], self.cleaned_data["split_before"]])
        structure.sort(key=lambda correction: (-correction[1], correction[0] != "merge"))
        return edits + structure


def verb_of(draft: DraftPart) -> str:
    """The part's verb: the officer's choice, else BaliTrack's guess."""
    return draft.verb or guess_verb(draft.part.text)


class AttendanceForm(forms.Form):
    """Step 4: who attended, each in one role, and the statement's count of delegates."""

    delegates = forms.IntegerField(
        required=False, min_value=0, max_value=100_000, help_text='As the statement counts them ("303 delegates").'
    )
    attendance_notes = forms.CharField(
        required=False,
        max_length=2000,
        label="Attendance notes",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Who else attended, in the statement\'s words ("representatives of 12 international organisations").',
    )

    def __init__(
        self,
        *args: Any,
        forum_members: Sequence[Member],
        other_members: Sequence[Member],
        bodies: Sequence[Body],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[tuple[Member | Body, forms.BoundField, forms.BoundField]]] = {}
        for group, participants, prefix in (
            ("forum", forum_members, "member"),
            ("others", other_members, "member"),
            ("bodies", bodies, "body"),
        ):
            for participant in participants:
                self.fields[f"{prefix}_{participant.pk}"] = forms.BooleanField(required=False, label=participant.name)
                self.fields[f"{prefix}_role_{participant.pk}"] = forms.ChoiceField(
                    choices=MeetingParticipation.Role.choices,
                    initial=MeetingParticipation.Role.PARTICIPANT,
                    label=f"Role of {participant.name}",
                )
            self.groups[group] = [
                (participant, self[f"{prefix}_{participant.pk}"], self[f"{prefix}_role_{participant.pk}"])
                for participant in participants
            ]
        self._members = {member.pk: member for member in [*forum_members, *other_members]}
        self._bodies = {body.pk: body for body in bodies}

    def attending_members(self) -> dict[Member, str]:
        return {
            m: self.cleaned_data[f"member_role_{pk}"]
            for pk, m in self._members.items()
            if self.cleaned_data[f"member_{pk}"]
        }

    def attending_bodies(self) -> dict[Body, str]:
        return {
            b: self.cleaned_data[f"body_role_{pk}"] for pk, b in self._bodies.items() if self.cleaned_data[f"body_{pk}"]
        }

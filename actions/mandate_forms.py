"""The forms of "Record a statement", step 5: a paragraph's links to the actions it mandates
and to the earlier texts it speaks of. They validate; actions.mandates and meetings.recording write."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from actions.models import STRATEGY_ORDER, Action, Initiative
from meetings.models import Decision, Document, Lineage

MAX_ACTION_TEXT = 2000
# The page stays bounded whatever the size of the record: the lists offer at most these many
# actions, and the parts of at most these many earlier documents (the real record has 31
# actions and five documents, all listed); anything else is given by its number or citation.
LISTED_ACTIONS = 300
LISTED_DOCUMENTS = 12
# "687", "/actions/687/", "https://balitrack.example.org/actions/687/".
_ACTION_NUMBER = re.compile(r"\s*(?:\S*/actions/)?(?P<pk>\d{1,9})/?\s*")
# "bp-mc-5-2013-statement ¶11", "bp-mc-5-2013 ¶11", "bp-mc-5-2013 paragraph 11(b)".
_CITATION = re.compile(r"(?P<slug>[A-Za-z0-9_-]+)\s*(?:¶|para(?:graph)?\.?\s)\s*(?P<number>\S.*)", re.I)


def _excerpt(text: str, words: int = 10) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


class ParagraphChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Decision) -> str:  # type: ignore[override]
        return f"{obj.citation}: {_excerpt(obj.text)}"


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Action) -> str:  # type: ignore[override]
        return f"{obj.initiative.name}, action {obj.number}: {_excerpt(obj.text, 8)}"


class _LinkForm(forms.Form):
    paragraph = ParagraphChoiceField(queryset=Decision.objects.none(), empty_label="Choose a paragraph")

    def __init__(self, *args: Any, paragraphs: QuerySet[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = paragraphs  # type: ignore[attr-defined]


class MandateForm(_LinkForm):
    """An existing action the paragraph mandates: chosen from the list (the first actions of
    the strategy, LISTED_ACTIONS at most), or given by its number in BaliTrack."""

    action = ActionChoiceField(queryset=Action.objects.none(), required=False, empty_label="Choose an action")
    action_number = forms.CharField(
        required=False,
        max_length=200,
        label="Or its number in BaliTrack",
        help_text=(
            f"The list holds the strategy's first {LISTED_ACTIONS} actions. Any action can be given by the number"
            " at the end of its address: 687 for /actions/687/."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query when the list is drawn: the first actions are a subquery.
        listed = Action.objects.order_by(*STRATEGY_ORDER).values("pk")[:LISTED_ACTIONS]
        field = cast(ActionChoiceField, self.fields["action"])
        field.queryset = Action.objects.select_related("initiative").filter(pk__in=listed).order_by(*STRATEGY_ORDER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen, number = cleaned.get("action"), cleaned.get("action_number", "").strip()
        if bool(chosen) == bool(number):
            raise forms.ValidationError("Choose the action from the list or give its number, not both.")
        if number:
            found = _ACTION_NUMBER.fullmatch(number)
            action = Action.objects.select_related("initiative").filter(pk=int(found["pk"])).first() if found else None
            if action is None:
                raise forms.ValidationError({"action_number": f"No action has the number {number}."})
            cleaned["action"] = action
        return cleaned


class NewActionForm(_LinkForm):
    """A new action of the strategy, from the paragraph."""

    initiative = forms.ModelChoiceField(
        queryset=Initiative.objects.order_by("theme__position", "position"), empty_label="Choose an initiative"
    )
    text = forms.CharField(
        label="What the action is",
        max_length=MAX_ACTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the words of the paragraph, as the strategy's bullets are written.",
    )


class LineageForm(_LinkForm):
    """What the paragraph says of an earlier paragraph or document: chosen from the list, or
    found by its citation."""

    kind = forms.ChoiceField(choices=Lineage.Kind.choices, label="It")
    earlier = forms.ChoiceField(required=False, label="Earlier paragraph or document")
    citation = forms.CharField(
        required=False,
        max_length=120,
        label="Or its citation",
        help_text="A document's or meeting's address and the paragraph: bp-mc-5-2013 ¶11.",
    )

    def __init__(self, *args: Any, paragraphs: QuerySet[Decision], document: Document, **kwargs: Any) -> None:
        super().__init__(*args, paragraphs=paragraphs, **kwargs)
        self.document = document
        # The parts of the latest other documents, grouped by document; an older text is given
        # by its citation, so that the page stays the same size as the record grows.
        latest = (
            Document.objects.exclude(pk=document.pk)
            .filter(Exists(Decision.objects.filter(document=OuterRef("pk")).exclude(level=Decision.Level.HEADING)))
            .order_by(F("date").desc(nulls_last=True), "-pk")
            .values("pk")[:LISTED_DOCUMENTS]
        )
        earlier = (
            Decision.objects.filter(document__in=latest)
            .exclude(level=Decision.Level.HEADING)
            .select_related("document")
            .order_by("document__date", "document__title", "position")
            .only("pk", "number", "numbered", "level", "text", "document__title", "document__slug", "document__date")
        )
        groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        for part in earlier:
            title = part.document.title
            group = groups.setdefault(part.document_id, (title, [(f"d{part.document_id}", f"The whole of {title}")]))
            group[1].append((f"p{part.pk}", f"{part.citation}: {_excerpt(part.text, 8)}"))
        choices: list[Any] = [("", "Choose from the list, or give the citation below"), *groups.values()]
        cast(forms.ChoiceField, self.fields["earlier"]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen, citation = cleaned.get("earlier"), cleaned.get("citation", "").strip()
        if bool(chosen) == bool(citation):
            raise forms.ValidationError("Choose the earlier paragraph from the list or give its citation, not both.")
        cleaned["earlier_decision"] = cleaned["earlier_document"] = None
        if chosen:
            pk = int(chosen[1:])
            if chosen.startswith("d"):
                cleaned["earlier_document"] = Document.objects.get(pk=pk)
            else:
                cleaned["earlier_decision"] = Decision.objects.select_related("document").get(pk=pk)
        else:
            cleaned["earlier_decision"] = self._cited(citation)
        return cleaned

    def _cited(self, citation: str) -> Decision:
        found = _CITATION.fullmatch(citation)
        if not found:
            raise forms.ValidationError(
                {"citation": "Write the document's or the meeting's address, then ¶ and the number: bp-mc-5-2013 ¶11."}
            )
        slug, number = found["slug"], found["number"].strip()
        # By the document's address or its meeting's (a UNION here was refused by SQLite, its
        # halves keeping Decision's ordering).
        parts = list(
            Decision.objects.filter(Q(document__slug=slug) | Q(document__meeting__slug=slug), number=number)[:2]
        )
        if not parts:
            raise forms.ValidationError({"citation": f"No paragraph {number} of {slug} is recorded."})
        if len(parts) > 1:
            raise forms.ValidationError(
                {
                    "citation": f"{slug} has more than one document with a paragraph {number}: "
                    "give the document's address."
                }
            )
        return parts[0]

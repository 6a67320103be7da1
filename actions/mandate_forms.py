"""The forms of "Record a statement", step 5: a paragraph's links to the actions it mandates
and to the earlier texts it speaks of. They validate; actions.mandates and meetings.recording write."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from actions.models import STRATEGY_ORDER, Action, Initiative
from meetings.models import Decision, Document, Lineage

MAX_ACTION_TEXT = 2000
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
    """An existing action the paragraph mandates."""

    action = ActionChoiceField(
        queryset=Action.objects.select_related("initiative").order_by(*STRATEGY_ORDER), empty_label="Choose an action"
    )


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
        # Every other document's parts, grouped by document: the record's earlier texts are a
        # few hundred parts (the search by citation is there for when the list grows long).
        earlier = (
            Decision.objects.exclude(document=document)
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
        parts = list(
            Decision.objects.filter(number=number)
            .filter(document__slug=slug)
            .union(Decision.objects.filter(number=number, document__meeting__slug=slug))
        )
        if not parts:
            raise forms.ValidationError({"citation": f"No paragraph {number} of {slug} is recorded."})
        if len(parts) > 1:
            raise forms.ValidationError(
                {
                    "citation": f"{slug} has {len(parts)} documents with a paragraph {number}: "
                    "give the document's address."
                }
            )
        return parts[0]

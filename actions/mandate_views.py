"""Record a statement, step 5 (issue 12, point 4): paragraph by paragraph, the actions it
mandates (existing or new) and the earlier texts it speaks of. Here rather than in meetings,
as it needs actions (dependencies point members ← meetings ← actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actions.mandate_forms import LineageForm, MandateForm, NewActionForm
from actions.mandates import action_create_from_decision, mandate_link
from actions.models import Action
from meetings.models import Decision, Document, Lineage
from meetings.record_access import get_document_for_recording
from meetings.recording import lineage_add

FORMS = ("mandate", "new", "lineage")


@require_http_methods(["GET", "POST"])
def record_links(request: HttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_recording(request.user, slug)
    paragraphs = Decision.objects.filter(document=document).exclude(level=Decision.Level.HEADING).order_by("position")
    # Which of the page's three forms was sent; a POST naming none is refused (400).
    posted = request.POST.get("form", "") if request.method == "POST" else None
    forms = {
        name: cls(
            request.POST if posted == name else None,
            prefix=name,
            paragraphs=paragraphs,
            **({"document": document} if cls is LineageForm else {}),
        )
        for name, cls in (("mandate", MandateForm), ("new", NewActionForm), ("lineage", LineageForm))
    }
    if posted is not None:
        form = forms.get(posted)
        if form is not None and form.is_valid():
            try:
                message = _link(request, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect("actions:record-links", document.slug)
    status = 400 if posted is not None else 200
    return render(request, "meetings/record_links.html", _context(document, forms), status=status)


def _link(request: HttpRequest, form: Any) -> str:
    paragraph = form.cleaned_data["paragraph"]
    user = request.user
    if isinstance(form, MandateForm):
        action = form.cleaned_data["action"]
        new = mandate_link(by=user, decision=paragraph, action=action)  # type: ignore[arg-type]
        return f"{paragraph.citation} {'now mandates' if new else 'already mandated'} {action}."
    if isinstance(form, NewActionForm):
        action = action_create_from_decision(
            by=user,  # type: ignore[arg-type]
            decision=paragraph,
            initiative=form.cleaned_data["initiative"],
            text=form.cleaned_data["text"],
        )
        return f"{action} is created, mandated by {paragraph.citation}."
    link = lineage_add(
        by=user,  # type: ignore[arg-type]
        decision=paragraph,
        kind=form.cleaned_data["kind"],
        earlier_decision=form.cleaned_data["earlier_decision"],
        earlier_document=form.cleaned_data["earlier_document"],
    )
    return f"{paragraph.citation} {link.get_kind_display().lower()} {_earlier(link)}."


def _earlier(link: Lineage) -> str:
    if link.earlier_decision is not None:
        return f"{link.earlier_decision.document.title} {link.earlier_decision.citation}"
    return str(link.earlier_document)


def _context(document: Document, forms: dict[str, Any]) -> dict[str, Any]:
    # Every part with its links, in three queries, however many links it has.
    parts = (
        Decision.objects.filter(document=document)
        .order_by("position")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("initiative")),
            Prefetch(
                "lineage",
                queryset=Lineage.objects.select_related(
                    "earlier_decision__document__meeting", "earlier_document__meeting"
                ),
            ),
        )
    )
    return {
        "document": document,
        "meeting": document.meeting,
        "parts": parts,
        "forms": forms,
        "step": 5,
        "steps": 5,
        "step_title": "Links",
    }

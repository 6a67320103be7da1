"""Bulk edit: the actions selected on the register, one change for all of them, its preview,
then its confirmation, which records it on every action it changes or on none (actions.bulk).

Nothing waits in the session: the selection (each action's id and the version it was
selected at), the change and the actions the preview listed to change travel in the form,
and every step checks them again."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actions.access import check_can_record_update
from actions.bulk import (
    MAX_ACTIONS,
    BulkChange,
    BulkNotApplied,
    BulkPreview,
    Selection,
    SelectionRefused,
    bulk_apply,
    bulk_preview,
    read_selection,
)
from actions.forms import BulkChangeForm
from actions.models import Strategy
from actions.spreadsheet import STATUS_LABELS, ActionNow
from actions.strategy_switch import strategy_asked, strategy_query


@require_http_methods(["GET", "POST"])
def action_bulk_edit(request: HttpRequest) -> HttpResponse:
    """GET (from the register's "Change selected…"): the selected actions and the change form.
    POST with step=preview: what the change does to each; with step=confirm: record it."""
    check_can_record_update(request.user)
    strategy = strategy_asked(request).strategy
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    try:
        selection, now = read_selection(
            data.getlist("ids"),
            data.getlist("versions") if request.method == "POST" else None,
            strategy=strategy,
        )
    except SelectionRefused as refused:
        messages.error(request, str(refused))
        return _render(request, strategy, BulkChangeForm(), status=400)
    if request.method == "GET":
        return _render(request, strategy, BulkChangeForm(), selection=selection, now=now)
    form = BulkChangeForm(request.POST, two_key_closing=settings.TWO_KEY_CLOSING)
    if not form.is_valid():
        return _render(request, strategy, form, selection=selection, now=now, status=400)
    change = BulkChange(
        status=form.cleaned_data["status"] or None,
        progress=form.cleaned_data["progress"],
        target_date=form.cleaned_data["target_date"],
        clear_target_date=form.cleaned_data["clear_target_date"],
        note=form.cleaned_data["note"],
    )
    if data.get("step") != "confirm":
        preview = bulk_preview(selection=selection, change=change, now=now)
        return _render(request, strategy, form, selection=selection, now=now, preview=preview)
    previewed = [int(value) for value in data.getlist("previewed") if value.isdigit() and len(value) <= 9]
    try:
        applied = bulk_apply(author=request.user, selection=selection, change=change, previewed=previewed)  # type: ignore[arg-type]
    except BulkNotApplied as not_applied:
        messages.error(request, str(not_applied))
        return _render(
            request,
            strategy,
            form,
            selection=selection,
            now=not_applied.preview.actions,
            preview=not_applied.preview,
            status=409,
        )
    messages.success(request, f"{applied} status update{'s were' if applied != 1 else ' was'} recorded.")
    return redirect(reverse("actions:register") + strategy_query(strategy))


def _render(
    request: HttpRequest,
    strategy: Strategy | None,
    form: BulkChangeForm,
    *,
    selection: Selection | None = None,
    now: dict[int, ActionNow] | None = None,
    preview: BulkPreview | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "selection": selection,
        # The selected actions in the order selected, with the version carried for each.
        "selected": [(now[pk], version, STATUS_LABELS[now[pk].status]) for pk, version in selection.versions.items()]
        if selection and now
        else [],
        "preview": preview,
        "max_actions": MAX_ACTIONS,
        "two_key": settings.TWO_KEY_CLOSING,
        "strategy_query": strategy_query(strategy),
    }
    return render(request, "actions/action_bulk_edit.html", context, status=status)

"""Uploading a filled-in sheet of the register: the preview, then the confirmation that applies it.

Between the two, the rows the preview would apply (never the file) wait in the uploader's
session, under the digest of the file they came from: the confirmation names the digest it
previewed, so a preview left open in one window does not apply a sheet uploaded in another.
"""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actions.spreadsheet import SheetRow
from proposals.access import SheetUploader, get_sheet_uploader
from proposals.forms import SheetApplyForm, SheetUploadForm
from proposals.spreadsheet import SheetNotApplied, SheetPreview, sheet_apply, sheet_preview

SESSION_KEY = "sheet_upload"
# The rows waiting in the session, as JSON: 2,000 changes with short notes, or fewer with long
# ones. A sheet with more is previewed, and the page asks for it in parts.
MAX_SESSION_CHARACTERS = 1_000_000


@require_http_methods(["GET", "POST"])
def sheet_upload(request: HttpRequest) -> HttpResponse:
    """The upload form (GET), and the preview of an uploaded sheet (POST)."""
    uploader = get_sheet_uploader(request.user)
    if request.method == "GET":
        return _render(request, uploader, SheetUploadForm())
    form = SheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, uploader, form, status=400)
    preview = sheet_preview(uploader=uploader, sheet=form.cleaned_data["sheet"])
    waiting = [change.row.as_session() for change in preview.changes]
    too_many = len(json.dumps(waiting)) > MAX_SESSION_CHARACTERS
    request.session.pop(SESSION_KEY, None)
    if waiting and not too_many:
        request.session[SESSION_KEY] = {"digest": form.digest, "rows": waiting}
    return _render(
        request,
        uploader,
        SheetUploadForm(),
        preview=preview,
        apply_form=SheetApplyForm(initial={"digest": form.digest}) if waiting and not too_many else None,
        too_many=too_many,
    )


@require_POST
def sheet_apply_view(request: HttpRequest) -> HttpResponse:
    """Apply the previewed rows, all or none."""
    uploader = get_sheet_uploader(request.user)
    form = SheetApplyForm(request.POST)
    stored = request.session.get(SESSION_KEY)
    if not form.is_valid() or not stored or stored.get("digest") != form.cleaned_data["digest"]:
        messages.error(
            request,
            "Nothing was applied: this preview is not the latest sheet you uploaded (it may have been applied "
            "already, or another upload replaced it). Upload the sheet again to see its preview.",
        )
        return _render(request, uploader, SheetUploadForm(), status=400)
    rows = [SheetRow.from_session(row) for row in stored["rows"]]
    try:
        applied = sheet_apply(uploader=uploader, rows=rows)
    except SheetNotApplied as not_applied:
        messages.error(request, str(not_applied))
        waiting = [change.row.as_session() for change in not_applied.preview.changes]
        if waiting:
            request.session[SESSION_KEY] = {"digest": stored["digest"], "rows": waiting}
        else:
            request.session.pop(SESSION_KEY, None)
        return _render(
            request,
            uploader,
            SheetUploadForm(),
            preview=not_applied.preview,
            apply_form=SheetApplyForm(initial={"digest": stored["digest"]}) if waiting else None,
            status=409,
        )
    request.session.pop(SESSION_KEY, None)
    if uploader.member is None:
        messages.success(request, f"{applied} status update{'s were' if applied != 1 else ' was'} recorded.")
    else:
        messages.success(
            request,
            f"{applied} proposal{'s were' if applied != 1 else ' was'} sent to the Secretariat for "
            f"{uploader.member}, which accepts or returns each.",
        )
    return redirect(reverse("proposals:sheet"))


def _render(
    request: HttpRequest,
    uploader: SheetUploader,
    form: SheetUploadForm,
    *,
    preview: SheetPreview | None = None,
    apply_form: SheetApplyForm | None = None,
    too_many: bool = False,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "member": uploader.member,
        "preview": preview,
        "apply_form": apply_form,
        "too_many": too_many,
        "two_key": settings.TWO_KEY_CLOSING,
        # Every action the member may propose on: its own parts, and those of the bodies it
        # co-chairs or co-manages (proposals.access.member_parts), which `owner` alone leaves out.
        "export_query": f"owner={uploader.member.code}&via_bodies=on" if uploader.member else "",
    }
    return render(request, "proposals/proposal_sheet.html", context, status=status)

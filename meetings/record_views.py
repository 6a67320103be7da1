"""Record a statement, steps 1 to 4 and the summary (issue 12, point 4); step 5, the links to
actions, is in actions.mandate_views, as it needs the actions app.

Steps 1 to 3 keep what the officer typed in their session (meetings.record_draft) and save
nothing until they confirm the parts: then the meeting, the document and its parts are saved
in one transaction. Steps 4 and 5 work on the saved document and can be taken again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_http_methods

from meetings.forms import (
    AttendanceForm,
    DocumentRecordForm,
    MeetingRecordForm,
    PreviewForm,
    StatementTextForm,
    verb_of,
)
from meetings.models import Decision, Lineage, Meeting, MeetingParticipation
from meetings.record_access import check_can_record_statements, get_document_for_recording
from meetings.record_draft import (
    MAX_CORRECTIONS,
    SESSION_KEY,
    CorrectionError,
    DraftPart,
    draft_parts,
    revision,
)
from meetings.recording import meeting_attendance_set, statement_record
from meetings.services import TextRefused, citation_keys
from meetings.statement_text import Level, StatementTextError
from members.access import related_model
from members.models import Body, Member

STEPS = 5
STALE_DRAFT = (
    "The statement you were recording is no longer in progress (it was saved, or you were signed out): start again."
)


def _draft(session: SessionBase) -> dict[str, Any]:
    return dict(session.get(SESSION_KEY) or {})


def _keep(session: SessionBase, draft: dict[str, Any]) -> None:
    session[SESSION_KEY] = draft


def _stored(form: Any) -> dict[str, list[str]]:
    """What the officer posted for the form's own fields, nothing else: bounded by the fields' limits."""
    return {name: form.data.getlist(name) for name in form.fields if name in form.data}


def _step(number: int, title: str) -> dict[str, Any]:
    return {"step": number, "steps": STEPS, "step_title": title}


@require_http_methods(["GET", "POST"])
def record_meeting(request: HttpRequest) -> HttpResponse:
    """Step 1: the meeting, chosen from the planned ones or described."""
    check_can_record_statements(request.user)
    draft = _draft(request.session)
    planned = Meeting.objects.filter(status=Meeting.Status.PLANNED).order_by("start_date", "title")
    picked = request.GET.get("planned", "")
    if request.method == "POST":
        form = MeetingRecordForm.for_data(request.POST)
        if form.is_valid():
            _keep(request.session, {**draft, "meeting": _stored(form)})
            return redirect("meetings:record-document")
    elif picked:
        meeting = planned.prefetch_related("participations__member").filter(slug=picked).first()
        if meeting is None:
            messages.error(request, "That meeting is not a planned one any more: choose another, or describe it.")
            form = MeetingRecordForm()
        else:
            form = MeetingRecordForm.for_planned(meeting)
    elif "meeting" in draft:
        form = MeetingRecordForm.for_data(MultiValueDict(draft["meeting"]))
    else:
        form = MeetingRecordForm()
    context = {"form": form, "planned": planned, "picked": picked, **_step(1, "The meeting")}
    return render(request, "meetings/record_meeting.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def record_document(request: HttpRequest) -> HttpResponse:
    """Step 2: the document, its title, date and address."""
    check_can_record_statements(request.user)
    draft = _draft(request.session)
    meeting_form = MeetingRecordForm.for_data(MultiValueDict(draft["meeting"])) if "meeting" in draft else None
    if meeting_form is None or not meeting_form.is_valid():
        messages.error(request, STALE_DRAFT if meeting_form is None else "Check the meeting again: it has changed.")
        return redirect("meetings:record-meeting")
    meeting = meeting_form.instance
    if request.method == "POST":
        form = DocumentRecordForm(request.POST)
        if form.is_valid():
            _keep(request.session, {**draft, "document": _stored(form)})
            return redirect("meetings:record-text")
    elif "document" in draft:
        form = DocumentRecordForm(MultiValueDict(draft["document"]))
    else:
        form = DocumentRecordForm(
            initial={
                "title": f"Co-chairs' statement of the {meeting.title}",
                "slug": f"{meeting.slug}-statement"[:80],
                "date": meeting.end_date or meeting.start_date,
            }
        )
    context = {"form": form, "meeting": meeting, **_step(2, "The document")}
    return render(request, "meetings/record_document.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def record_text(request: HttpRequest) -> HttpResponse:
    """Step 3: the whole text, then its parts as BaliTrack reads them, corrected and confirmed."""
    check_can_record_statements(request.user)
    draft = _draft(request.session)
    if "meeting" not in draft or "document" not in draft:
        messages.error(request, STALE_DRAFT)
        return redirect("meetings:record-meeting")
    text, corrections = draft.get("text", ""), draft.get("corrections", [])
    if request.method == "POST" and request.POST.get("step") == "text":
        text_form = StatementTextForm(request.POST)
        if text_form.is_valid():
            pasted = text_form.cleaned_data["text"]
            try:
                draft_parts(pasted, [])
            except StatementTextError as error:
                text_form.add_error("text", str(error))
            else:
                same = pasted == text
                _keep(request.session, {**draft, "text": pasted, "corrections": corrections if same else []})
                return redirect(reverse("meetings:record-text") + "#preview")
        return _render_text(request, draft, text_form, None, status=400)
    text_form = StatementTextForm(initial={"text": text})
    if not text:
        return _render_text(request, draft, text_form, None)
    try:
        drafts = draft_parts(text, corrections)
    except (StatementTextError, CorrectionError) as error:
        # The corrections no longer fit (the splitter changed since): the text stays, they go.
        _keep(request.session, {**draft, "corrections": []})
        messages.error(request, f"The corrections could not be kept: {error}")
        return redirect("meetings:record-text")
    current = revision(text, corrections)
    if request.method != "POST":
        return _render_text(request, draft, text_form, PreviewForm(drafts=drafts, revision=current))
    preview = PreviewForm(request.POST, drafts=drafts, revision=current)
    if request.POST.get("revision") != current:
        # An older preview (another window, or the text pasted again since): nothing is applied.
        stale = (
            "This preview was out of date (the text was pasted again or corrected in another window), so nothing "
            "was changed or saved. Here are the parts as they stand: check them and try again."
        )
        fresh = PreviewForm(drafts=drafts, revision=current)
        return _render_text(request, draft, text_form, fresh, errors=[stale], status=409)
    if not preview.is_valid():
        return _render_text(request, draft, text_form, preview, status=400)
    added = preview.corrections()
    corrected = corrections + added
    try:
        if len(corrected) > MAX_CORRECTIONS:
            raise CorrectionError(
                f"This statement has had {len(corrected):,} corrections; BaliTrack keeps at most {MAX_CORRECTIONS:,}. "
                "Paste the text again, corrected in a text editor."
            )
        drafts = draft_parts(text, corrected)
        keys = citation_keys([draft.part for draft in drafts])
    except (CorrectionError, TextRefused) as error:
        preview.add_error(None, getattr(error, "message", None) or str(error))
        return _render_text(request, draft, text_form, preview, status=400)
    _keep(request.session, {**draft, "corrections": corrected})
    structural = any(correction[0] in ("merge", "split") for correction in added)
    if request.POST.get("step") != "confirm" or structural:
        if structural and request.POST.get("step") == "confirm":
            messages.info(request, "Parts were merged or split: check the result, then save.")
        return redirect(reverse("meetings:record-text") + "#preview")
    return _save(request, {**draft, "corrections": corrected}, drafts, keys)


def _save(request: HttpRequest, draft: dict[str, Any], drafts: list[DraftPart], keys: list[str]) -> HttpResponse:
    meeting_form = MeetingRecordForm.for_data(MultiValueDict(draft["meeting"]))
    document_form = DocumentRecordForm(MultiValueDict(draft["document"]))
    if not meeting_form.is_valid() or not document_form.is_valid():
        step = "meetings:record-meeting" if not meeting_form.is_valid() else "meetings:record-document"
        messages.error(
            request,
            "Nothing was saved: the meeting or the document is no longer as you gave it (another officer may have "
            "recorded it meanwhile). Check it again; the text and your corrections are kept.",
        )
        return redirect(step)
    verbs = {d.part.position: verb_of(d) for d in drafts if d.part.level is not Level.HEADING}
    document = document_form.save(commit=False)
    try:
        saved = statement_record(
            by=request.user,  # type: ignore[arg-type]
            meeting=meeting_form.instance,
            hosts=meeting_form.cleaned_data["hosts"],
            co_chairs=meeting_form.cleaned_data["co_chairs"],
            document=document,
            parts=[d.part for d in drafts],
            verbs=verbs,
        )
    except (TextRefused, IntegrityError) as error:
        message = (
            error.message
            if isinstance(error, TextRefused)
            else ("Another record took this meeting's or document's number or address meanwhile.")
        )
        messages.error(request, f"Nothing was saved: {message}")
        return redirect(reverse("meetings:record-text") + "#preview")
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"{document.title} is recorded: {saved.created} parts.")
    # A fragment of its own: a browser keeps the posting page's (#preview) across a redirect without one.
    return redirect(reverse("meetings:record-attendance", args=[document.slug]) + "#main")


def _render_text(
    request: HttpRequest,
    draft: dict[str, Any],
    text_form: StatementTextForm,
    preview: PreviewForm | None,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The text box, and under it the preview of the parts with their citations; `errors`
    are the preview's own (a stale preview, numbers that clash), shown in its error summary."""
    errors = list(errors or [])
    rows: list[tuple[dict[str, Any], str]] = []
    if preview is not None:
        errors += [str(error) for error in preview.non_field_errors()] if preview.is_bound else []
        try:
            keys = citation_keys([d.part for d in preview.drafts])
        except TextRefused as error:
            keys = [""] * len(preview.drafts)
            if error.message not in errors:
                errors.append(error.message)
        rows = [(row, _cited(row["draft"], key)) for row, key in zip(preview.rows(), keys, strict=True)]
    context = {
        "text_form": text_form,
        "preview": preview,
        "rows": rows,
        "preview_errors": errors,
        "document_title": draft["document"].get("title", [""])[0],
        **_step(3, "The text"),
    }
    return render(request, "meetings/record_text.html", context, status=status)


def _cited(draft: DraftPart, key: str) -> str:
    """The part as it will be cited, as Decision.citation writes it."""
    part = draft.part
    if not key or part.level is Level.HEADING or (part.level is Level.PARAGRAPH and part.number is None):
        return key
    return f"¶{key}"


@require_http_methods(["GET", "POST"])
def record_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 4: who attended, from the forum's members, any other member, and the bodies."""
    document = get_document_for_recording(request.user, slug)
    meeting = document.meeting
    members = list(Member.objects.order_by("name"))
    seated = set(
        Member.objects.filter(forum_memberships__forum_id=meeting.forum_id).values_list("pk", flat=True)
        if meeting.forum_id
        else []
    )
    bodies = list(Body.objects.order_by("name"))
    forum_members = [m for m in members if m.pk in seated]
    lists: dict[str, Any] = {
        "forum_members": forum_members,
        "other_members": [m for m in members if m.pk not in seated],
        "bodies": bodies,
    }
    if request.method == "POST":
        form = AttendanceForm(request.POST, **lists)
        if form.is_valid():
            meeting_attendance_set(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                members=form.attending_members(),
                bodies=form.attending_bodies(),
                delegates=form.cleaned_data["delegates"],
                attendance_notes=form.cleaned_data["attendance_notes"],
            )
            messages.success(request, "The attendance is recorded.")
            return redirect("actions:record-links", document.slug)
    else:
        form = AttendanceForm(initial=_attendance_initial(meeting, request.GET.get("all") == "forum", seated), **lists)
    context = {"form": form, "document": document, "meeting": meeting, **_step(4, "Attendance")}
    return render(request, "meetings/record_attendance.html", context, status=400 if form.errors else 200)


def _attendance_initial(meeting: Meeting, all_of_forum: bool, seated: set[int]) -> dict[str, Any]:
    """The checklist as the record stands, each participant in its first role (the model's order)."""
    initial: dict[str, Any] = {"delegates": meeting.delegates, "attendance_notes": meeting.attendance_notes}
    if all_of_forum:
        initial |= {f"member_{pk}": True for pk in seated}
    ranks = [str(role) for role in MeetingParticipation.Role]
    rows = sorted(MeetingParticipation.objects.filter(meeting=meeting), key=lambda row: ranks.index(row.role))
    for row in reversed(rows):  # the first role last, so that it wins
        prefix, pk = ("member", row.member_id) if row.member_id else ("body", row.body_id)
        initial[f"{prefix}_{pk}"] = True
        initial[f"{prefix}_role_{pk}"] = row.role
    return initial


@require_GET
def record_done(request: HttpRequest, slug: str) -> HttpResponse:
    """The summary: what the statement's record now holds, and where to read it."""
    document = get_document_for_recording(request.user, slug)
    parts = Decision.objects.filter(document=document)
    mandates = related_model(Decision, "actions").mandates.through  # type: ignore[attr-defined]
    context = {
        "document": document,
        "meeting": document.meeting,
        "parts": parts.count(),
        "attendance": MeetingParticipation.objects.filter(meeting=document.meeting).count(),
        "mandates": mandates.objects.filter(decision__document=document).count(),
        "lineage": Lineage.objects.filter(decision__document=document).count(),
        **_step(5, "Done"),
    }
    return render(request, "meetings/record_done.html", context)

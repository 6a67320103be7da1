"""Writes of the "Record a statement" flow (issue 12, point 4): the meeting and its statement
in one transaction, then the attendance, then the links of lineage.

Every row is saved through the model, so the audit trail records each one, naming the
officer of the request. The text itself is saved by meetings.services.document_text_save.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation
from meetings.services import TextSaved, document_text_save
from meetings.statement_text import Part
from members.models import Body, Member


@transaction.atomic
def statement_record(
    *,
    by: AbstractBaseUser,
    meeting: Meeting,
    hosts: Collection[Member],
    co_chairs: Collection[Member],
    document: Document,
    parts: Sequence[Part],
    verbs: Mapping[int, str],
) -> TextSaved:
    """Save the meeting (a new one, or a planned one, which becomes held), its hosts and
    co-chairs, the document and its parts, all or nothing. `meeting` and `document` are the
    validated, unsaved forms' instances; TextRefused (from the text's save) undoes it all."""
    meeting.status = Meeting.Status.HELD
    meeting.save()
    for role, members in ((MeetingParticipation.Role.HOST, hosts), (MeetingParticipation.Role.CO_CHAIR, co_chairs)):
        for member in members:
            MeetingParticipation.objects.get_or_create(meeting=meeting, member=member, role=role)
    document.meeting = meeting
    document.save()
    return document_text_save(by=by, document=document, parts=parts, verbs=verbs)


@transaction.atomic
def meeting_attendance_set(
    *,
    by: AbstractBaseUser,
    meeting: Meeting,
    members: Mapping[Member, str],
    bodies: Mapping[Body, str],
    delegates: int | None,
    attendance_notes: str,
) -> int:
    """Make the meeting's attendance the members and bodies given, each in its role, and
    record its delegate count and notes; returns how many rows were added or removed.

    A participant already recorded in the given role keeps every role it has (the checklist
    shows one role each, and a host who also co-chaired keeps both); one recorded in other
    roles only has them replaced by the given one; one not given is removed.
    """
    wanted: dict[tuple[str, int], str] = {("member", member.pk): role for member, role in members.items()}
    wanted |= {("body", body.pk): role for body, role in bodies.items()}
    rows: dict[tuple[str, int], list[MeetingParticipation]] = {}
    for row in MeetingParticipation.objects.select_for_update().filter(meeting=meeting).order_by("pk"):
        key = ("member", row.member_id) if row.member_id is not None else ("body", row.body_id)
        rows.setdefault(key, []).append(row)  # type: ignore[arg-type]
    moved = 0
    for key, held in rows.items():
        if key in wanted and wanted[key] in {row.role for row in held}:
            continue
        for row in held:
            row.delete()
            moved += 1
    for (kind, pk), role in wanted.items():
        if (kind, pk) in rows and role in {row.role for row in rows[(kind, pk)]}:
            continue
        participant = {"member_id": pk} if kind == "member" else {"body_id": pk}
        MeetingParticipation.objects.create(meeting=meeting, role=role, **participant)
        moved += 1
    if (meeting.delegates, meeting.attendance_notes) != (delegates, attendance_notes):
        meeting.delegates, meeting.attendance_notes = delegates, attendance_notes
        meeting.save(update_fields=["delegates", "attendance_notes"])
    return moved


@transaction.atomic
def lineage_add(
    *,
    by: AbstractBaseUser,
    decision: Decision,
    kind: str,
    earlier_decision: Decision | None = None,
    earlier_document: Document | None = None,
) -> Lineage:
    """Record that the paragraph reaffirms (recalls, amends, ...) an earlier paragraph or
    document; the same link twice is one link. ValidationError if it is not a link there
    can be (a part of its own document, both ends or neither)."""
    existing = Lineage.objects.filter(
        decision=decision, kind=kind, earlier_decision=earlier_decision, earlier_document=earlier_document
    ).first()
    if existing is not None:
        return existing
    link = Lineage(decision=decision, kind=kind, earlier_decision=earlier_decision, earlier_document=earlier_document)
    link.full_clean()
    link.save()
    return link

"""Who may record a statement (issue 12, point 4), beside meetings.access, which says who may
read meetings. Views ask here; they never check permissions inline."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from meetings.models import Document

# Recording a statement adds its paragraphs: the Secretariat's permission (members.roles).
RECORD_STATEMENT_PERMISSION = "meetings.add_decision"


def can_record_statements(user: User | AnonymousUser) -> bool:
    """Who may use "Record a statement": its pages, and its button on the meetings list.

    Staff is asked first, as for Edit in admin (members/templatetags/admin_links.py): the
    Secretariat's accounts are staff, as they keep the record in the admin too, so the
    meetings list costs readers no query for their permissions."""
    return user.is_active and user.is_staff and user.has_perm(RECORD_STATEMENT_PERMISSION)


def check_can_record_statements(user: User | AnonymousUser) -> None:
    """403 for every other signed-in user (the refusal goes to the audit trail): that the
    pages exist is no secret, as the meetings list is read by all."""
    if not can_record_statements(user):
        raise PermissionDenied("Only the Secretariat records statements.")


def get_document_for_recording(user: User | AnonymousUser, slug: str) -> Document:
    """The document whose statement is being recorded, with its meeting and the meeting's forum."""
    check_can_record_statements(user)
    return get_object_or_404(Document.objects.select_related("meeting__forum"), slug=slug)

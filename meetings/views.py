"""The meetings pages: read-only, for every signed-in user."""

from collections.abc import Iterable
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from meetings.access import get_meeting_for_user, meetings_for_user
from meetings.models import Decision, Meeting, MeetingParticipation
from meetings.record_access import can_record_statements
from members.models import Member


class MeetingFilter(django_filters.FilterSet):
    # Kept beside its only view until meetings has a filters.py.
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label="Kind", empty_label="Any")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, label="Status", empty_label="Any")
    # A member's page links here for every meeting it attended, beyond the latest it lists.
    attended_by = django_filters.ModelChoiceFilter(
        queryset=Member.objects.order_by("name"),
        to_field_name="code",
        method="filter_attended_by",
        label="Attended by",
        empty_label="Any member",
    )

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_attended_by(self, queryset: Any, name: str, member: Member | None) -> Any:
        if member is None:
            return queryset
        # EXISTS rather than a join: a member can attend one meeting in two roles.
        return queryset.filter(Exists(MeetingParticipation.objects.filter(meeting=OuterRef("pk"), member=member)))


class MeetingListView(FilterView):
    """Every meeting, held or planned, oldest first. An unknown filter value lists nothing
    and says why, rather than quietly listing everything."""

    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    paginate_by = settings.PAGE_SIZE
    context_object_name = "meetings"

    def get_queryset(self) -> Any:
        return meetings_for_user(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["can_record_statements"] = can_record_statements(self.request.user)
        return context


@require_GET
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, slug)
    for document in meeting.documents.all():
        document.page_parts = page_parts(document.decisions.all())  # type: ignore[attr-defined]
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})


def page_parts(parts: Iterable[Decision]) -> list[tuple[Decision, str]]:
    """Each part with the heading to show before it, if any. A text recorded with its
    headings as parts shows them as they come; in one recorded without (the 2013-2014
    record) a paragraph's section is shown where it changes."""
    shown: list[tuple[Decision, str]] = []
    section = ""
    for part in parts:
        if part.level == Decision.Level.HEADING:
            section = part.text
            shown.append((part, ""))
            continue
        heading = part.section if part.section and part.section != section else ""
        section = part.section or section
        shown.append((part, heading))
    return shown

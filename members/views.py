"""The members and groups pages: read-only, for every signed-in user."""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.generic import ListView
from django_filters.views import FilterView

from members.access import (
    bodies_for_user,
    can_view_focal_points,
    get_body_for_user,
    get_member_for_user,
    latest_meetings_attended,
    members_for_user,
)
from members.action_roles import body_action_roles, member_action_roles
from members.models import BodyMembership, Forum, ForumMembership, Member


class MemberFilter(django_filters.FilterSet):
    # Kept beside its only view until members has a filters.py.
    forum = django_filters.ModelChoiceFilter(
        queryset=Forum.objects.all(), to_field_name="code", method="filter_forum", label="Forum", empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(choices=Member.Kind.choices, label="Kind", empty_label="Any")

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_forum(self, queryset: Any, name: str, forum: Forum | None) -> Any:
        if forum is None:
            return queryset
        # EXISTS rather than a join: Australia and Indonesia hold two seats in the Bali
        # Process (member and co-chair), and a join would list them twice.
        return queryset.filter(Exists(ForumMembership.objects.filter(member=OuterRef("pk"), forum=forum)))


class MemberListView(FilterView):
    """Every member with its seats in the forums, narrowed by forum or kind.

    Not paginated: the membership is the countries and organisations of one region, a
    list short enough to read and search on one page.
    """

    filterset_class = MemberFilter
    template_name = "members/member_list.html"
    context_object_name = "members"

    def get_queryset(self) -> Any:
        return members_for_user(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        context["forum"] = (
            filterset.form.cleaned_data.get("forum") if filterset.is_bound and filterset.is_valid() else None
        )
        return context


@require_GET
def member_detail(request: HttpRequest, code: str) -> HttpResponse:
    member = get_member_for_user(request.user, code)
    leading, other = member_action_roles(member)
    context = {
        "member": member,
        "leading": leading,
        "other": other,
        "meetings_attended": latest_meetings_attended(member),
        "show_focal_points": can_view_focal_points(request.user),
    }
    return render(request, "members/member_detail.html", context)


class BodyListView(ListView):
    """Every working group, office, network and committee. Not paginated: there are a handful."""

    template_name = "members/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self) -> Any:
        return bodies_for_user(self.request.user)


@require_GET
def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    body = get_body_for_user(request.user, code)
    leaders = [m for m in body.memberships.all() if m.role in BodyMembership.LEADING_ROLES]
    context = {"body": body, "leaders": leaders, "actions": body_action_roles(body)}
    return render(request, "members/body_detail.html", context)

"""Who may read members and bodies, and what their pages need fetched.

Views ask here; they never check permissions inline. Every signed-in user may read every
member and body: the record is shared across the Bali Process. Focal points are the one
exception: they are people's names and e-mail addresses, shown only to users with the
permission to view them (the Secretariat and the Co-Chairs; not the Members group).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, When
from django.shortcuts import get_object_or_404

from members.models import Body, BodyMembership, FocalPoint, ForumMembership, Member

VIEW_FOCAL_POINTS_PERMISSION = "members.view_focalpoint"
# How many of a member's meetings its page lists; the meetings list has them all.
MEETINGS_LISTED = 20


def can_view_focal_points(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_FOCAL_POINTS_PERMISSION)


def members_for_user(user: User | AnonymousUser) -> "models.QuerySet[Member]":
    """The members list: every member with its seats in the forums."""
    seats = Prefetch("forum_memberships", queryset=_seats_in_order())
    # .all() first: django-stubs types the generated manager's own prefetch_related too narrowly.
    return Member.objects.all().prefetch_related(seats)


def get_member_for_user(user: User | AnonymousUser, code: str) -> Member:
    """The member with everything its page shows; its focal points only for users who may see them.

    `code` is matched exactly as stored ("ID", "IOM"): the register's filters use the same codes.
    """
    queryset = (
        Member.objects.select_related("sovereign")
        .annotate(meetings_attended_count=Count("participations__meeting", distinct=True))
        .prefetch_related(
            "territories",
            "aliases",
            Prefetch("forum_memberships", queryset=_seats_in_order()),
            Prefetch(
                "body_memberships",
                queryset=BodyMembership.objects.select_related("body").order_by(
                    _role_rank(BodyMembership.Role), "body__name"
                ),
            ),
            Prefetch("decisions", queryset=_decisions_in_record_order(related_model(Member, "decisions"))),
        )
    )
    if can_view_focal_points(user):
        queryset = queryset.prefetch_related(
            Prefetch("focal_points", queryset=FocalPoint.objects.order_by("-is_active", "name"))
        )
    return get_object_or_404(queryset, code=code)


@dataclass(frozen=True)
class Attendance:
    """A meeting a member attended, with every role it held there ("host", "co-chair")."""

    meeting: Any
    roles: list[str]


def latest_meetings_attended(member: Member) -> list[Attendance]:
    """The latest MEETINGS_LISTED meetings the member attended, newest first; a meeting
    the record gives no date for comes last. Two queries, however many it attended."""
    participations = related_model(Member, "participations")
    attended = participations.objects.filter(meeting=OuterRef("pk"), member=member)
    meetings = list(
        related_model(participations, "meeting")
        .objects.filter(Exists(attended))
        .order_by(models.F("start_date").desc(nulls_last=True), "title", "pk")[:MEETINGS_LISTED]
    )
    roles: dict[int, list[str]] = defaultdict(list)
    rows = participations.objects.filter(member=member, meeting__in=meetings).order_by(_role_rank(participations.Role))
    for row in rows:
        roles[row.meeting_id].append(row.get_role_display())
    return [Attendance(meeting=meeting, roles=roles[meeting.pk]) for meeting in meetings]


def bodies_for_user(user: User | AnonymousUser) -> "models.QuerySet[Body]":
    """The groups list: every body with the members who run it."""
    return Body.objects.select_related("forum", "parent").prefetch_related(
        Prefetch(
            "memberships",
            queryset=BodyMembership.objects.filter(role__in=BodyMembership.LEADING_ROLES)
            .select_related("member")
            .order_by(_role_rank(BodyMembership.Role), "member__name"),
            to_attr="leaders",
        )
    )


def get_body_for_user(user: User | AnonymousUser, code: str) -> Body:
    """The body with everything its page shows."""
    decisions = related_model(Body, "decisions")
    queryset = Body.objects.select_related("forum", "parent").prefetch_related(
        "children",
        Prefetch(
            "memberships",
            queryset=BodyMembership.objects.select_related("member").order_by(
                _role_rank(BodyMembership.Role), "member__name"
            ),
        ),
        Prefetch("establishing_decisions", queryset=_decisions_in_record_order(decisions)),
        Prefetch("decisions", queryset=_decisions_in_record_order(decisions)),
        Prefetch(
            "meetings",
            queryset=related_model(Body, "meetings").objects.order_by(
                models.F("start_date").asc(nulls_last=True), "title"
            ),
        ),
    )
    return get_object_or_404(queryset, code=code)


def related_model(model: type[models.Model], accessor: str) -> Any:
    """The model behind a relation, found by its accessor name.

    Dependencies point members <- meetings <- actions, so members never imports the apps
    that point at it: it reaches their rows (a member's meetings, decisions and actions)
    through the reverse accessors those apps add to its models.
    """
    return model._meta.get_field(accessor).related_model


def _role_rank(roles: type[models.TextChoices]) -> Case:
    # Roles in the order their model lists them: a body's co-chairs and co-managers first,
    # a forum's plain members before its co-chairs, observers and participants.
    return Case(*(When(role=role, then=rank) for rank, role in enumerate(roles)), output_field=IntegerField())


def _seats_in_order() -> "models.QuerySet[ForumMembership]":
    return ForumMembership.objects.select_related("forum").order_by("forum__order", _role_rank(ForumMembership.Role))


def _decisions_in_record_order(decision_model: Any) -> Any:
    # Oldest meeting first, then the paragraphs in the order of their document.
    return (
        decision_model.objects.select_related("document__meeting")
        .order_by(
            models.F("document__meeting__start_date").asc(nulls_last=True),
            "document__date",
            "document__title",
            "position",
        )
        .prefetch_related(decision_model.ending_links())
    )

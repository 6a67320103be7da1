"""Who may read meetings, and what their pages need fetched.

Views ask here; they never check permissions inline. Every signed-in user may read every
meeting and every decision: the record is shared across the Bali Process.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Prefetch, When
from django.shortcuts import get_object_or_404

from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation
from members.access import related_model


def meetings_for_user(user: User | AnonymousUser) -> "models.QuerySet[Meeting]":
    """The meetings list: every meeting, held or planned, with how many decisions it recorded."""
    return (
        Meeting.objects.select_related("forum", "body", "country")
        # One multi-valued join (documents to decisions), so the count is not inflated.
        .annotate(decision_count=Count("documents__decisions"))
        # Oldest first; a meeting the record gives no date for goes last.
        .order_by(F("start_date").asc(nulls_last=True), "title", "pk")
    )


def get_meeting_for_user(user: User | AnonymousUser, slug: str) -> Meeting:
    """The meeting with everything its page shows: who attended, its documents with their
    paragraphs, what these name and the actions they mandate, and the decisions of other
    meetings naming it.

    The mentions are in `meeting.mentions_elsewhere`: a meeting's own statement often names
    the meeting itself ("hosted an Ad Hoc Group Senior Officials Meeting in Canberra"), which
    is not news on its own page.
    """
    # Decision.actions is added by the actions app, which meetings never imports.
    actions = related_model(Decision, "actions").objects.select_related("initiative")
    paragraphs = (
        Decision.objects.select_related("pillar")
        .order_by("position")
        .prefetch_related(
            "members",
            "forums",
            "bodies",
            Prefetch("meetings", queryset=Meeting.objects.order_by(F("start_date").asc(nulls_last=True), "title")),
            Prefetch("actions", queryset=actions),
            # Both ends of lineage: what this part says of earlier texts, and what later ones say of it.
            Prefetch(
                "lineage",
                queryset=Lineage.objects.select_related(
                    "earlier_decision__document__meeting", "earlier_document__meeting"
                ),
            ),
            Prefetch("later_lineage", queryset=Lineage.objects.select_related("decision__document__meeting")),
        )
    )
    documents = Document.objects.select_related("attached_to").order_by(
        F("date").asc(nulls_last=True), _kind_rank(), "title"
    )
    mentions = (
        Decision.objects.exclude(document__meeting__slug=slug)
        .select_related("document__meeting")
        .order_by(F("document__meeting__start_date").asc(nulls_last=True), "document__title", "position")
    )
    queryset = Meeting.objects.select_related("forum", "body", "country").prefetch_related(
        Prefetch(
            "participations",
            queryset=MeetingParticipation.objects.select_related("member", "body").order_by(
                _role_rank(), "member__name", "body__name"
            ),
        ),
        Prefetch("documents", queryset=documents),
        Prefetch("documents__decisions", queryset=paragraphs),
        Prefetch("documents__attachments", queryset=Document.objects.select_related("meeting").order_by("title")),
        Prefetch("documents__later_lineage", queryset=Lineage.objects.select_related("decision__document__meeting")),
        # A text that records this meeting with others held together (its page is the first meeting's).
        Prefetch("joint_documents", queryset=documents.select_related("meeting")),
        Prefetch("mentioned_in", queryset=mentions, to_attr="mentions_elsewhere"),
    )
    return get_object_or_404(queryset, slug=slug)


def _role_rank() -> Case:
    # Hosts, then co-chairs, participants and observers: the order the model lists the roles.
    return Case(
        *(When(role=role, then=rank) for rank, role in enumerate(MeetingParticipation.Role)),
        output_field=IntegerField(),
    )


def _kind_rank() -> Case:
    # A meeting's statement or declaration first: its paragraphs are what the page is read for;
    # the strategy and the membership list adopted with it follow.
    return Case(
        *(When(kind=kind, then=rank) for rank, kind in enumerate(Document.Kind)),
        output_field=IntegerField(),
    )

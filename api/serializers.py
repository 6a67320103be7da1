"""How each record reads in the API: its stable id, its fields, and its page in BaliTrack.

Every object carries `id` (its database key, which never changes or is reused) and `page`,
the address of the same record in the app, so a program can send a person to it.
"""

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.forms import NOTE_MAX_LENGTH
from actions.models import Action, ActionOwner, ActionUpdate, Initiative, Review, Strategy, Theme
from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation
from members.access import can_view_focal_points
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member
from members.roles import display_name
from proposals.models import Proposal


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):  # type: ignore[type-arg]
    """The record's page in BaliTrack, as an absolute address."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "The record's page in BaliTrack.")
        super().__init__(**kwargs)

    def to_representation(self, value: models.Model) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())  # type: ignore[attr-defined]


class ForumSeatSerializer(serializers.ModelSerializer[ForumMembership]):
    class Meta:
        model = ForumMembership
        fields = ["forum", "role", "since", "basis"]


class FocalPointSerializer(serializers.ModelSerializer[FocalPoint]):
    class Meta:
        model = FocalPoint
        fields = ["id", "name", "title", "email", "is_active"]


class MemberSerializer(serializers.ModelSerializer[Member]):
    page = PageField()
    forum_seats = ForumSeatSerializer(source="forum_memberships", many=True, read_only=True)
    focal_points = serializers.SerializerMethodField(
        help_text="The member's focal points; null for a role that may not see them (the Members group)."
    )

    class Meta:
        model = Member
        fields = ["id", "code", "name", "kind", "sovereign", "notes", "forum_seats", "focal_points", "page"]

    @extend_schema_field(FocalPointSerializer(many=True, allow_null=True))
    def get_focal_points(self, member: Member) -> list[dict[str, Any]] | None:
        if not can_view_focal_points(self.context["request"].user):
            return None
        return FocalPointSerializer(member.focal_points.all(), many=True).data  # type: ignore[return-value]


class ForumSerializer(serializers.ModelSerializer[Forum]):
    page = PageField()

    class Meta:
        model = Forum
        fields = ["id", "code", "name", "description", "order", "page"]


class BodyMembershipSerializer(serializers.ModelSerializer[BodyMembership]):
    class Meta:
        model = BodyMembership
        fields = ["member", "role", "since"]


class BodySerializer(serializers.ModelSerializer[Body]):
    page = PageField()
    memberships = BodyMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = ["id", "code", "name", "kind", "status", "forum", "parent", "description", "memberships", "page"]


class AttendanceSerializer(serializers.ModelSerializer[MeetingParticipation]):
    class Meta:
        model = MeetingParticipation
        fields = ["member", "body", "role", "notes"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    page = PageField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "ordinal",
            "forum",
            "body",
            "status",
            "start_date",
            "end_date",
            "date_precision",
            "date_text",
            "city",
            "country",
            "delegates",
            "page",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    attendance = AttendanceSerializer(source="participations", many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendance_notes", "notes", "attendance"]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    page = PageField()

    class Meta:
        model = Document
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "meeting",
            "other_meetings",
            "attached_to",
            "attachment_label",
            "date",
            "page",
        ]


class LineageSerializer(serializers.ModelSerializer[Lineage]):
    class Meta:
        model = Lineage
        fields = ["kind", "earlier_decision", "earlier_document", "notes"]


class ParagraphSerializer(serializers.ModelSerializer[Decision]):
    page = PageField()
    citation = serializers.CharField(read_only=True, help_text='As the record cites it: "¶4(b)".')
    lineage = LineageSerializer(many=True, read_only=True, help_text="What this part says of earlier texts.")

    class Meta:
        model = Decision
        fields = [
            "id",
            "document",
            "level",
            "parent",
            "position",
            "numbered",
            "number",
            "citation",
            "section",
            "text",
            "verb",
            "pillar",
            "members",
            "forums",
            "bodies",
            "meetings",
            "lineage",
            "page",
        ]


class ReviewSerializer(serializers.ModelSerializer[Review]):
    class Meta:
        model = Review
        fields = ["number", "due_on", "held_on"]


class StrategySerializer(serializers.ModelSerializer[Strategy]):
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id",
            "slug",
            "title",
            "document",
            "endorsed_by",
            "endorsed_on",
            "status",
            "ends_on",
            "superseded_by",
            "superseded_at",
            "review_interval_months",
            "reviewing_forums",
            "reviews",
        ]


class ThemeSerializer(serializers.ModelSerializer[Theme]):
    class Meta:
        model = Theme
        fields = ["id", "strategy", "slug", "title", "position"]


class InitiativeSerializer(serializers.ModelSerializer[Initiative]):
    class Meta:
        model = Initiative
        fields = ["id", "theme", "slug", "name", "description", "who", "is_new_work", "position"]


class OwnerSerializer(serializers.ModelSerializer[ActionOwner]):
    class Meta:
        model = ActionOwner
        fields = ["role", "member", "body", "forum", "notes"]


class ActionSerializer(serializers.ModelSerializer[Action]):
    page = PageField()
    theme = serializers.IntegerField(source="initiative.theme_id", read_only=True)
    owners = OwnerSerializer(many=True, read_only=True)
    pillars = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    history = serializers.HyperlinkedIdentityField(
        view_name="api:action-history", help_text="Every status update of the action, newest first."
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Send it back with a status update: a changed version means someone was first."
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "theme",
            "initiative",
            "number",
            "text",
            "status",
            "progress",
            "target_date",
            "status_note",
            "updated_at",
            "version",
            "owners",
            "mandates",
            "pillars",
            "continues",
            "history",
            "page",
        ]


class HistorySerializer(serializers.ModelSerializer[ActionUpdate]):
    author = serializers.CharField(source="author_name", read_only=True, help_text="As the action's page names them.")

    class Meta:
        model = ActionUpdate
        fields = [
            "id",
            "recorded_at",
            "author",
            "previous_status",
            "status",
            "previous_progress",
            "progress",
            "previous_target_date",
            "target_date",
            "note",
        ]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """A status update a member proposed for an action, and what the Secretariat made of it."""

    member = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The member it speaks for.")
    proposed_by = serializers.SerializerMethodField(help_text="As the action's page names them.")
    reviewed_by = serializers.SerializerMethodField(help_text="The officer who accepted or returned it.")
    page = serializers.SerializerMethodField(help_text="The action's page, where the proposal shows.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "action",
            "member",
            "proposed_by",
            "on_behalf",
            "proposed_at",
            "based_on_version",
            "status",
            "progress",
            "target_date",
            "note",
            "evidence_url",
            "state",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "accepted_update",
            "page",
        ]

    def get_proposed_by(self, proposal: Proposal) -> str:
        return display_name(proposal.proposed_by)

    def get_reviewed_by(self, proposal: Proposal) -> str | None:
        return display_name(proposal.reviewed_by) if proposal.reviewed_by else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, proposal: Proposal) -> str:
        return self.context["request"].build_absolute_uri(proposal.action.get_absolute_url())


class StatusUpdateRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """What recording a status update takes: the fields of the action page's form, checked
    by that form (actions.forms.StatusUpdateForm), so the rules cannot drift. As on the page,
    what is not sent is what the action has now."""

    # A field left out keeps the action's value: only what the caller sends changes.
    status = serializers.ChoiceField(choices=Action.Status.choices, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    target_date = serializers.DateField(
        required=False, allow_null=True, help_text="null removes the target date; left out, it stays."
    )
    note = serializers.CharField(required=False, allow_blank=True, help_text=f"Up to {NOTE_MAX_LENGTH:,} characters.")
    version = serializers.IntegerField(min_value=0, help_text="The action's `version` when it was read.")


class ConflictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    current = ActionSerializer(help_text="The action as it stands now, with its new version.")

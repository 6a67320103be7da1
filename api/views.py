"""The API's endpoints: read-only views of the record, and the Secretariat's status updates.

Each view reads through the same access rules as the app's pages (members.access,
actions.access): a token sees exactly what its user sees in the browser.
"""

import functools
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.generics import get_object_or_404  # an id that is not a number is a 404 too
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actions.access import can_record_update
from actions.filters import ActionFilter
from actions.forms import StatusUpdateForm
from actions.models import Action, ActionUpdate, Initiative, Strategy, Theme
from actions.services import ActionChangedMeanwhile, action_record_update
from api import serializers as s
from api.pagination import CursorPage
from meetings.models import Decision, Document, Meeting, MeetingParticipation
from members.access import can_view_focal_points
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member
from members.roles import member_of
from proposals.access import can_read_queue
from proposals.models import Proposal


class ReadOnly(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """A list (paged by cursor) and one record by id."""


class MemberViewSet(ReadOnly):
    serializer_class = s.MemberSerializer

    def get_queryset(self) -> QuerySet[Member]:
        # .all() first: django-stubs types the generated manager's own prefetch_related too narrowly.
        queryset = Member.objects.all().prefetch_related(
            Prefetch("forum_memberships", queryset=ForumMembership.objects.order_by("forum__order"))
        )
        if can_view_focal_points(self.request.user):
            queryset = queryset.prefetch_related(
                Prefetch("focal_points", queryset=FocalPoint.objects.order_by("-is_active", "name"))
            )
        return queryset


class ForumViewSet(ReadOnly):
    serializer_class = s.ForumSerializer
    queryset = Forum.objects.all()


class BodyViewSet(ReadOnly):
    serializer_class = s.BodySerializer
    queryset = Body.objects.prefetch_related(
        Prefetch("memberships", queryset=BodyMembership.objects.order_by("role", "member_id"))
    )


class MeetingViewSet(ReadOnly):
    queryset = Meeting.objects.all()

    def get_serializer_class(self) -> Any:
        return s.MeetingDetailSerializer if self.action == "retrieve" else s.MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if self.action != "retrieve":
            return Meeting.objects.all()
        return Meeting.objects.prefetch_related(
            Prefetch("participations", queryset=MeetingParticipation.objects.order_by("role", "member_id", "body_id"))
        )


class DocumentViewSet(ReadOnly):
    serializer_class = s.DocumentSerializer
    queryset = Document.objects.select_related("meeting").prefetch_related("other_meetings")


@extend_schema_view(list=extend_schema(description="Paragraphs, headings and sub-items; `?document=ID` for one text."))
class ParagraphViewSet(ReadOnly):
    serializer_class = s.ParagraphSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["document"]
    queryset = Decision.objects.select_related("document__meeting").prefetch_related(
        "members", "forums", "bodies", "meetings", "lineage"
    )


class StrategyViewSet(ReadOnly):
    serializer_class = s.StrategySerializer
    queryset = Strategy.objects.prefetch_related("reviews", "reviewing_forums")


class ThemeViewSet(ReadOnly):
    serializer_class = s.ThemeSerializer
    queryset = Theme.objects.all()


class InitiativeViewSet(ReadOnly):
    serializer_class = s.InitiativeSerializer
    queryset = Initiative.objects.all()


class ApiActionFilter(ActionFilter):
    """The register's own filters (actions.filters.ActionFilter), read from the query string
    as the register reads them. Only the register's `sort` is left out: API pages follow ids."""


ApiActionFilter.base_filters.pop("sort")


def _takes_a_code(method: Any) -> Any:
    # The register's member, body and meeting filters read a code or slug ("ID", "WGTIP"):
    # a string in the OpenAPI document, which cannot guess it from the filter's method.
    return extend_schema_field(OpenApiTypes.STR)(functools.wraps(method)(lambda *args: method(*args)))


for _name in ("filter_lead", "filter_owner", "filter_group", "filter_meeting"):
    setattr(ApiActionFilter, _name, _takes_a_code(getattr(ActionFilter, _name)))


class HistoryPage(CursorPage):
    ordering = "-recorded_at"

    def is_position(self, position: str) -> bool:
        try:
            return parse_datetime(position) is not None
        except ValueError:  # shaped like a date and time, but no real one ("2026-13-01T00:00")
            return False


@extend_schema_view(
    list=extend_schema(description="The register's actions, with the register's filters (`lead`, `status`, `q`…)."),
)
class ActionViewSet(ReadOnly):
    serializer_class = s.ActionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiActionFilter

    def get_queryset(self) -> QuerySet[Action]:
        return Action.objects.for_register().prefetch_related("pillars", "mandates")

    @extend_schema(responses=s.HistorySerializer(many=True))
    @route(detail=True, methods=["get"], filter_backends=[], pagination_class=HistoryPage)
    def history(self, request: Request, pk: str) -> Response:
        """The action's status updates, newest first."""
        action = get_object_or_404(Action, pk=pk)
        updates = ActionUpdate.objects.filter(action=action).select_related("author")
        page = self.paginate_queryset(updates)
        return self.get_paginated_response(s.HistorySerializer(page, many=True).data)

    @extend_schema(
        request=s.StatusUpdateRequestSerializer,
        responses={
            201: s.ActionSerializer,
            400: OpenApiResponse(description="The update was refused; each field says why. Nothing was recorded."),
            403: OpenApiResponse(description="Only the Secretariat records status updates."),
            409: OpenApiResponse(s.ConflictSerializer, description="The action changed since `version`."),
        },
    )
    @route(detail=True, methods=["post"])
    def updates(self, request: Request, pk: str) -> Response:
        """Record a status update, as the action's page does: the same checks, the same history
        row, the same version check. A stale `version` answers 409 and records nothing."""
        if not can_record_update(request.user):
            raise exceptions.PermissionDenied("Only the Secretariat records status updates.")
        action = get_object_or_404(Action, pk=pk)
        given = s.StatusUpdateRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        sent = {"status": action.status, "progress": action.progress, "target_date": action.target_date}
        sent.update(given.validated_data)
        form = StatusUpdateForm({key: "" if value is None else value for key, value in sent.items()})
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form.errors))
        try:
            action_record_update(
                action=action,
                author=request.user,  # type: ignore[arg-type]
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                target_date=form.cleaned_data["target_date"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ActionChangedMeanwhile as changed:
            current = self.get_queryset().get(pk=changed.action.pk)
            detail = "The action was updated since that version; nothing was recorded. Read it again and resend."
            body = {"detail": detail, "current": self.get_serializer(current).data}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(_form_errors(error.message_dict)) from error
        updated = self.get_queryset().get(pk=action.pk)
        return Response(self.get_serializer(updated).data, status=status.HTTP_201_CREATED)


class NewestFirst(CursorPage):
    ordering = "-pk"


@extend_schema_view(
    list=extend_schema(
        description="Proposed status updates, newest first: every one for the Secretariat and the co-chairs, "
        "the user's own member's for a Members user. `?action=ID`, `?state=pending`."
    )
)
class ProposalViewSet(ReadOnly):
    serializer_class = s.ProposalSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["action", "state"]
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Proposal]:
        # As the action pages show them (proposals.access.visible_proposals).
        proposals = Proposal.objects.select_related("action", "member", "proposed_by", "reviewed_by")
        if can_read_queue(self.request.user):
            return proposals
        member = member_of(self.request.user)
        return proposals.filter(member=member) if member is not None else proposals.none()


def _form_errors(errors: Any) -> dict[str, list[str]]:
    # The form's "__all__" reads as DRF's own name for errors about no one field.
    return {("non_field_errors" if field == "__all__" else field): list(messages) for field, messages in errors.items()}


class UnknownAddress(APIView):
    """Any other address under /api/v1/ ("/actions/0.5/"): a 404 in JSON, as a program
    reading the API expects, rather than the app's page for people. Signed-in first, as
    every endpoint is."""

    schema = None  # not an endpoint of the document

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("The API has no such address: its documentation is at /api/v1/docs/.")

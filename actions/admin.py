from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from actions.models import Action, ActionOwner, ActionUpdate, Initiative, Review, Strategy, Theme
from actions.services import strategy_make_current
from balitrack.lib.admin import RecordAdmin, RecordTabularInline
from meetings.admin import DecisionAdmin
from meetings.models import Decision
from members.models import Member


@admin.register(Strategy)
class StrategyAdmin(RecordAdmin):
    """Strategies. A new one is added as endorsed, not yet current, its themes loaded, and
    then made current with the list's action, which marks the one before it superseded."""

    list_display = ["title", "status", "endorsed_on", "ends_on", "endorsed_by", "review_interval_months"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    autocomplete_fields = ["document", "endorsed_by", "superseded_by", "superseded_at"]
    filter_horizontal = ["reviewing_forums"]
    actions = ["make_current"]

    @admin.action(description="Make the selected strategy current (the current one becomes superseded by it)")
    def make_current(self, request: HttpRequest, queryset: QuerySet[Strategy]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one strategy to make current.", messages.ERROR)
            return
        strategy = queryset.get()
        try:
            previous = strategy_make_current(strategy=strategy)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        superseded = f"; “{previous}” is superseded by it" if previous else ""
        self.message_user(request, f"“{strategy}” is the current strategy{superseded}.", messages.SUCCESS)


@admin.register(Review)
class ReviewAdmin(RecordAdmin):
    """The strategy's reviews. The reminder scan adds each one as it comes in sight; the
    secretariat records when it was held, on its page or in the list, and adds a review
    held before the scan reached it (one held early)."""

    list_display = ["__str__", "due_on", "held_on"]
    list_filter = ["strategy"]
    list_editable = ["held_on"]
    # Each row's name prints its strategy.
    list_select_related = ["strategy"]

    def get_fields(self, request: HttpRequest, obj: Review | None = None) -> tuple[str, ...]:
        # Added by hand, a review falls due where the strategy's cycle puts it (Review.clean).
        return ("strategy", "number", "due_on", "held_on") if obj else ("strategy", "number", "held_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Review | None = None) -> tuple[str, ...]:
        # Which review it is and when it fell due come from the strategy; only the day it
        # was held is entered.
        return ("strategy", "number", "due_on") if obj else ()

    def get_form(self, request: HttpRequest, obj: Review | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            # Adding is for a review that has taken place; the scan adds those only due.
            form.base_fields["held_on"].required = True
        return form


class InitiativeInline(RecordTabularInline):
    model = Initiative
    extra = 0
    fields = ["position", "name", "is_new_work"]
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(RecordAdmin):
    list_display = ["title", "position", "strategy"]
    search_fields = ["title"]
    inlines = [InitiativeInline]


class ActionInline(RecordTabularInline):
    model = Action
    extra = 0
    fields = ["number", "text", "status", "progress", "target_date"]
    readonly_fields = ["status", "progress", "target_date"]
    show_change_link = True


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ["name", "theme", "is_new_work", "position"]
    list_filter = ["theme", "is_new_work"]
    search_fields = ["name", "description", "who"]
    list_select_related = ["theme"]
    autocomplete_fields = ["theme"]
    inlines = [ActionInline]


class ActionOwnerInline(RecordTabularInline):
    model = ActionOwner
    extra = 0
    fields = ["role", "member", "body", "forum", "notes"]
    autocomplete_fields = ["member", "body", "forum"]


class ActionUpdateInline(RecordTabularInline):
    """The history, newest first. Read-only: history is appended, never edited."""

    model = ActionUpdate
    extra = 0
    readonly_fields = fields = (
        "recorded_at",
        "author",
        "previous_status",
        "status",
        "progress",
        "previous_target_date",
        "target_date",
        "note",
    )
    ordering = ["-recorded_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LeadMemberFilter(admin.SimpleListFilter):
    title = "lead or co-lead member"
    parameter_name = "lead"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        leads = Member.objects.filter(
            action_roles__role__in=[ActionOwner.Role.LEAD, ActionOwner.Role.CO_LEAD]
        ).distinct()
        return [(member.code, member.name) for member in leads]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Action]) -> QuerySet[Action]:
        if not self.value():
            return queryset
        return queryset.filter(
            owners__member__code=self.value(),
            owners__role__in=[ActionOwner.Role.LEAD, ActionOwner.Role.CO_LEAD],
        ).distinct()


@admin.register(Action)
class ActionAdmin(RecordAdmin):
    list_display = ["__str__", "bullet", "status", "progress", "target_date", "updated_at"]
    list_filter = ["status", "initiative__theme", "initiative__is_new_work", "pillars", LeadMemberFilter]
    search_fields = ["text", "initiative__name", "initiative__who"]
    list_select_related = ["initiative__theme"]
    autocomplete_fields = ["initiative", "mandates", "continues"]
    filter_horizontal = ["pillars"]
    # Status moves only through recorded updates, so the history stays whole.
    readonly_fields = ["theme", "status", "progress", "target_date", "status_note", "updated_at"]
    fields = [
        "initiative",
        "theme",
        "number",
        "text",
        "pillars",
        "mandates",
        "continues",
        "status",
        "progress",
        "target_date",
        "status_note",
        "updated_at",
    ]
    inlines = [ActionOwnerInline, ActionUpdateInline]

    @admin.display(description="Action")
    def bullet(self, action: Action) -> str:
        return action.text

    @admin.display(description="Theme", ordering="initiative__theme__position")
    def theme(self, action: Action) -> Theme:
        return action.initiative.theme


@admin.register(ActionUpdate)
class ActionUpdateAdmin(RecordAdmin):
    """The history, to search and read. Updates are recorded on the action's own page,
    whose form opens at the action's current status and target date and refuses a save
    over a change made meanwhile; an add form here would start blank, so saving it could
    clear a target date nobody meant to touch."""

    list_display = ["action", "recorded_at", "author", "previous_status", "status", "progress", "target_date"]
    list_filter = ["status", "recorded_at"]
    search_fields = ["note", "action__text", "action__initiative__name"]
    list_select_related = ["action__initiative", "author"]
    autocomplete_fields = ["action"]
    date_hierarchy = "recorded_at"
    readonly_fields = fields = (
        "action",
        "recorded_at",
        "author",
        "previous_status",
        "status",
        "previous_progress",
        "progress",
        "previous_target_date",
        "target_date",
        "note",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MandatedActionInline(RecordTabularInline):
    """On a decision's page, the actions it mandates."""

    model = Action.mandates.through
    extra = 0
    autocomplete_fields = ["action"]
    verbose_name = "mandated action"
    verbose_name_plural = "actions this decision mandates"


# The meetings app knows nothing of actions; the actions app adds its inline to the
# decision's admin page instead.
admin.site.unregister(Decision)


@admin.register(Decision)
class DecisionWithActionsAdmin(DecisionAdmin):
    inlines = [*DecisionAdmin.inlines, MandatedActionInline]

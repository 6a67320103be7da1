from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from proposals.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Proposed updates, read only: they are made on the action's page and reviewed in the queue
    (/proposals/), where the service keeps the action's history and the proposal together."""

    list_display = ["action", "member", "proposed_by", "proposed_at", "status", "progress", "state", "reviewed_by"]
    list_filter = ["state", "status"]
    list_select_related = ["action__initiative", "member", "proposed_by", "reviewed_by"]
    search_fields = ["note", "return_reason", "member__name"]
    date_hierarchy = "proposed_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Proposal._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail, read-only: filter by user, kind of event, type of record and date; search
    a record by name or id (e.g. all changes to one action)."""

    list_display = ["at", "kind", "username", "content_type", "object_repr", "change_summary", "ip_address"]
    list_filter = [
        "kind",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "at",
    ]
    search_fields = ["username", "object_repr", "=object_id", "source"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "user"]
    fields = (
        "at",
        "kind",
        "user",
        "username",
        "ip_address",
        "source",
        "content_type",
        "object_id",
        "object_repr",
        "change_table",
    )
    readonly_fields = fields

    @admin.display(description="changes")
    def change_summary(self, event: AuditEvent) -> str:
        return ", ".join(event.changes)[:120]

    @admin.display(description="old → new")
    def change_table(self, event: AuditEvent) -> str:
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((name, _shown(old), _shown(new)) for name, (old, new) in event.changes.items()),
        )
        return format_html("<table><tr><th>field</th><th>old</th><th>new</th></tr>{}</table>", rows)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _shown(value: Any) -> str:
    return "—" if value is None else value if isinstance(value, str) else json.dumps(value)

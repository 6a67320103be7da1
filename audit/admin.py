import json
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from audit.models import AuditEvent

# Events about these records, and the permission needed to read them: the one the user
# admin asks. The secretariat reads the trail but not the users: a user's event holds their
# e-mail address, names, staff and superuser flags, groups and, for a profile, the member
# they speak for. These events are left out of the trail for whoever lacks the permission,
# rather than shown with their values blanked: which fields changed, and when, would still
# tell (a changed "is_superuser" is the new flag), and a search by record name would still
# find them. Sign-ins, sign-outs and refusals stay: they name only the actor, as every
# event of the trail does.
PRIVATE_RECORDS = {
    "auth.user": "auth.view_user",
    "auth.group": "auth.view_group",
    "members.profile": "auth.view_user",
}


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        # The change page, the list, its filters, search and counts all start from here.
        events = super().get_queryset(request)
        hidden = [label for label, permission in PRIVATE_RECORDS.items() if not request.user.has_perm(permission)]
        if hidden:
            # get_by_natural_key is served from ContentType's cache after the first request.
            kinds = [ContentType.objects.get_by_natural_key(*label.split(".")) for label in hidden]
            events = events.exclude(content_type__in=kinds)
        return events

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

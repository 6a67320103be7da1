from django.conf import settings
from django.contrib import admin, messages

from members.models import Member
from reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminder log: when, to whom, for which review, delivered or failed with the error."""

    list_display = ["recipient", "kind", "review", "offset_label", "member", "month", "state", "sent_at", "attempts"]
    list_filter = ["state", "kind", "review"]
    search_fields = ["recipient", "focal_point__name", "member__name"]
    list_select_related = ["review__strategy", "member"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        missing = Member.objects.to_remind(settings.REMINDER_FORUMS).without_focal_point().order_by("name")
        if missing:
            names = ", ".join(member.name for member in missing)
            messages.warning(request, f"No review reminder can reach {names}: no active focal point.")
        return super().changelist_view(request, extra_context)

    # Written by the scan and the sends, read by the secretariat: an edited or deleted row
    # would let the scan record, and send, a reminder a second time.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

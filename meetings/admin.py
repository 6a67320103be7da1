from django.contrib import admin

from balitrack.lib.admin import RecordAdmin, RecordTabularInline
from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation, Pillar


@admin.register(Pillar)
class PillarAdmin(RecordAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name"]


class MeetingParticipationInline(RecordTabularInline):
    model = MeetingParticipation
    extra = 0
    autocomplete_fields = ["member", "body"]
    fields = ["member", "body", "role", "notes"]


class DocumentInline(RecordTabularInline):
    model = Document
    extra = 0
    fields = ["title", "kind", "date", "slug"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ["title", "kind", "status", "start_date", "date_text", "city", "country"]
    list_filter = ["status", "kind", "forum", "body"]
    search_fields = ["title", "city", "date_text", "slug"]
    list_select_related = ["country"]
    autocomplete_fields = ["forum", "body", "country"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MeetingParticipationInline, DocumentInline]


class DecisionInline(RecordTabularInline):
    model = Decision
    extra = 0
    fields = ["number", "level", "position", "section", "verb", "pillar"]
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(RecordAdmin):
    list_display = ["title", "kind", "meeting", "date"]
    list_filter = ["kind"]
    search_fields = ["title", "slug"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting", "other_meetings", "attached_to"]
    inlines = [DecisionInline]


class LineageInline(RecordTabularInline):
    model = Lineage
    fk_name = "decision"
    extra = 0
    autocomplete_fields = ["earlier_decision", "earlier_document"]
    fields = ["kind", "earlier_decision", "earlier_document", "notes"]
    verbose_name = "link to an earlier text"
    verbose_name_plural = "links to earlier texts (lineage)"


@admin.register(Decision)
class DecisionAdmin(RecordAdmin):
    list_display = ["number", "level", "document", "meeting", "verb", "pillar", "excerpt"]
    list_display_links = ["number"]
    list_filter = ["document", "level", "verb", "pillar"]
    search_fields = ["text", "number", "document__title"]
    list_select_related = ["document__meeting", "pillar"]
    autocomplete_fields = ["document", "parent", "members", "forums", "bodies", "meetings", "bodies_established"]
    inlines = [LineageInline]
    filter_horizontal = ["forum_memberships"]
    readonly_fields = ["meeting"]
    fields = [
        "document",
        "meeting",
        "number",
        "numbered",
        "level",
        "parent",
        "position",
        "section",
        "verb",
        "pillar",
        "text",
        "members",
        "forums",
        "bodies",
        "meetings",
        "bodies_established",
        "forum_memberships",
        "notes",
    ]

    @admin.display(description="Meeting")
    def meeting(self, decision: Decision) -> Meeting:
        return decision.document.meeting

    @admin.display(description="Text")
    def excerpt(self, decision: Decision) -> str:
        return decision.text if len(decision.text) <= 120 else decision.text[:117] + "..."

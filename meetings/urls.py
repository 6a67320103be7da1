from django.urls import path

import balitrack.lib.converters  # noqa: F401  (registers <code:...>)
from meetings import record_views, views

app_name = "meetings"

# A meeting's slug is in the same alphabet as members' codes (balitrack.lib.codes).
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    # Record a statement, for the Secretariat (before <slug>/: no meeting may be called
    # "record", meetings_meeting_slug_not_reserved).
    path("record/", record_views.record_meeting, name="record-meeting"),
    path("record/document/", record_views.record_document, name="record-document"),
    path("record/text/", record_views.record_text, name="record-text"),
    path("record/<code:slug>/attendance/", record_views.record_attendance, name="record-attendance"),
    path("record/<code:slug>/done/", record_views.record_done, name="record-done"),
    path("<code:slug>/", views.meeting_detail, name="detail"),
]

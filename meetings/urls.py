from django.urls import path

import balitrack.lib.converters  # noqa: F401  (registers <code:...>)
from meetings import views

app_name = "meetings"

# A meeting's slug is in the same alphabet as members' codes (balitrack.lib.codes).
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("<code:slug>/", views.meeting_detail, name="detail"),
]

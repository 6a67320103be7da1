from django.contrib import admin
from django.urls import include, path

from actions.report_views import home

admin.site.site_header = "BaliTrack — the Bali Process record"
admin.site.site_title = "BaliTrack"
admin.site.index_title = "Members, meetings, decisions and the strategy's actions"

urlpatterns = [
    path("", home, name="home"),
    path("", include("actions.report_urls")),
    path("accounts/", include("accounts.urls")),
    path("actions/", include("actions.urls")),
    path("meetings/", include("meetings.urls")),
    path("proposals/", include("proposals.urls")),
    path("", include("members.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "balitrack.views.server_error"

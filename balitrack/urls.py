from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "BaliTrack — the Bali Process record"
admin.site.site_title = "BaliTrack"
admin.site.index_title = "Members, meetings, decisions and the strategy's actions"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="actions:register", permanent=False), name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("actions/", include("actions.urls")),
    path("meetings/", include("meetings.urls")),
    path("", include("members.urls")),
    path("admin/", admin.site.urls),
]

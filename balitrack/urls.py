from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "BaliTrack — the Bali Process record"
admin.site.site_title = "BaliTrack"
admin.site.index_title = "Members, meetings, decisions and the strategy's actions"

urlpatterns = [
    # Until the browser pages exist, the admin is where the record is read and kept.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]

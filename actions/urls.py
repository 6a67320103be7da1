from django.urls import path

import balitrack.lib.converters  # noqa: F401  (registers <code:...>)
from actions import bulk_views, mandate_views, views

app_name = "actions"

urlpatterns = [
    path("", views.ActionRegisterView.as_view(), name="register"),
    path("export.csv", views.action_export, name="export"),
    path("export.xlsx", views.action_export_xlsx, name="export-xlsx"),
    path("bulk/", bulk_views.action_bulk_edit, name="bulk-edit"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/update-status/", views.action_update_status, name="update-status"),
    # Record a statement, step 5: a document's paragraphs linked to actions (meetings has steps 1-4).
    path("record/<code:slug>/links/", mandate_views.record_links, name="record-links"),
]

from django.urls import path

from proposals import sheet_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("actions/<int:pk>/", views.propose, name="propose"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_proposal, name="return"),
    # A filled-in sheet of the register: the Secretariat's rows are status updates, a member's proposals.
    path("sheet/", sheet_views.sheet_upload, name="sheet"),
    path("sheet/apply/", sheet_views.sheet_apply_view, name="sheet-apply"),
]

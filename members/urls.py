from django.urls import path

import balitrack.lib.converters  # noqa: F401  (registers <code:...>)
from members import views

app_name = "members"

# Codes in addresses are in the alphabet the models' constraints allow (balitrack.lib.codes).
urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="list"),
    path("members/<code:code>/", views.member_detail, name="detail"),
    path("groups/", views.BodyListView.as_view(), name="group-list"),
    path("groups/<code:code>/", views.body_detail, name="group-detail"),
]

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="list"),
    path("members/<str:code>/", views.member_detail, name="detail"),
    path("groups/", views.BodyListView.as_view(), name="group-list"),
    path("groups/<str:code>/", views.body_detail, name="group-detail"),
]

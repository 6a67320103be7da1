from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.ActionRegisterView.as_view(), name="register"),
    path("export.csv", views.action_export, name="export"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/update-status/", views.action_update_status, name="update-status"),
]

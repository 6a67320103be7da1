from django.urls import path

from actions import report_views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", report_views.dashboard, name="index"),
    path("dashboard/changes/", report_views.dashboard_changes, name="changes"),
    path("reports/review/<int:year>/", report_views.review_report, name="review"),
    path("reports/review/<int:year>/review.csv", report_views.review_report_csv, name="review-csv"),
    path(
        "reports/review/<int:year>/initiatives/<slug:slug>/",
        report_views.review_report_initiative,
        name="review-initiative",
    ),
    path("reports/review/<int:year>/print/", report_views.review_report_print, name="review-print"),
]

"""/api/v1/: the API, its OpenAPI document and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import pages, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", views.MemberViewSet, basename="member")
router.register("forums", views.ForumViewSet, basename="forum")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("paragraphs", views.ParagraphViewSet, basename="paragraph")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("actions", views.ActionViewSet, basename="action")
router.register("proposals", views.ProposalViewSet, basename="proposal")

urlpatterns = [
    path("keys/", pages.keys, name="keys"),
    path("calendar/<str:secret>.ics", pages.calendar, name="calendar"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", views.UnknownAddress.as_view(), name="unknown"),
]

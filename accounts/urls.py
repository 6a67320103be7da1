"""Django's sign-in, sign-out and password URLs, with BaliTrack's own reset request.

No app_name: Django's auth views and templates reverse these names unnamespaced
("password_reset_done", "login").
"""

from django.contrib.auth import urls as auth_urls
from django.urls import path

from accounts.views import ThrottledPasswordResetView

urlpatterns = [
    path("password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    *(pattern for pattern in auth_urls.urlpatterns if getattr(pattern, "name", None) != "password_reset"),
]

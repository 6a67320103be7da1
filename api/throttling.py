"""Requests per token per period: one busy script cannot take the API from everyone else."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings.
    from rest_framework.views import APIView

from api.authentication import token_of


class PerTokenThrottle(SimpleRateThrottle):
    """settings.API_RATE_LIMIT ("300/minute") for each token; a browser session signed in to
    the docs counts per user. Counted in the shared cache, so every worker sees every request
    (in each process's memory on the embedded default, which runs one)."""

    scope = "token"

    def __init__(self) -> None:
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        token = token_of(request)
        if token is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"key-{token.pk}"}
        if request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}
        return None  # refused anyway: nobody to count

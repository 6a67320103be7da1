"""How a program signs in to the API: `Authorization: Bearer <token>`."""

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.keys import key_for_secret
from api.models import AccessKey
from audit.context import act_as


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal API token. The request then acts as the token's user, in the audit trail
    too; a token that opens nothing is refused (401) and the refusal is in the trail."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, AccessKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = key_for_secret(secret.strip(), AccessKey.Kind.API_TOKEN)
        if key is None:
            raise exceptions.AuthenticationFailed("This token is not valid: it is unknown, revoked or mistyped.")
        act_as(key.user)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        # Makes refusals 401 with WWW-Authenticate, as RFC 6750 asks, rather than 403.
        return f'{self.keyword} realm="BaliTrack API"'


def token_of(request: Any) -> AccessKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, AccessKey) else None


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    """How the OpenAPI document names the token: HTTP bearer, as the docs' Authorize asks."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A personal token from your API tokens page."}

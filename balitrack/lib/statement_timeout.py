"""A web request whose SQL ran past its limit (STATEMENT_TIMEOUT_SECONDS) gets a page that
says so, rather than a server error: PostgreSQL has already cancelled the statement."""

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (query_canceled).
QUERY_CANCELED = "57014"


def is_statement_timeout(error: BaseException | None) -> bool:
    cause = getattr(error, "__cause__", None)
    return isinstance(error, OperationalError) and getattr(cause, "pgcode", None) == QUERY_CANCELED


def too_long_response() -> HttpResponse:
    """Rendered without the database, as the error pages are: the request's transaction is
    already rolled back, and nothing it would have saved was saved."""
    page = render_to_string("too_long.html", {"seconds": settings.STATEMENT_TIMEOUT_SECONDS})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "60"
    return response


class StatementTimeoutMiddleware:
    """Answers the "too long" page when PostgreSQL cancelled a statement of this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return too_long_response() if is_statement_timeout(exception) else None

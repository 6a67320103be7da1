"""Error pages. They render without the database: when it is down, they are all there is."""

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from balitrack.lib.statement_timeout import is_statement_timeout, too_long_response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler. A database that cannot be reached is not our bug: say so, as a 503
    that asks the browser to retry, rather than as an error in BaliTrack."""
    error = sys.exc_info()[1]
    if is_statement_timeout(error):
        # Cancelled by its own limit (in a middleware, before any view): not an outage.
        return too_long_response()
    if isinstance(error, DatabaseError) and not _is_bad_query(error):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def _is_bad_query(error: DatabaseError) -> bool:
    # These mean the database answered and refused what BaliTrack sent (a broken query, a
    # constraint, a value too long for its column): bugs, not an outage.
    from django.db import DataError, IntegrityError, ProgrammingError

    return isinstance(error, DataError | IntegrityError | ProgrammingError)

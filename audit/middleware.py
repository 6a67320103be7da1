"""Requests seen by the audit trail: who acts, writes kept whole, and refusals recorded."""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from audit import recording
from audit.context import acting, actor_of
from audit.models import AuditEvent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AuditMiddleware:
    """Names the signed-in user for every event of the request; runs each write request in
    one transaction, so a change and its audit events are saved together or not at all;
    and records every refusal (403), CSRF failures included.

    Reads are left outside a transaction: they change nothing, and most pay nothing here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        with acting(actor):
            if request.method in SAFE_METHODS:
                return self._answer(request)
            with transaction.atomic():
                response = self._answer(request)
                if response.status_code >= 500:
                    # A view that failed half-way keeps none of its writes.
                    transaction.set_rollback(True)
                return response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            recording.record(AuditEvent.Kind.PERMISSION_DENIED)
        return response

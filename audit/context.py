"""Who is acting in the current request, task or command, for the audit trail to name.

Model signals carry no request, so the request's user and address are kept in a
context variable for the length of the request.
"""

import contextlib
import contextvars
import dataclasses
import sys
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from balitrack.lib.client_address import client_address


@dataclasses.dataclass(frozen=True)
class Actor:
    user: AbstractBaseUser | AnonymousUser | None
    ip_address: str | None
    source: str


def _process_name() -> str:
    # Outside a request, the command or worker that runs, e.g. "manage.py load_record".
    return " ".join(arg.rsplit("/", 1)[-1] for arg in sys.argv[:2])[:200]


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or Actor(user=None, ip_address=None, source=_process_name())


def actor_of(request: HttpRequest) -> Actor:
    return Actor(
        user=getattr(request, "user", None),
        # The address sign-in protection counts: behind the proxy, the client's, never one the
        # client put in a header.
        ip_address=client_address(request),
        source=f"{request.method} {request.path}"[:200],
    )


@contextlib.contextmanager
def acting(actor: Actor) -> Iterator[None]:
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def act_as(user: AbstractBaseUser) -> None:
    """From now until the request ends, events name this user: for a request signed in
    by an API token, whose user is known only once the API view has read the token. The
    middleware's `acting` puts back what was there when the request ends."""
    actor = current_actor()
    _current.set(dataclasses.replace(actor, user=user))

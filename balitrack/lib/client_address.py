"""The address a request came from: the one function that decides it.

Sign-in protection (django-axes, and BaliTrack's own per-address ceiling), the password-reset
throttle and the audit trail all name the client by this address, so the trail shows the
address a lockout counted.

Behind BaliTrack's HTTPS proxy, REMOTE_ADDR is the proxy's address for every user. Each
proxy appends the address it received the request from to X-Forwarded-For, so with
settings.TRUSTED_PROXY_COUNT proxies in front, the N-th address from the right is the one the
outermost trusted proxy saw: the client. Everything to its left was sent by the client and
proves nothing. A header that is missing, too short or not an address falls back to
REMOTE_ADDR (the proxy's), never to a value further left, which the client chose.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, as a string; None only when the server gives none at all."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    # Several X-Forwarded-For headers reach Django joined by commas, in the order sent.
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    try:
        address = ipaddress.ip_address(hops[-count])
    except ValueError:
        return remote
    # A zone ("fe80::1%eth0") names an interface of the proxy's machine, not a client, and
    # PostgreSQL's inet type refuses it.
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return remote
    return str(address)

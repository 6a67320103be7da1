"""A deployment check: behind the HTTPS proxy, sign-in protection needs to know it is there."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Info, Tags, register


@register(Tags.security, deploy=True)
def trusted_proxy_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Info, not a warning: a deployment with nothing in front of gunicorn is right to leave
    # it at 0, and `check --deploy --fail-level WARNING` must pass for it.
    if settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        Info(
            "TRUSTED_PROXY_COUNT is 0: sign-in protection and the password-reset throttle count "
            "every request by REMOTE_ADDR.",
            hint="Behind BaliTrack's HTTPS proxy, REMOTE_ADDR is the proxy's address for everybody: "
            "set TRUSTED_PROXY_COUNT=1 (one proxy appending to X-Forwarded-For), or the number of proxies.",
            id="accounts.I001",
        )
    ]

"""Making, revoking and checking API tokens and calendar feed addresses."""

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from api.models import AccessKey, digest_of
from audit import recording
from audit.models import AuditEvent

# Tokens read "bt_" then 43 URL-safe characters (32 random bytes): the prefix tells a leaked
# BaliTrack token apart in logs and secret scanners.
TOKEN_START = "bt_"
PREFIX_LENGTH = 8
# Used keys write their last use at most this often, not on every request.
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)
# Longer than any real key: what is checked (and written to the trail) stays bounded.
LONGEST_SECRET = 100


@dataclass(frozen=True)
class IssuedKey:
    """A key just made, with its secret: the only time the secret is known."""

    key: AccessKey
    secret: str


@transaction.atomic
def issue_key(*, user: User, kind: str, name: str) -> IssuedKey:
    """A new key for the user. A new calendar address replaces the one before."""
    if kind == AccessKey.Kind.CALENDAR_FEED:
        AccessKey.objects.active().filter(user=user, kind=kind).update(revoked_at=timezone.now())
    secret = TOKEN_START + secrets.token_urlsafe(32)
    key = AccessKey(user=user, kind=kind, name=name.strip(), prefix=secret[:PREFIX_LENGTH], digest=digest_of(secret))
    key.full_clean()
    key.save()
    return IssuedKey(key, secret)


def revoke_key(*, user: User, pk: int) -> AccessKey | None:
    """Revoke one of the user's own keys; None if they have no such active key."""
    key = AccessKey.objects.active().filter(user=user, pk=pk).first()
    if key is not None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def key_for_secret(secret: str, kind: str) -> AccessKey | None:
    """The active key of this kind the secret opens, with its user, or None. A refusal is
    written to the audit trail with the secret's first characters, never the secret."""
    key = None
    if secret.startswith(TOKEN_START) and len(secret) <= LONGEST_SECRET:
        key = (
            AccessKey.objects.active()
            .select_related("user")
            .filter(kind=kind, digest=digest_of(secret), user__is_active=True)
            .first()
        )
    if key is None:
        shown = secret[:PREFIX_LENGTH].encode("unicode_escape").decode() or "(empty)"
        recording.record(AuditEvent.Kind.KEY_REFUSED, object_repr=f"{AccessKey.Kind(kind).label} {shown}…")
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRANULARITY:
        # One conditional write a minute at most, whatever the number of requests.
        AccessKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key

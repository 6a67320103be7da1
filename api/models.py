"""Personal keys to BaliTrack for programs: API tokens and calendar feed addresses."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def digest_of(secret: str) -> str:
    """What is stored of a secret: its SHA-256. A secret is 32 random bytes, so a fast hash
    is enough (a password needs a slow one because people choose guessable ones)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AccessKeyQuerySet(models.QuerySet["AccessKey"]):
    def active(self) -> "AccessKeyQuerySet":
        return self.filter(revoked_at__isnull=True)


class AccessKey(models.Model):
    """A secret a user gives a program so that it acts as them, and nothing more: an API
    token, or the secret address of their calendar feed. Shown once when made, then only
    its first characters; revoked, never deleted, so the audit trail can still name it."""

    class Kind(models.TextChoices):
        API_TOKEN = "api_token", "API token"
        CALENDAR_FEED = "calendar_feed", "Calendar feed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_keys")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=100, help_text="What the user uses it for: 'Ministry dashboard'.")
    # The secret's first characters, to tell one key from another on the page and in the trail.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_accesskey_kind_valid",
                condition=Q(kind__in=["api_token", "calendar_feed"]),
                violation_error_message="A key is an API token or a calendar feed.",
            ),
            models.CheckConstraint(
                name="api_accesskey_name_not_blank",
                condition=~Q(name=""),
                violation_error_message="Give the key a name that says what it is for.",
            ),
            # One calendar address per user at a time: a new one replaces the old.
            models.UniqueConstraint(
                name="api_accesskey_one_active_feed",
                fields=["user"],
                condition=Q(kind="calendar_feed", revoked_at__isnull=True),
                violation_error_message="You already have a calendar address; revoke it to make a new one.",
            ),
        ]
        indexes = [
            # The user's own page: their keys, newest first.
            models.Index(name="api_accesskey_user_idx", fields=["user", "kind", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.name}” ({self.prefix}…) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

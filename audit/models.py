"""The audit trail: who signed in, who was refused, and every change to the record."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    IMPORTED = "imported", "Imported"
    # An API token or calendar address that is unknown, revoked or malformed (api.keys).
    KEY_REFUSED = "key_refused", "API token or feed address refused"


# Events about a record must name it.
RECORD_KINDS = [EventKind.CREATED, EventKind.CHANGED, EventKind.DELETED]


class AuditEvent(models.Model):
    """One thing that happened, written in the same transaction as the change it describes.

    Events are appended and never edited: the admin shows them read-only to the
    secretariat, and no role is given permission to change or delete them.
    """

    Kind = EventKind

    at = models.DateTimeField(default=timezone.now, help_text="When, in UTC.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The trail outlives the account: the name is kept in `username`.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The user's name then, or the name typed at a failed sign-in."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The request, command or worker.")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("record", max_length=300, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, encoder=DjangoJSONEncoder, help_text="Field name → [old value, new value]."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="audit_auditevent_kind_valid",
                condition=Q(kind__in=EventKind.values),
            ),
            models.CheckConstraint(
                name="audit_auditevent_record_change_names_record",
                condition=~Q(kind__in=RECORD_KINDS) | Q(content_type__isnull=False),
            ),
        ]
        indexes = [
            # The admin's default list, newest first, and its date drill-down.
            models.Index(name="audit_event_at_idx", fields=["-at"]),
            # "What did this user do?": the admin's user filter.
            models.Index(name="audit_event_user_idx", fields=["user", "-at"]),
            # "Who touched this record?": the admin's record filter.
            models.Index(name="audit_event_record_idx", fields=["content_type", "object_id", "-at"]),
        ]

    def __str__(self) -> str:
        subject = self.object_repr or self.source
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} — {self.username or 'system'}: {subject}"

"""The record's version: a token replaced by every change to members, meetings or actions.

Cached pages put it in their key. It is replaced inside the transaction that makes the
change, so a page never reads new data under an old token or old data under a new one,
whichever gunicorn worker (or cache server) served it. Changes that bypass model signals
(QuerySet.update, bulk_create, raw SQL) must call `record_changed()` themselves.
"""

import uuid
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from actions.models import RecordVersion

# What the dashboard and the review report are made of. Users are left out on purpose:
# every sign-in saves last_login, and an author's name may lag until the cache times out.
RECORD_APPS = ("members", "meetings", "actions")


def record_version() -> str:
    """The current token: one primary-key lookup."""
    token = RecordVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token or record_changed()


def record_changed() -> str:
    """Give the record a new token; cached pages keyed on the old one are not read again."""
    token = uuid.uuid4().hex
    if not RecordVersion.objects.filter(pk=1).update(token=token):
        RecordVersion.objects.update_or_create(pk=1, defaults={"token": token})
    return token


def _on_change(sender: Any, **kwargs: Any) -> None:
    # m2m_changed also fires before the change ("pre_add"); once, after it, is enough.
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if sender._meta.app_label in RECORD_APPS and sender is not RecordVersion:
        record_changed()


def connect() -> None:
    # No sender: one receiver sees every model, including the many-to-many through tables
    # (pillars, mandates) that have no class of their own to connect to.
    post_save.connect(_on_change, dispatch_uid="record_version_saved")
    post_delete.connect(_on_change, dispatch_uid="record_version_deleted")
    m2m_changed.connect(_on_change, dispatch_uid="record_version_m2m")

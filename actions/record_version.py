"""The record's versions: tokens replaced by changes to members, meetings or actions.

Cached pages put one in their key. A token is replaced inside the transaction that makes
the change, so a page never reads new data under an old token or old data under a new one,
whichever gunicorn worker (or cache server) served it. Changes that bypass model signals
(QuerySet.update, bulk_create, raw SQL) must call `record_changed()` themselves.

Two tokens, two rows of RecordVersion:
- the record's (row 1), replaced by every change: the dashboard and the review report;
- the choice lists' (row 2), replaced by every change but a status update's own rows (the
  action and its history), which the register's drop-downs never show: they are rebuilt
  when a member, meeting, initiative, owner or mandate changes, not several times an hour.
"""

import uuid
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from actions.models import RecordVersion

# What the dashboard and the review report are made of. Users are left out on purpose:
# every sign-in saves last_login, and an author's name may lag until the cache times out.
RECORD_APPS = ("members", "meetings", "actions")
RECORD_TOKEN, CHOICES_TOKEN = 1, 2
# The rows a status update writes (actions.services.action_record_update).
NOT_IN_CHOICES = ("actions.action", "actions.actionupdate")


def record_version() -> str:
    """The current token of the whole record: one primary-key lookup."""
    return _token(RECORD_TOKEN)


def choices_version() -> str:
    """The current token of what the register's choice lists are made of."""
    return _token(CHOICES_TOKEN)


def record_changed(*, choices: bool = True) -> str:
    """Give the record a new token (and the choice lists, unless told otherwise); cached
    pages keyed on the old ones are not read again. Returns the record's new token."""
    if choices:
        _replace(CHOICES_TOKEN)
    return _replace(RECORD_TOKEN)


def _token(row: int) -> str:
    token = RecordVersion.objects.filter(pk=row).values_list("token", flat=True).first()
    return token or _replace(row)


def _replace(row: int) -> str:
    token = uuid.uuid4().hex
    if not RecordVersion.objects.filter(pk=row).update(token=token):
        RecordVersion.objects.update_or_create(pk=row, defaults={"token": token})
    return token


def _on_change(sender: Any, **kwargs: Any) -> None:
    # m2m_changed also fires before the change ("pre_add"); once, after it, is enough.
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if sender._meta.app_label in RECORD_APPS and sender is not RecordVersion:
        record_changed(choices=sender._meta.label_lower not in NOT_IN_CHOICES)


def connect() -> None:
    # No sender: one receiver sees every model, including the many-to-many through tables
    # (pillars, mandates) that have no class of their own to connect to.
    post_save.connect(_on_change, dispatch_uid="record_version_saved")
    post_delete.connect(_on_change, dispatch_uid="record_version_deleted")
    m2m_changed.connect(_on_change, dispatch_uid="record_version_m2m")

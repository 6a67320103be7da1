"""Model and sign-in signals that feed the audit trail.

Every model of the apps in settings.AUDITED_APPS, and users and groups, is watched:
creation, each changed field (old → new), deletion and many-to-many changes. The
event is written by the same connection inside the change's own transaction, so a
change that rolls back leaves no event and an event never lacks its change.
"""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.crypto import salted_hmac

from audit import recording
from audit.context import actor_of, current_actor
from audit.models import AuditEvent

Kind = AuditEvent.Kind
BEFORE, M2M_BEFORE, REPR, LOADED = "_audit_before", "_audit_m2m_before", "_audit_repr", "_audit_loaded"


def audited_models() -> list[type[models.Model]]:
    watched = [model for label in settings.AUDITED_APPS for model in apps.get_app_config(label).get_models()]
    watched += [apps.get_model(label) for label in settings.AUDITED_MODELS]
    return [model for model in watched if model._meta.label not in settings.UNAUDITED_MODELS]


def connect() -> None:
    for model in audited_models():
        uid = f"audit:{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post_save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr]
            if through is not None and through._meta.auto_created:
                m2m_changed.connect(_many_to_many_changed, sender=through, dispatch_uid=f"{uid}:{field.name}")
    user_logged_in.connect(_signed_in, dispatch_uid="audit:signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit:signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit:sign_in_failed")


# Fixture loads (raw saves, and the many-to-many links loaded with them) are not
# changes anyone made: `load_record` records them once, as an import.


def _before_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:
        setattr(instance, LOADED, True)
        return
    if update_fields and update_fields <= recording.IGNORED_FIELDS:
        return
    setattr(instance, BEFORE, recording.stored_values(instance))


def _after_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not hasattr(instance, BEFORE):
        return
    before = instance.__dict__.pop(BEFORE)
    changes = recording.differences(instance, before)
    if before is not None and not changes:
        return  # Saved unchanged: nothing happened to record.
    recording.record(Kind.CREATED if before is None else Kind.CHANGED, instance=instance, changes=changes)


def _before_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Printed now: once the cascade has run, what it names may be gone.
    setattr(instance, REPR, recording.describe(instance))


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    old = {
        field.attname: [recording.plain(getattr(instance, field.attname)), None]
        for field in recording.audited_fields(sender)
        if field.name not in recording.MASKED_FIELDS
    }
    recording.record(Kind.DELETED, instance=instance, object_repr=getattr(instance, REPR, ""), changes=old)


def _many_to_many_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if getattr(instance, LOADED, False):
        return
    name = _accessor(instance, sender)
    if action.startswith("pre_"):
        related = getattr(instance, name).values_list("pk", flat=True)
        instance.__dict__.setdefault(M2M_BEFORE, {})[name] = sorted(related)
        return
    old = instance.__dict__.get(M2M_BEFORE, {}).pop(name, [])
    if action == "post_add":
        new = sorted(set(old) | (pk_set or set()))
    elif action == "post_remove":
        new = sorted(set(old) - (pk_set or set()))
    else:
        new = []
    if old != new:
        recording.record(Kind.CHANGED, instance=instance, changes={name: [old, new]})


def _accessor(instance: models.Model, through: type[models.Model]) -> str:
    """The name under which `instance` reaches the other side of `through`."""
    for field in instance._meta.get_fields():
        if isinstance(field, models.ManyToManyField) and field.remote_field.through is through:
            return field.name
        if isinstance(field, models.ManyToManyRel) and field.through is through:
            return field.get_accessor_name() or field.name
    raise LookupError(f"{type(instance).__name__} has no many-to-many through {through.__name__}")


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actor = actor_of(request) if request is not None else current_actor()
    recording.record(Kind.SIGNED_IN, user=user, actor=actor)


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actor = actor_of(request) if request is not None else current_actor()
    recording.record(Kind.SIGNED_OUT, user=user, actor=actor)


def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    actor = actor_of(request) if request is not None else current_actor()
    typed = str(credentials.get("username") or "")
    recording.record(Kind.SIGN_IN_FAILED, username=name_for_the_trail(typed), actor=actor)


def name_for_the_trail(typed: str) -> str:
    """The name a failed sign-in is recorded under: the account's, when one has it.

    A name no account has is often a password typed into the wrong box, and the Secretariat
    reads the trail; it keeps only a fingerprint keyed with SECRET_KEY, which tells the same
    name tried again (a guessing run) without saying what was typed."""
    if not typed or get_user_model()._default_manager.filter(username=typed).exists():
        return typed
    return f"unknown name {salted_hmac('audit.unknown-username', typed).hexdigest()[:12]}"

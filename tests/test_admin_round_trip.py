"""Every admin form of the record, saved exactly as it was shown, changes nothing.

A browser submits what a form shows: a date the widget cannot show comes back empty, an
option not marked comes back as the first one. So each test opens a record's change form,
reads it as a browser would (tests.browser_forms), saves it unchanged, and compares every
row of the record before and after.
"""

from typing import Any, cast

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse

from tests.browser_forms import form_data
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db

RECORD_APPS = ("members", "meetings", "actions", "reminders", "auth")
# What saving writes by design: the admin's own log of the save, the audit trail's, and the
# cache's version token (replaced on every save, so cached pages are built again).
NOT_COMPARED = {"admin.logentry", "audit.auditevent", "sessions.session", "actions.recordversion"}
EDITABLE = sorted(
    (model for model in admin.site._registry if model._meta.app_label in RECORD_APPS),
    key=lambda model: model._meta.label,
)


def _everything() -> dict[str, list[dict[str, Any]]]:
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower not in NOT_COMPARED and model._meta.managed:
            snapshot[model._meta.label_lower] = list(model._default_manager.order_by("pk").values())
    return snapshot


def _one_of(model: type[models.Model]) -> models.Model | None:
    if model._meta.label_lower == "members.focalpoint":
        return cast(models.Model, FocalPointFactory(title="Director, Directorate of International Security"))
    return model._default_manager.order_by("pk").first()


@pytest.mark.parametrize("model", EDITABLE, ids=lambda model: model._meta.label)
def test_saving_a_record_form_unchanged_changes_nothing(client, superuser, record, model):
    obj = _one_of(model)
    if obj is None:
        # Rows the system writes (reviews, reminders) are opened by their own tests.
        assert model._meta.label_lower in {"reminders.review", "actions.review", "reminders.reminder"}
        return
    model_admin = admin.site._registry[model]
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    if not model_admin.has_change_permission(page.wsgi_request, obj):
        return
    before = _everything()

    response = client.post(url, {**form_data(page.content.decode(), f"{model._meta.model_name}_form"), "_save": "Save"})

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert _everything() == before


def test_admin_dates_are_shown_in_a_format_they_are_read_back_in(client, superuser, record):
    meeting = apps.get_model("meetings", "Meeting").objects.exclude(start_date=None).order_by("pk").first()
    client.force_login(superuser)

    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()

    shown = form_data(page, "meeting_form")["start_date"]
    assert shown == [meeting.start_date.strftime("%d/%m/%Y")]

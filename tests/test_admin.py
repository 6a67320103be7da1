"""The admin, where the secretariat reads and keeps the record until the browser pages exist."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from actions.models import Action, ActionUpdate, Strategy
from members.models import FocalPoint
from reminders.models import Reminder, Review
from tests.factories import ActionFactory, ActionOwnerFactory, ActionUpdateFactory, FocalPointFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _review() -> Review:
    return Review.objects.create(strategy=Strategy.objects.get(), number=1, due_on=datetime.date(2015, 8, 6))


UNSEEDED = {
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username="siti", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    ),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        username="siti", ip_address="192.0.2.1", user_agent="test"
    ),
    FocalPoint: FocalPointFactory,
    Group: lambda: Group.objects.create(name="Test group"),
    Review: _review,
    Reminder: lambda: Reminder.objects.create(
        kind="review", review=_review(), offset_days=60, recipient="a@example.org"
    ),
}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_anonymous_visitor_is_sent_to_sign_in(client, model):
    url = _changelist(model)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_user_without_staff_status_cannot_enter_the_admin(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_list_of_the_record_opens_for_the_administrator(client, superuser, record, model):
    client.force_login(superuser)

    response = client.get(_changelist(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_record_page_opens_for_the_administrator(client, superuser, record, model):
    client.force_login(superuser)
    # The record names no people and defines no groups; make one of each to open.
    obj = model.objects.first() or UNSEEDED[model]()

    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)

    assert response.status_code == 200


def test_recording_an_update_in_the_admin_appends_history_and_moves_the_action(client, superuser):
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_actionupdate_add"),
        {
            "action": action.pk,
            "status": "in_progress",
            "progress": "30",
            "target_date": "2015-06-30",
            "note": "Begun.",
        },
    )

    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert (update.author, update.previous_status, update.status) == (superuser, "planned", "in_progress")
    action.refresh_from_db()
    assert (action.status, action.progress, action.status_note) == ("in_progress", 30, "Begun.")


def test_admin_refuses_a_completed_update_below_100_with_a_message(client, superuser):
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_actionupdate_add"),
        {"action": action.pk, "status": "completed", "progress": "60", "target_date": "", "note": ""},
    )

    assert response.status_code == 200
    assert "A completed action is 100% done." in response.content.decode()
    assert ActionUpdate.objects.count() == 0


def test_history_cannot_be_edited_or_deleted_in_the_admin(client, superuser):
    update = ActionUpdateFactory(note="As recorded.")
    client.force_login(superuser)

    edit = client.post(
        reverse("admin:actions_actionupdate_change", args=[update.pk]),
        {"action": update.action.pk, "status": "completed", "progress": "100", "note": "Rewritten."},
    )
    delete = client.post(reverse("admin:actions_actionupdate_delete", args=[update.pk]), {"post": "yes"})

    assert (edit.status_code, delete.status_code) == (403, 403)
    update.refresh_from_db()
    assert update.note == "As recorded."


def test_action_status_is_read_only_on_the_action_page(client, superuser):
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(superuser)

    response = client.get(reverse("admin:actions_action_change", args=[action.pk]))

    assert "status" not in response.context["adminform"].form.fields


@pytest.mark.parametrize("actions", [3, 30])
def test_action_list_costs_the_same_queries_for_3_or_30_actions(client, superuser, django_assert_num_queries, actions):
    lead = MemberFactory()
    for _ in range(actions):
        ActionOwnerFactory(member=lead)
    client.force_login(superuser)

    # session, user; the theme, pillar and lead-member filters' choices; the count of all
    # actions and the filtered count; the page of actions joined to initiative and theme.
    with django_assert_num_queries(8):
        response = client.get(_changelist(Action))

    assert response.status_code == 200

"""The secretariat reads the audit trail in the admin; nobody can change it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from audit.models import AuditEvent
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def trail(secretariat_user):
    actions = [ActionFactory(), ActionFactory()]
    for action in actions:
        action.status_note = f"Note on {action.pk}"
        action.save()
    return actions


def test_secretariat_filters_the_trail_by_user_record_and_date(client, secretariat_user, trail):
    client.force_login(secretariat_user)
    content_type = ContentType.objects.get_for_model(Action)
    first = trail[0]
    query = {"content_type__id__exact": content_type.pk, "object_id": str(first.pk), "kind": "changed"}

    response = client.get(LIST, query)

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert [(event.object_id, event.changes) for event in shown] == [
        (str(first.pk), {"status_note": ["", f"Note on {first.pk}"]})
    ]
    today = timezone.now()
    query_without_record = {"content_type__id__exact": content_type.pk, "kind": "changed"}
    by_date = client.get(LIST, {"at__year": today.year, "at__month": today.month} | query_without_record)
    assert len(by_date.context["cl"].result_list) == 2
    other_year = client.get(LIST, {"at__year": today.year - 1})
    assert len(other_year.context["cl"].result_list) == 0


def test_an_event_shows_old_and_new_values(client, secretariat_user, trail):
    client.force_login(secretariat_user)
    event = AuditEvent.objects.filter(kind="changed").first()

    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()

    assert f"<tr><th>status_note</th><td></td><td>Note on {event.object_id}</td></tr>" in page


def test_the_trail_list_costs_the_same_queries_for_few_or_many_events(
    client, secretariat_user, django_assert_num_queries
):
    client.force_login(secretariat_user)
    ActionFactory.create_batch(3)
    client.get(LIST)
    with django_assert_num_queries(11) as few:
        client.get(LIST)
    ActionFactory.create_batch(60)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST)


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
def test_other_roles_cannot_read_the_trail(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code in (302, 403)


def test_nobody_can_add_change_or_delete_an_event(client, superuser, trail):
    client.force_login(superuser)
    event = AuditEvent.objects.first()

    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"username": "someone else"})
    event.refresh_from_db()
    assert event.username != "someone else"

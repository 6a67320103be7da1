"""Edit in admin: the Secretariat goes from a record's page to its admin form, and back
from the admin form to the page ("View on site")."""

import re
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from actions.models import Action
from meetings.models import Decision, Meeting
from members.models import Body, Member
from tests.factories import ActionFactory, BodyFactory, DecisionFactory, DocumentFactory, MemberFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r'<p class="admin-edit"><a href="([^"]+)"(?: aria-label="Edit in admin: ([^"]+)")?>Edit in admin</a></p>'
)


def _decision() -> Decision:
    return cast(Decision, DecisionFactory(number="10.B.c", document=DocumentFactory(slug="test-statement")))


# page: how to make its record, and the admin URL name of its change form.
RECORDS: dict[str, Callable[[], Any]] = {
    "action": ActionFactory,
    "meeting": lambda: _decision().document.meeting,
    "member": lambda: MemberFactory(code="TNZ", name="Test New Zealand"),
    "body": lambda: BodyFactory(code="TWG", name="Test Working Group"),
}


def _links(page: str) -> list[tuple[str, str]]:
    return LINK.findall(page)


def _change_url(record: models.Model) -> str:
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


@pytest.mark.parametrize("persona", ["secretariat_user", "superuser"])
@pytest.mark.parametrize("kind", RECORDS)
def test_whoever_may_change_a_record_sees_edit_in_admin_on_its_page(client, request, persona, kind):
    record = RECORDS[kind]()
    client.force_login(request.getfixturevalue(persona))

    page = client.get(record.get_absolute_url()).content.decode()  # type: ignore[attr-defined]

    expected = [(_change_url(record), "")]
    if isinstance(record, Meeting):
        # ... and each of its paragraphs, named for a screen reader's list of links.
        expected.append((_change_url(Decision.objects.get()), "paragraph 10.B.c"))
    assert _links(page) == expected


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
@pytest.mark.parametrize("kind", RECORDS)
def test_readers_see_no_edit_in_admin_link(client, request, persona, kind):
    record = RECORDS[kind]()
    client.force_login(request.getfixturevalue(persona))

    response = client.get(record.get_absolute_url())  # type: ignore[attr-defined]

    assert response.status_code == 200
    assert "Edit in admin" not in response.content.decode()
    assert "/admin/" not in response.content.decode()


def test_secretariat_user_who_is_not_staff_sees_no_edit_in_admin_link(client, secretariat_user):
    # The admin would turn them away, so the link would lead nowhere.
    secretariat_user.is_staff = False
    secretariat_user.save(update_fields=["is_staff"])
    action = ActionFactory()
    client.force_login(secretariat_user)

    assert "Edit in admin" not in client.get(action.get_absolute_url()).content.decode()


def test_edit_in_admin_link_opens_the_records_change_form(client, secretariat_user):
    action = ActionFactory()
    client.force_login(secretariat_user)
    [(url, _)] = _links(client.get(action.get_absolute_url()).content.decode())

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["original"] == action


# Every record a page shows, the paragraphs of a meeting's page among them.
BACK_LINKED: dict[type[models.Model], Callable[[], Any]] = {
    Action: RECORDS["action"],
    Meeting: RECORDS["meeting"],
    Decision: _decision,
    Member: RECORDS["member"],
    Body: RECORDS["body"],
}


@pytest.mark.parametrize("model", BACK_LINKED, ids=lambda model: model.__name__)
def test_admin_change_form_links_back_to_the_records_page(client, secretariat_user, model):
    record = BACK_LINKED[model]()
    client.force_login(secretariat_user)

    page = client.get(_change_url(record)).content.decode()
    on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, record.pk])
    assert f'<a href="{on_site}" class="viewsitelink">View on site</a>' in page

    response = client.get(on_site)

    assert response.status_code == 302
    # Django's shortcut view answers with the address the admin was reached at.
    assert response["Location"] == f"http://testserver{record.get_absolute_url()}"  # type: ignore[attr-defined]

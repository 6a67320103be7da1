"""Random and hostile values in the sign-in form and the admin's forms: a message or a
4xx, never a 500, and nothing saved unless the input was valid."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from actions.models import Action
from meetings.models import Meeting, Pillar
from members.models import FocalPoint, Member
from tests.factories import ActionFactory, MemberFactory, UserFactory
from tests.test_hostile_input import FUZZ, HOSTILE

pytestmark = pytest.mark.django_db

ADMIN_FORMS = {Member: "members_member", Pillar: "meetings_pillar", Meeting: "meetings_meeting"}
ADMIN_FORMS |= {FocalPoint: "members_focalpoint", Action: "actions_action"}


@FUZZ
@given(username=HOSTILE, password=HOSTILE)
@example(username="x" * 10_000, password="0")  # once a 500 on PostgreSQL: too long for axes' column
def test_the_sign_in_form_answers_hostile_values_and_lets_nobody_in(client, username, password):
    UserFactory(username="siti")

    response = client.post(reverse("login"), {"username": username, "password": password})

    # 429: five failures pause sign-in, as they should.
    assert response.status_code in (200, 400, 429), (username, password)
    assert SESSION_KEY not in client.session


def _form_fields(client: Client, url: str) -> tuple[list[str], dict[str, str]]:
    """The form's own fields, and the inline formsets' bookkeeping fields as the admin's
    own page sends them."""
    page = client.get(url)
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management.initial.get(name, ""))
    return list(page.context["adminform"].form.fields), data


@pytest.fixture
def officer(secretariat_user):
    MemberFactory()
    ActionFactory()
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    return client


@FUZZ
@given(model=st.sampled_from(list(ADMIN_FORMS)), values=st.lists(HOSTILE, min_size=1, max_size=8), data=st.data())
def test_admin_forms_answer_hostile_values_and_save_only_valid_records(officer, model, values, data):
    url = reverse(f"admin:{ADMIN_FORMS[model]}_add")
    form_fields, management = _form_fields(officer, url)
    fields = data.draw(st.lists(st.sampled_from(form_fields), min_size=len(values), max_size=len(values)))
    before = model._default_manager.count()

    response = officer.post(url, management | dict(zip(fields, values, strict=True)))

    assert response.status_code in (200, 302, 400), (model, fields, values)
    saved = model._default_manager.count() - before
    assert saved == (1 if response.status_code == 302 else 0)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [(Member, "sovereign", ":"), (Action, "pillars", str(2**63)), (Action, "mandates", "not-an-id")],
)
def test_a_link_that_cannot_be_an_id_is_an_invalid_choice_not_a_server_error(officer, model, field, value):
    url = reverse(f"admin:{ADMIN_FORMS[model]}_add")
    _, management = _form_fields(officer, url)

    response = officer.post(url, management | {field: value})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or "is not a valid value" in response.content.decode()

"""Random and hostile values in every filter and form field: a message or a 4xx, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action, ActionUpdate
from tests.factories import ActionFactory, ActionOwnerFactory

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=300),  # control characters and any Unicode
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "2015-02-30",
            "9999-99-99",
            "'; DROP TABLE actions_action; --",
            '=HYPERLINK("http://x")',
            "\x00",
            "x" * 10_000,
            "../../etc/passwd",
        ]
    ),
)
REGISTER_PARAMS = [
    "q",
    "lead",
    "via_bodies",
    "owner",
    "status",
    "theme",
    "initiative",
    "pillar",
    "group",
    "meeting",
    "target_after",
    "target_before",
    "updated_after",
    "updated_before",
    "overdue",
    "stale",
    "new_work",
    "sort",
    "page",
]
LIST_PAGES = ["actions:register", "actions:export", "dashboard:index", "meetings:list", "members:list"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def signed_in(co_chair_user):
    ActionOwnerFactory(action=ActionFactory())
    client = Client(raise_request_exception=False)
    client.force_login(co_chair_user)
    return client


@FUZZ
@given(page=st.sampled_from(LIST_PAGES), params=st.dictionaries(st.sampled_from(REGISTER_PARAMS), HOSTILE, max_size=5))
def test_filters_answer_hostile_values_without_a_server_error(signed_in, page, params):
    response = signed_in.get(reverse(page), params)

    assert response.status_code in (200, 302, 400, 404), (page, params)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["status", "progress", "target_date", "note", "version"]), HOSTILE))
def test_the_status_form_answers_hostile_values_and_saves_only_what_is_valid(secretariat_user, fields):
    action = ActionFactory(status=Action.Status.PLANNED, progress=0)
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    data = {"status": "in_progress", "progress": "10", "version": str(action.version), "note": ""}
    data.update(fields)

    response = client.post(reverse("actions:update-status", args=[action.pk]), data)

    assert response.status_code in (302, 400, 409), fields
    saved = ActionUpdate.objects.filter(action=action).count()
    assert saved == (1 if response.status_code == 302 else 0)


@FUZZ
@given(segment=HOSTILE)
def test_hostile_path_segments_are_not_found(signed_in, segment):
    for pattern in ("/members/{}/", "/groups/{}/", "/meetings/{}/", "/actions/{}/", "/reports/review/{}/"):
        response = signed_in.get(pattern.format(quote(segment, safe="") or "x"))
        assert response.status_code in (200, 400, 404), (pattern, segment)


def test_a_nul_character_anywhere_is_refused_with_a_message(signed_in, secretariat_user):
    action = Action.objects.get()
    officer = Client(raise_request_exception=False)
    officer.force_login(secretariat_user)

    in_filter = signed_in.get(reverse("actions:register"), {"q": "RILON\x00"})
    in_form = officer.post(
        reverse("actions:update-status", args=[action.pk]),
        {"status": "in_progress", "progress": "10", "version": "0", "note": "a\x00b"},
    )

    assert (in_filter.status_code, in_form.status_code) == (400, 400)
    assert "contains a character BaliTrack cannot read (NUL)" in in_filter.content.decode()
    assert ActionUpdate.objects.count() == 0

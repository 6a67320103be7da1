"""People are named by their name, or their role, never by their username: a username is
half of a sign-in, and histories and the dashboard are read by every role."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# For its sign-in receiver (the session clock), so query counts do not depend on test order.
import balitrack.middleware  # noqa: F401
from actions.models import Action, ActionUpdate
from actions.services import action_record_update
from members.roles import Role, display_name
from tests.conftest import _role_group
from tests.factories import ActionFactory, StrategyFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

# A Secretariat account as the superuser makes it in the admin: a username and a password.
USERNAME = "rso-officer-7"
TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)


@pytest.fixture
def nameless_officer(db):
    officer = UserFactory(username=USERNAME, is_staff=True)
    officer.groups.add(_role_group(Role.SECRETARIAT))
    return officer


def _record(action: Action, author: User, when: datetime.datetime | None = None, progress: int = 40) -> ActionUpdate:
    return action_record_update(
        action=action,
        author=author,
        status="in_progress",
        progress=progress,
        target_date=None,
        note="Roundtable held in Bangkok.",
        recorded_at=when,
    )


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: UserFactory(username="siti", first_name="Siti", last_name="Rahman"), "Siti Rahman"),
        (lambda: UserFactory(username="siti", first_name="Siti"), "Siti"),
        (lambda: UserFactory(username="siti", last_name="Rahman"), "Rahman"),
        (lambda: _in(Role.SECRETARIAT), "Secretariat officer"),
        (lambda: _in(Role.CO_CHAIRS), "Co-Chairs"),
        (lambda: _in(Role.MEMBERS), "Member focal point"),
        (lambda: UserFactory(username="root", is_superuser=True), "Administrator"),
        (lambda: UserFactory(username="nobody"), "BaliTrack user"),
        (AnonymousUser, "BaliTrack user"),
    ],
)
def test_a_user_is_named_by_first_and_last_name_or_else_by_role(make, expected):
    assert display_name(make()) == expected


def _in(role: Role):
    user = UserFactory(username=f"user-of-{role.name.lower()}")
    user.groups.add(_role_group(role))  # type: ignore[attr-defined]
    return user


def test_an_update_is_named_by_the_role_it_needs_even_after_its_author_moved(nameless_officer):
    update = _record(ActionFactory(), nameless_officer)
    nameless_officer.groups.set([_role_group(Role.CO_CHAIRS)])

    assert ActionUpdate.objects.select_related("author").get(pk=update.pk).author_name == "Secretariat officer"
    assert display_name(nameless_officer) == "Co-Chairs"


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
def test_the_action_history_names_a_nameless_officer_by_role(client, request, nameless_officer, persona):
    action = ActionFactory()
    _record(action, nameless_officer)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(action.get_absolute_url()).text

    assert "· Secretariat officer" in page
    assert USERNAME not in page


def test_the_conflict_message_names_the_other_officer_by_role(client, nameless_officer, secretariat_user):
    action = ActionFactory(status=Action.Status.PLANNED)
    opened_at = str(action.version)
    _record(action, nameless_officer)
    client.force_login(secretariat_user)

    response = client.post(
        reverse("actions:update-status", args=[action.pk]),
        {"status": "completed", "progress": "100", "note": "Mine.", "target_date": "", "version": opened_at},
    )

    assert response.status_code == 409
    assert "Secretariat officer recorded" in " ".join(response.text.split())
    assert USERNAME not in response.text


def test_the_dashboard_changes_name_no_officer(client, nameless_officer, co_chair_user):
    action = ActionFactory(initiative__theme__strategy__endorsed_on=datetime.date(2014, 8, 6))
    with time_machine.travel(TODAY, tick=False):
        _record(action, nameless_officer, when=TODAY - datetime.timedelta(days=1))
        client.force_login(co_chair_user)
        response = client.get(reverse("dashboard:index"))

    # The changes are counted by status then and now, and name no one who recorded them.
    assert response.context["changes"].moved == 1
    assert USERNAME not in response.text


def test_the_review_report_names_a_nameless_officer_by_role(client, nameless_officer, co_chair_user):
    strategy = StrategyFactory(endorsed_on=datetime.date(2014, 8, 6), review_interval_months=12)
    action = ActionFactory(initiative__theme=ThemeFactory(strategy=strategy))
    _record(action, nameless_officer, when=datetime.datetime(2015, 3, 1, 2, tzinfo=datetime.UTC))
    client.force_login(co_chair_user)

    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("dashboard:review", args=[2015]))

    assert response.status_code == 200
    assert '<span class="meta">(Secretariat officer)</span>' in response.text
    assert USERNAME not in response.text


def test_the_header_names_a_nameless_user_by_role(client, nameless_officer):
    client.force_login(nameless_officer)

    page = client.get(reverse("actions:register")).text

    assert '<span class="site-user__name">Secretariat officer</span>' in page
    assert USERNAME not in page


def test_a_history_by_nameless_officers_costs_no_query_per_row(
    client, co_chair_user, nameless_officer, django_assert_num_queries
):
    action = ActionFactory()
    _record(action, nameless_officer, progress=10)
    client.force_login(co_chair_user)
    client.get(action.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        client.get(action.get_absolute_url())
    for number, progress in enumerate([20, 30, 40, 50], start=8):
        officer = UserFactory(username=f"rso-officer-{number}")
        officer.groups.add(_role_group(Role.SECRETARIAT))
        _record(action, officer, progress=progress)

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(action.get_absolute_url()).text

    assert page.count("· Secretariat officer") == 5

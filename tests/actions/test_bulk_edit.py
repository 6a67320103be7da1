"""Bulk edit: the Secretariat's one change for the actions selected on the register."""

import datetime
import re
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.bulk import MAX_ACTIONS
from actions.models import Action, ActionUpdate
from actions.services import action_record_update
from tests.browser_forms import form_data
from tests.factories import ActionFactory, InitiativeFactory, StrategyFactory, ThemeFactory

pytestmark = pytest.mark.django_db

BULK = reverse("actions:bulk-edit")


def _actions(count: int, **fields) -> list[Action]:
    initiative = InitiativeFactory()
    return [cast(Action, ActionFactory(initiative=initiative, **fields)) for _ in range(count)]


def _selected(actions: list[Action]) -> str:
    return BULK + "?" + "&".join(f"ids={action.pk}" for action in actions)


def _preview(client, actions: list[Action], **change) -> dict[str, list[str]]:
    """What the bulk page's change form sends with `change` typed in, as a browser sends it."""
    data = form_data(client.get(_selected(actions)).content.decode(), "bulk-change")
    data.update({name: [value] for name, value in change.items()})
    return data


def test_preview_lists_each_action_old_to_new_and_writes_nothing(client, secretariat_user):
    first, second = _actions(2, status=Action.Status.PLANNED, progress=0)
    client.force_login(secretariat_user)

    response = client.post(BULK, _preview(client, [first, second], status="in_progress", progress="20"))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [change.row.action_id for change in preview.changes] == [first.pk, second.pk]
    assert [(field.label, field.old, field.new) for field in preview.changes[0].fields] == [
        ("Status", "Planned", "In progress"),
        ("Progress", "0%", "20%"),
    ]
    assert "Planned → <strong>In progress</strong>" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_confirm_writes_one_history_row_per_changed_action_with_the_officer_as_author(client, secretariat_user):
    actions = _actions(3, status=Action.Status.PLANNED)
    client.force_login(secretariat_user)
    preview = client.post(BULK, _preview(client, actions, status="in_progress", target_date="2027-03-31"))

    response = client.post(BULK, form_data(preview.content.decode(), "bulk-confirm"))

    assert response.status_code == 302
    updates = ActionUpdate.objects.order_by("action_id")
    assert [(u.action_id, u.author, u.previous_status, u.status, u.target_date) for u in updates] == [
        (action.pk, secretariat_user, "planned", "in_progress", datetime.date(2027, 3, 31)) for action in actions
    ]
    assert set(Action.objects.values_list("status", "version")) == {("in_progress", 1)}


def test_actions_already_as_the_change_says_are_listed_unchanged_and_write_nothing(client, secretariat_user):
    planned, started = _actions(1, status=Action.Status.PLANNED) + _actions(1, status=Action.Status.IN_PROGRESS)
    client.force_login(secretariat_user)
    preview = client.post(BULK, _preview(client, [planned, started], status="in_progress"))

    assert [action.pk for action in preview.context["preview"].unchanged] == [started.pk]
    client.post(BULK, form_data(preview.content.decode(), "bulk-confirm"))

    assert list(ActionUpdate.objects.values_list("action_id", flat=True)) == [planned.pk]
    started.refresh_from_db()
    assert started.version == 0


def test_an_action_updated_since_its_selection_is_a_conflict_and_not_changed(client, secretariat_user):
    first, second = _actions(2)
    client.force_login(secretariat_user)
    data = _preview(client, [first, second], progress="30")
    action_record_update(
        action=second, author=secretariat_user, status="in_progress", progress=10, target_date=None, note=""
    )

    preview = client.post(BULK, data)

    assert [change.row.action_id for change in preview.context["preview"].conflicts] == [second.pk]
    client.post(BULK, form_data(preview.content.decode(), "bulk-confirm"))
    assert ActionUpdate.objects.filter(action=first).count() == 1
    assert ActionUpdate.objects.filter(action=second).count() == 1  # only the update made meanwhile


def test_an_action_updated_between_preview_and_confirm_applies_nothing(client, secretariat_user):
    first, second = _actions(2)
    client.force_login(secretariat_user)
    preview = client.post(BULK, _preview(client, [first, second], progress="30"))
    action_record_update(
        action=second, author=secretariat_user, status="in_progress", progress=10, target_date=None, note="meanwhile"
    )

    response = client.post(BULK, form_data(preview.content.decode(), "bulk-confirm"))

    assert response.status_code == 409
    assert "Nothing was applied" in response.content.decode()
    assert [change.row.action_id for change in response.context["preview"].conflicts] == [second.pk]
    assert list(ActionUpdate.objects.values_list("note", flat=True)) == ["meanwhile"]
    first.refresh_from_db()
    assert (first.progress, first.version) == (0, 0)


@pytest.mark.parametrize("status", ["completed", "discontinued"])
def test_closing_is_refused_under_two_key_closing(client, secretariat_user, status):
    actions = _actions(2)
    client.force_login(secretariat_user)

    response = client.post(BULK, _preview(client, actions, status=status, progress="100", note="Done."))

    assert response.status_code == 400
    assert "takes two people" in response.context["form"].errors["status"][0]
    assert response.context["preview"] is None


def test_closing_in_one_step_is_checked_per_action_by_the_status_forms_rules(
    client, secretariat_user, closing_in_one_step
):
    done, halfway = _actions(1, progress=100) + _actions(1, progress=50)
    client.force_login(secretariat_user)

    preview = client.post(BULK, _preview(client, [done, halfway], status="completed"))

    assert [change.row.action_id for change in preview.context["preview"].changes] == [done.pk]
    assert [(e.action_id, e.reason) for e in preview.context["preview"].errors] == [
        (halfway.pk, "A completed action is 100% done.")
    ]


def test_putting_actions_on_hold_needs_a_note(client, secretariat_user):
    actions = _actions(2)
    client.force_login(secretariat_user)

    preview = client.post(BULK, _preview(client, actions, status="on_hold"))

    reasons = [error.reason for error in preview.context["preview"].errors]
    assert reasons == ["Say why the action is on hold or discontinued."] * 2
    assert not preview.context["preview"].changes


def test_clearing_the_target_date(client, secretariat_user):
    actions = _actions(2, target_date=datetime.date(2026, 1, 1))
    client.force_login(secretariat_user)
    preview = client.post(BULK, _preview(client, actions, clear_target_date="on"))

    client.post(BULK, form_data(preview.content.decode(), "bulk-confirm"))

    assert set(Action.objects.values_list("target_date", flat=True)) == {None}
    assert set(ActionUpdate.objects.values_list("previous_target_date", flat=True)) == {datetime.date(2026, 1, 1)}


def test_a_change_of_nothing_is_refused(client, secretariat_user):
    actions = _actions(2)
    client.force_login(secretariat_user)

    response = client.post(BULK, _preview(client, actions))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Choose a change: a status, progress, a target date (or clearing it), or a note."
    ]


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
def test_co_chairs_and_members_cannot_bulk_edit(client, request, persona):
    action = _actions(1)[0]
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_selected([action])).status_code == 403
    assert client.post(BULK, {"ids": [action.pk], "versions": [0], "progress": "10"}).status_code == 403
    assert not ActionUpdate.objects.exists()


def _another_strategys_action() -> Action:
    theme = ThemeFactory(strategy=StrategyFactory(endorsed_on=datetime.date(2023, 2, 10)))
    return cast(Action, ActionFactory(initiative=InitiativeFactory(theme=theme)))


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (lambda actions: [], "No action was selected"),
        (lambda actions: ["1x"], "something other than its number"),
        (lambda actions: [actions[0].pk, actions[0].pk], "names an action twice"),
        (lambda actions: [actions[0].pk, 987654], "No action has the id 987654"),
        (lambda actions: [actions[0].pk, _another_strategys_action().pk], "belong to another strategy"),
        (lambda actions: list(range(1, MAX_ACTIONS + 2)), f"At most {MAX_ACTIONS} actions"),
    ],
    ids=["none", "not-a-number", "twice", "unknown", "other-strategy", "too-many"],
)
def test_a_bad_selection_is_refused_with_a_message(client, secretariat_user, ids, message):
    actions = _actions(2)
    client.force_login(secretariat_user)
    selected = ids(actions)

    got = client.get(BULK, {"ids": selected})
    posted = client.post(BULK, {"ids": selected, "versions": ["0"] * len(selected), "progress": "10"})

    for response in (got, posted):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_versions_that_do_not_match_the_ids_are_refused(client, secretariat_user):
    actions = _actions(2)
    client.force_login(secretariat_user)

    response = client.post(BULK, {"ids": [a.pk for a in actions], "versions": ["0", "x"], "progress": "10"})

    assert response.status_code == 400
    assert "selection was incomplete" in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_preview_costs_the_same_queries_for_5_or_50_actions(client, secretariat_user, django_assert_num_queries, count):
    actions = _actions(count)
    client.force_login(secretariat_user)
    data = _preview(client, actions, progress="30")

    # The request's savepoint and its release; session, user; the user's and groups'
    # permissions (access); the strategies (strategy_asked); the selected actions as they
    # stand, one query whatever their number; the pending proposals (the navigation's figure).
    with django_assert_num_queries(9):
        response = client.post(BULK, data)
    assert len(response.context["preview"].changes) == count


@pytest.mark.parametrize("count", [5, 50])
def test_confirm_costs_a_fixed_number_of_queries_per_changed_action(client, secretariat_user, count):
    actions = _actions(count)
    client.force_login(secretariat_user)
    confirm = form_data(client.post(BULK, _preview(client, actions, progress="30")).content.decode(), "bulk-confirm")

    # A confirmation records one update per changed action, each through action_record_update
    # (as the status form does), so its cost grows by exactly that service's per update: the
    # locked action, the record's token and the tally, the history row's full_clean (the action,
    # the author, the constraints' checks, each in a savepoint) and insert, the audit trail's
    # rows, the action saved, the token moved. Around them a fixed 11: the request's savepoint,
    # session, user, the permissions, the strategies, the selection, and the comparison again
    # inside the transaction. Nothing else is read per action.
    with CaptureQueriesContext(connection) as queries:
        response = client.post(BULK, confirm)
    assert response.status_code == 302
    assert ActionUpdate.objects.count() == count
    assert len(queries) - PER_ACTION * count == FIXED


PER_ACTION = 23
FIXED = 11


def test_the_register_offers_the_secretariat_a_box_per_row_and_all_on_the_page(client, secretariat_user):
    actions = _actions(3)
    client.force_login(secretariat_user)

    page = client.get(reverse("actions:register")).content.decode()

    boxes = re.findall(r'<input type="checkbox" name="ids" value="(\d+)" form="bulk-select"', page)
    assert boxes == [str(action.pk) for action in actions]
    assert 'id="bulk-select"' in page
    everything = re.search(r'href="([^"]*)">Change all 3 on this page…', page)
    assert everything is not None
    response = client.get(everything.group(1).replace("&amp;", "&"))
    assert [action.pk for action, _, _ in response.context["selected"]] == [action.pk for action in actions]


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
def test_the_register_offers_no_selection_to_co_chairs_or_members(client, request, persona):
    _actions(2)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("actions:register") + "?sort=theme").content.decode()

    assert 'name="ids"' not in page
    assert "bulk-select" not in page

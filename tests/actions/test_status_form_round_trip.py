"""The status form as a browser sends it: what it shows is what it saves, and an update
says something."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actions.models import Action, ActionUpdate
from actions.services import NOTHING_CHANGED
from tests.browser_forms import form_data
from tests.factories import ActionFactory, ActionUpdateFactory

pytestmark = pytest.mark.django_db

TARGET = datetime.date(2014, 9, 24)


@pytest.fixture
def action_with_target():
    action = ActionFactory(status=Action.Status.PLANNED, progress=10, target_date=TARGET)
    ActionUpdateFactory(action=action, status=Action.Status.PLANNED, progress=10, target_date=TARGET, note="Baseline.")
    return action


def _shown_form(client, action: Action) -> dict[str, list[str]]:
    return form_data(client.get(action.get_absolute_url()).content.decode(), "status-form")


def _update(client, action: Action, data: dict[str, list[str]]):
    return client.post(reverse("actions:update-status", args=[action.pk]), data)


def test_the_form_shows_the_target_date_in_the_only_form_a_date_box_can_show(
    client, secretariat_user, action_with_target
):
    client.force_login(secretariat_user)

    page = client.get(action_with_target.get_absolute_url()).content.decode()

    assert '<input type="date" name="target_date" value="2014-09-24"' in page
    assert _shown_form(client, action_with_target)["target_date"] == ["2014-09-24"]


def test_a_note_only_update_leaves_the_target_date_as_it_was(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)
    data = _shown_form(client, action_with_target)
    data["note"] = ["Focal points met in Bangkok."]

    response = _update(client, action_with_target, data)

    assert response.status_code == 302
    action_with_target.refresh_from_db()
    assert (action_with_target.status, action_with_target.progress, action_with_target.target_date) == (
        "planned",
        10,
        TARGET,
    )
    newest = action_with_target.updates.latest()
    assert (newest.previous_target_date, newest.target_date, newest.note) == (
        TARGET,
        TARGET,
        "Focal points met in Bangkok.",
    )


def test_removing_the_target_date_is_recorded_and_shown_in_the_history(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)
    data = _shown_form(client, action_with_target)
    data["target_date"] = [""]

    response = _update(client, action_with_target, data)

    assert response.status_code == 302
    action_with_target.refresh_from_db()
    assert action_with_target.target_date is None
    newest = action_with_target.updates.latest()
    assert (newest.previous_target_date, newest.target_date) == (TARGET, None)
    page = client.get(action_with_target.get_absolute_url()).content.decode()
    assert "target date removed (was 24 Sep 2014)" in page


def test_moving_and_setting_a_target_date_are_shown_in_the_history(client, secretariat_user):
    action = ActionFactory(status=Action.Status.PLANNED, progress=0, target_date=None)
    client.force_login(secretariat_user)

    with time_machine.travel(datetime.datetime(2015, 1, 5, 3, tzinfo=datetime.UTC)):
        _update(client, action, {**_shown_form(client, action), "target_date": ["2015-06-30"]})
    with time_machine.travel(datetime.datetime(2015, 2, 5, 3, tzinfo=datetime.UTC)):
        _update(client, action, {**_shown_form(client, action), "target_date": ["2015-12-31"]})

    page = client.get(action.get_absolute_url()).content.decode()
    assert "target set to 30 Jun 2015" in page
    assert "target moved from 30 Jun 2015 to 31 Dec 2015" in page


def test_a_submit_that_changes_nothing_is_refused_and_writes_nothing(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)
    before = Action.objects.values().get(pk=action_with_target.pk)

    response = _update(client, action_with_target, _shown_form(client, action_with_target))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [NOTHING_CHANGED]
    assert NOTHING_CHANGED in response.content.decode()
    assert Action.objects.values().get(pk=action_with_target.pk) == before
    assert action_with_target.updates.count() == 1


def test_a_note_alone_is_an_update(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)

    response = _update(client, action_with_target, {**_shown_form(client, action_with_target), "note": ["Still on."]})

    assert response.status_code == 302
    assert action_with_target.updates.count() == 2


def test_an_over_long_note_is_refused_with_the_limit_and_its_length_and_never_cut(
    client, secretariat_user, action_with_target
):
    client.force_login(secretariat_user)
    note = "x" * 5001

    response = _update(client, action_with_target, {**_shown_form(client, action_with_target), "note": [note]})

    assert response.status_code == 400
    assert response.context["form"].errors["note"] == [
        "A note can be at most 5,000 characters; this one has 5,001. "
        "Shorten it, or link to a longer document. Nothing was saved."
    ]
    # The officer's text comes back whole, to be shortened rather than typed again.
    assert form_data(response.content.decode(), "status-form")["note"] == [note]
    assert action_with_target.updates.count() == 1


def test_a_note_of_exactly_the_limit_is_saved_counting_line_breaks_as_one(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)
    note = "\r\n".join(["y" * 999] * 5) + "z"  # 4,996 letters and 4 line breaks: 5,000

    response = _update(client, action_with_target, {**_shown_form(client, action_with_target), "note": [note]})

    assert response.status_code == 302
    assert len(action_with_target.updates.latest().note) == 5000


def test_the_note_box_has_a_live_count_and_no_maxlength_to_cut_it(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)

    page = client.get(action_with_target.get_absolute_url()).content.decode()

    assert 'data-count-limit="5000"' in page
    assert 'id="id_note_count" aria-live="polite"' in page
    assert "maxlength" not in page
    assert "balitrack/count" in page


def test_a_refused_update_keeps_what_the_officer_chose(client, secretariat_user, action_with_target):
    client.force_login(secretariat_user)
    data = {**_shown_form(client, action_with_target), "status": ["on_hold"], "target_date": ["2016-01-31"]}

    response = _update(client, action_with_target, data)

    assert response.status_code == 400
    shown_again = form_data(response.content.decode(), "status-form")
    assert (shown_again["status"], shown_again["target_date"]) == (["on_hold"], ["2016-01-31"])
    assert ActionUpdate.objects.filter(action=action_with_target).count() == 1


@pytest.mark.parametrize(
    "query",
    [
        "updated_after=0001-01-01&updated_before=9999-12-31",
        "updated_before=9999-12-31",
        "updated_after=9999-12-31",
        "target_after=0001-01-01&target_before=9999-12-31",
    ],
)
def test_date_filters_at_the_ends_of_the_calendar_answer(client, co_chair_user, query):
    ActionFactory(target_date=TARGET)
    client.force_login(co_chair_user)

    page = client.get(f"{reverse('actions:register')}?{query}")
    export = client.get(f"{reverse('actions:export')}?{query}")

    assert (page.status_code, export.status_code) == (200, 200)


def test_the_register_shows_its_date_filters_as_chosen(client, co_chair_user):
    client.force_login(co_chair_user)

    page = client.get(f"{reverse('actions:register')}?target_after=2015-01-01&updated_before=2016-06-30")

    shown = form_data(page.content.decode(), "filters")
    assert (shown["target_after"], shown["updated_before"]) == (["2015-01-01"], ["2016-06-30"])

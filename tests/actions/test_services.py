import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ActionUpdate
from actions.services import action_record_update
from tests.factories import ActionFactory, UserFactory

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

WHEN = datetime.datetime(2015, 3, 1, 9, 30, tzinfo=datetime.UTC)


def test_recording_an_update_appends_history_and_applies_it():
    officer = UserFactory()
    action = ActionFactory(status=Action.Status.PLANNED, progress=0)

    update = action_record_update(
        action=action,
        author=officer,
        status=Action.Status.IN_PROGRESS,
        progress=40,
        target_date=datetime.date(2015, 6, 30),
        note="Curriculum roundtable held.",
        recorded_at=WHEN,
    )

    action.refresh_from_db()
    assert (action.status, action.progress, action.target_date) == (
        Action.Status.IN_PROGRESS,
        40,
        datetime.date(2015, 6, 30),
    )
    assert action.status_note == "Curriculum roundtable held."
    assert action.updated_at == WHEN
    assert (update.previous_status, update.previous_progress, update.author) == (
        Action.Status.PLANNED,
        0,
        officer,
    )


def test_second_update_keeps_the_first_in_history():
    action = ActionFactory()
    first = action_record_update(
        action=action,
        author=None,
        status="in_progress",
        progress=20,
        target_date=None,
        note="",
        recorded_at=WHEN,
    )

    second = action_record_update(
        action=action,
        author=None,
        status="completed",
        progress=100,
        target_date=None,
        note="",
        recorded_at=WHEN + datetime.timedelta(days=30),
    )

    assert list(action.updates.order_by("-recorded_at")) == [second, first]
    assert second.previous_status == "in_progress"


def test_completed_below_100_saves_nothing():
    action = ActionFactory(status=Action.Status.PLANNED)

    with pytest.raises(ValidationError) as error:
        action_record_update(action=action, author=None, status="completed", progress=80, target_date=None, note="")

    assert error.value.message_dict["progress"] == ["A completed action is 100% done."]
    assert ActionUpdate.objects.count() == 0
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED


@pytest.mark.parametrize("status", [Action.Status.ON_HOLD, Action.Status.DISCONTINUED])
def test_putting_an_action_on_hold_or_dropping_it_needs_a_note(status):
    action = ActionFactory()

    with pytest.raises(ValidationError) as error:
        action_record_update(action=action, author=None, status=status, progress=0, target_date=None, note="  ")

    assert error.value.message_dict["note"] == ["Say why the action is on hold or discontinued."]
    assert ActionUpdate.objects.count() == 0


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_update_that_changes_nothing_and_says_nothing_is_refused_and_writes_nothing(note):
    action = ActionFactory(status=Action.Status.PLANNED, progress=20, target_date=datetime.date(2015, 6, 30))
    before = Action.objects.values().get(pk=action.pk)

    with pytest.raises(ValidationError) as refused:
        action_record_update(
            action=action,
            author=None,
            status=Action.Status.PLANNED,
            progress=20,
            target_date=datetime.date(2015, 6, 30),
            note=note,
        )

    assert refused.value.messages == [
        "Nothing was recorded: the status, progress and target date are as they were and there is no note. "
        "Change one of them, or write a note saying what happened."
    ]
    assert Action.objects.values().get(pk=action.pk) == before
    assert ActionUpdate.objects.count() == 0


def test_an_update_records_the_target_date_it_replaced():
    action = ActionFactory(status=Action.Status.PLANNED, target_date=datetime.date(2015, 6, 30))

    update = action_record_update(
        action=action,
        author=None,
        status=Action.Status.PLANNED,
        progress=0,
        target_date=None,
        note="",
        recorded_at=WHEN,
    )

    assert (update.previous_target_date, update.target_date, update.target_date_changed) == (
        datetime.date(2015, 6, 30),
        None,
        True,
    )

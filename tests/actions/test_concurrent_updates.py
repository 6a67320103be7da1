"""Ten secretariat officers save the same action at once, each from the form they opened."""

import threading

import pytest
from django.db import connection, connections

from actions.models import Action, ActionUpdate
from actions.services import ActionChangedMeanwhile, action_record_update
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_edits_from_the_same_version_one_wins_the_rest_are_told_nothing_is_lost():
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrency needs PostgreSQL; SQLite takes one writer at a time.")
    action = ActionFactory(status=Action.Status.PLANNED)
    officers = [UserFactory() for _ in range(10)]
    start = threading.Barrier(len(officers))
    outcomes: dict[int, str] = {}

    def save(index: int) -> None:
        try:
            start.wait()
            action_record_update(
                action=action,
                author=officers[index],
                status=Action.Status.IN_PROGRESS,
                progress=10 * (index + 1),
                target_date=None,
                note=f"Officer {index}",
                expected_version=0,
            )
            outcomes[index] = "saved"
        except ActionChangedMeanwhile:
            outcomes[index] = "told"
        except Exception as error:  # anything else is a failure of the test
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(officers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["saved"] + ["told"] * 9
    (winner,) = [i for i, outcome in outcomes.items() if outcome == "saved"]
    action.refresh_from_db()
    assert (action.version, action.progress, action.status_note) == (1, 10 * (winner + 1), f"Officer {winner}")
    assert list(ActionUpdate.objects.values_list("note", flat=True)) == [f"Officer {winner}"]

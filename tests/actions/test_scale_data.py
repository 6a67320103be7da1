import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import Action, ActionOwner, ActionUpdate
from actions.scale_data import BENCH_MEMBER, BENCH_PASSWORD, BENCH_SECRETARIAT, HISTORY_ENDS, HISTORY_STARTS, generate
from meetings.models import Decision, Meeting
from members.models import Member
from members.roles import Role, has_role, member_of
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _quietly(actions: int = 500, updates: int = 5000, seed: int = 1) -> None:
    generate(actions=actions, updates=updates, seed=seed, log=lambda line: None)


def _fingerprint() -> str:
    """The record by its content. Ids the generator gives are included; forums and pillars,
    which it finds or makes one by one, are named by code, as a database's sequences move on
    even when a transaction rolls back."""
    digest = hashlib.sha256()
    for rows in (
        Member.objects.order_by("pk").values_list("pk", "code", "name", "kind", "sovereign_id"),
        Meeting.objects.order_by("pk").values_list("pk", "slug", "start_date", "forum__code", "body_id"),
        Decision.objects.order_by("pk").values_list("pk", "document__slug", "number", "verb", "text"),
        Action.objects.order_by("pk").values_list(
            "pk", "initiative__slug", "number", "text", "status", "progress", "target_date", "updated_at", "version"
        ),
        ActionOwner.objects.order_by("action_id", "role", "member_id", "body_id", "forum__code").values_list(
            "action_id", "role", "member_id", "body_id", "forum__code"
        ),
        Action.pillars.through.objects.order_by("action_id", "pillar__code").values_list("action_id", "pillar__code"),
        Action.mandates.through.objects.order_by("action_id", "decision_id").values_list("action_id", "decision_id"),
        ActionUpdate.objects.order_by("action_id", "recorded_at").values_list(
            "action_id",
            "recorded_at",
            "author__username",
            "previous_status",
            "status",
            "progress",
            "target_date",
            "note",
        ),
    ):
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_small_set_has_the_sizes_asked_for_and_scaled_counts():
    _quietly()

    assert (Action.objects.count(), ActionUpdate.objects.count()) == (500, 5000)
    assert (Member.objects.count(), Meeting.objects.count()) == (12, 20)
    assert Decision.objects.count() == 5 * Meeting.objects.filter(status=Meeting.Status.HELD).count()


def test_same_seed_gives_the_same_record_and_another_seed_another():
    fingerprints = []
    for seed in (1, 1, 2):
        with transaction.atomic():
            _quietly(seed=seed)
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)

    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] != fingerprints[2]


def test_every_action_stands_where_its_last_update_left_it():
    _quietly()

    for action in Action.objects.prefetch_related("updates"):
        history = sorted(action.updates.all(), key=lambda update: update.recorded_at)
        last = history[-1]
        assert (action.status, action.progress, action.target_date, action.status_note, action.updated_at) == (
            last.status,
            last.progress,
            last.target_date,
            last.note,
            last.recorded_at,
        )
        assert action.version == len(history)
        assert [update.previous_status for update in history] == ["", *(update.status for update in history[:-1])]
        assert [update.previous_progress for update in history] == [None, *(update.progress for update in history[:-1])]


def test_history_spans_ten_years_and_passes_model_validation():
    _quietly()

    first, last = (
        ActionUpdate.objects.order_by(order).values_list("recorded_at", flat=True)[0]
        for order in ("recorded_at", "-recorded_at")
    )
    assert HISTORY_STARTS <= first < last < HISTORY_ENDS
    assert (last - first).days > 9 * 365
    # The rules clean() adds to the database's own (a note for on hold...); the database
    # checked its constraints as the rows went in.
    for update in ActionUpdate.objects.all():
        update.clean()
    for action in Action.objects.all():
        action.clean()


def test_every_action_has_exactly_one_lead_with_one_owner_kind():
    _quietly()

    leads = ActionOwner.objects.filter(role=ActionOwner.Role.LEAD)
    assert leads.count() == Action.objects.count() == leads.values("action").distinct().count()
    for owner in ActionOwner.objects.all():
        owner.clean()


def test_benchmark_accounts_have_the_documented_password_and_their_roles():
    _quietly()

    secretariat, member = (User.objects.get(username=name) for name in (BENCH_SECRETARIAT, BENCH_MEMBER))
    assert secretariat.check_password(BENCH_PASSWORD) and member.check_password(BENCH_PASSWORD)
    assert secretariat.is_staff and has_role(secretariat, Role.SECRETARIAT)
    assert has_role(member, Role.MEMBERS)
    assert Action.objects.led_by(member_of(member)).exists()


def test_command_refuses_a_database_that_holds_actions():
    ActionFactory()

    with pytest.raises(CommandError, match="already holds 1 actions"):
        call_command("generate_scale_data", "--actions", "5", "--updates", "5")

    assert Action.objects.count() == 1

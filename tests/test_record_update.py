"""Loading the record into a database in use: a record that differs from its fixture is
reported and kept as it is; `--update` applies what only the fixtures changed, refuses,
changing nothing, what the secretariat changed as well; `--dry-run` changes nothing."""

import io
import json
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from actions.loading.models import LoadedRecord
from actions.management.commands.load_record import RECORD_FIXTURES
from actions.models import Action
from actions.services import action_record_update
from audit.models import AuditEvent
from meetings.models import Decision, Meeting
from members.models import Member

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

CAMPAIGNS_TEXT = "develop public awareness campaign design guidelines for members to adapt to their own specific needs;"
RILON_TEXT = (
    "strengthen RILON networks as an effective means of exchanging immigration information and intelligence by "
    "developing the linkages between established RILONs and encouraging Bali Process Member States to establish "
    "RILONs."
)


def _rilon() -> Action:
    return Action.objects.get(initiative__slug="expansion-of-rilon", number=1)


def _campaigns() -> Action:
    return Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)


def _snapshot() -> list[dict]:
    """The record and what was loaded of it, by natural key."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        "members",
        "meetings",
        "actions",
        exclude=["actions.RecordVersion"],
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def _fixtures(tmp_path, edits: dict[str, list[tuple[str, str]]]) -> list[str]:
    """The record's files copied, with each edit (old text -> new) made in its file, where the
    old text is once."""
    paths = []
    for name in RECORD_FIXTURES:
        path = tmp_path / name
        shutil.copy(settings.BASE_DIR / "fixtures" / name, path)
        text = path.read_text(encoding="utf-8")
        for old, new in edits.get(name, []):
            assert text.count(old) == 1, f"{old!r} is not once in {name}"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def _load(*files: str, **options) -> str:
    out = io.StringIO()
    call_command("load_record", *files, stdout=out, **options)
    return out.getvalue()


def _complete(action: Action, user) -> None:
    """What the secretariat does on the action's page: a status update."""
    action_record_update(
        action=action,
        author=user,
        status=Action.Status.COMPLETED,
        progress=100,
        target_date=action.target_date,
        note="Completed: every member state has a liaison officer.",
    )


def test_loading_again_keeps_and_reports_each_record_the_secretariat_changed(record, secretariat_user):
    _complete(_rilon(), secretariat_user)
    _campaigns().mandates.add(Decision.objects.get(document__slug="bp-mc-5-2013-statement", number="1"))
    Meeting.objects.filter(slug="tewg-6").update(status=Meeting.Status.HELD)
    before = _snapshot()

    out = _load()

    assert _snapshot() == before
    assert out.splitlines() == [
        "kept as it is in the database: meetings.meeting 'tewg-6' (status differs from fixtures/meetings.yaml; "
        "changed in the database since it was loaded)",
        "kept as it is in the database: actions.action 'expansion-of-rilon' 1 (status, progress, status_note, "
        "updated_at differ from fixtures/strategy.yaml; changed in the database since it was loaded)",
        "kept as it is in the database: actions.action 'public-awareness-campaigns' 1 (mandates differs from "
        "fixtures/strategy.yaml; changed in the database since it was loaded)",
        "The record, from 6 files: 0 created, 594 already there, 3 differ (kept).",
    ]


def test_loading_the_unchanged_record_again_reports_it_all_there(record):
    assert _load() == "The record, from 6 files: 0 created, 597 already there, 0 differ (kept).\n"


def test_a_record_only_the_fixture_changed_is_reported_as_one_update_would_apply(record, tmp_path):
    files = _fixtures(tmp_path, {"strategy.yaml": [(CAMPAIGNS_TEXT, CAMPAIGNS_TEXT.replace("public awareness", "PA"))]})

    out = _load(*files)

    assert _campaigns().text == CAMPAIGNS_TEXT
    assert out.splitlines() == [
        f"kept as it is in the database: actions.action 'public-awareness-campaigns' 1 (text differs from "
        f"{tmp_path}/strategy.yaml; only the fixture changed since it was loaded: load_record --update applies it)",
        "The record, from 6 files: 0 created, 596 already there, 1 differ (kept).",
    ]


def test_update_applies_a_fixture_change_to_a_record_nobody_changed(record, tmp_path):
    new_text = CAMPAIGNS_TEXT.replace("public awareness", "public-awareness")
    files = _fixtures(tmp_path, {"strategy.yaml": [(CAMPAIGNS_TEXT, new_text)]})

    out = _load(*files, update=True)

    assert _campaigns().text == new_text
    assert out.splitlines() == [
        "Differences, each field as database value → fixture value:",
        f"updated: actions.action 'public-awareness-campaigns' 1 (from {tmp_path}/strategy.yaml, record 40):",
        f"  text: {json.dumps(CAMPAIGNS_TEXT)} → {json.dumps(new_text)}",
        "The record, from 6 files: 0 created, 596 already there, 1 updated, 0 differ (kept).",
    ]
    # Through the model, as any change: the audit trail has it, old -> new.
    change = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGED, object_id=str(_campaigns().pk)).get()
    assert change.changes == {"text": [CAMPAIGNS_TEXT, new_text]}
    # What was loaded is now the new text: the next update has nothing to do.
    assert _load(*files, update=True).splitlines() == [
        "The record, from 6 files: 0 created, 597 already there, 0 updated, 0 differ (kept).",
    ]


def test_update_refuses_a_record_the_secretariat_changed_and_changes_nothing_at_all(record, tmp_path, secretariat_user):
    _complete(_rilon(), secretariat_user)
    files = _fixtures(
        tmp_path,
        {
            "strategy.yaml": [(RILON_TEXT, RILON_TEXT + " Soon.")],
            # An edit the update could apply on its own, which waits with the rest.
            "members.yaml": [("name: Afghanistan,", "name: Afghanistan (Islamic Republic of),")],
        },
    )
    before = _snapshot()

    with pytest.raises(CommandError) as refused:
        _load(*files, update=True)

    assert str(refused.value) == (
        "Not updated: the secretariat has changed these records since they were loaded, and the fixtures change "
        "them too:\n"
        f"  {tmp_path}/strategy.yaml, record 35 (actions.action 'expansion-of-rilon' 1): the database changed "
        "status, progress, status_note, updated_at; the fixture would change\n"
        f"    text: {json.dumps(RILON_TEXT)} → {json.dumps(RILON_TEXT + ' Soon.')}\n"
        "Make the fixture's change in the admin if it is right, or take it out of the fixture, then run "
        "load_record --update again. Nothing was changed."
    )
    assert _snapshot() == before
    assert Member.objects.get(code="AF").name == "Afghanistan"


def test_update_leaves_alone_a_record_the_secretariat_changed_that_the_fixture_did_not(
    record, tmp_path, secretariat_user
):
    _complete(_rilon(), secretariat_user)
    new_text = CAMPAIGNS_TEXT.replace("design guidelines", "guidelines")
    files = _fixtures(tmp_path, {"strategy.yaml": [(CAMPAIGNS_TEXT, new_text)]})

    out = _load(*files, update=True)

    rilon = _rilon()
    assert (rilon.status, rilon.progress, rilon.status_note) == (
        Action.Status.COMPLETED,
        100,
        "Completed: every member state has a liaison officer.",
    )
    assert _campaigns().text == new_text
    assert (
        f"kept as it is in the database: actions.action 'expansion-of-rilon' 1 (status, progress, status_note, "
        f"updated_at differ from {tmp_path}/strategy.yaml; changed in the database since it was loaded)"
    ) in out.splitlines()
    assert out.splitlines()[-1] == "The record, from 6 files: 0 created, 595 already there, 1 updated, 1 differ (kept)."


def test_dry_run_shows_the_update_and_changes_nothing(record, tmp_path):
    new_text = CAMPAIGNS_TEXT.replace("members", "member states")
    files = _fixtures(tmp_path, {"strategy.yaml": [(CAMPAIGNS_TEXT, new_text)]})
    before = _snapshot()
    events = AuditEvent.objects.count()

    out = _load(*files, update=True, dry_run=True)

    assert _snapshot() == before
    assert AuditEvent.objects.count() == events
    assert out.splitlines() == [
        "Differences, each field as database value → fixture value:",
        f"updated: actions.action 'public-awareness-campaigns' 1 (from {tmp_path}/strategy.yaml, record 40):",
        f"  text: {json.dumps(CAMPAIGNS_TEXT)} → {json.dumps(new_text)}",
        "The record, from 6 files: 0 created, 596 already there, 1 updated, 0 differ (kept).",
        "Dry run: nothing was changed.",
    ]


def test_a_record_added_to_the_fixtures_is_created_and_the_rest_left_as_they_are(record, tmp_path, secretariat_user):
    _complete(_rilon(), secretariat_user)
    new_member = "- model: members.member\n  fields: {code: TV, name: Tuvalu, kind: country}\n"
    files = _fixtures(tmp_path, {})
    with open(tmp_path / "members.yaml", "a", encoding="utf-8") as members:
        members.write(new_member)

    out = _load(*files)

    assert Member.objects.get(code="TV").name == "Tuvalu"
    assert _rilon().status == Action.Status.COMPLETED
    assert out.splitlines()[-1] == "The record, from 6 files: 1 created, 596 already there, 1 differ (kept)."
    assert LoadedRecord.objects.filter(model="members.member", key='["TV"]').exists()


def test_a_database_loaded_before_loads_were_kept_is_taken_up_where_it_matches(record, tmp_path, secretariat_user):
    LoadedRecord.objects.all().delete()
    _complete(_rilon(), secretariat_user)

    out = _load()

    # Every record that matches its fixture is known as loaded from now on; the changed one is
    # the secretariat's, as nothing says what was loaded of it.
    assert LoadedRecord.objects.count() == 596
    assert not LoadedRecord.objects.filter(model="actions.action", key='["expansion-of-rilon", 1]').exists()
    assert out.splitlines()[0] == (
        "kept as it is in the database: actions.action 'expansion-of-rilon' 1 (status, progress, status_note, "
        "updated_at differ from fixtures/strategy.yaml; BaliTrack kept no trace of loading it, so it is left as the "
        "database has it)"
    )
    new_text = CAMPAIGNS_TEXT.replace("members", "member states")
    files = _fixtures(tmp_path, {"strategy.yaml": [(CAMPAIGNS_TEXT, new_text), (RILON_TEXT, RILON_TEXT + " Soon.")]})

    _load(*files, update=True)

    assert _campaigns().text == new_text
    assert (_rilon().text, _rilon().status) == (RILON_TEXT, Action.Status.COMPLETED)


def test_loading_only_into_a_database_without_the_record_reads_nothing_else(record, django_assert_num_queries):
    # SELECT 1 FROM actions_loadedrecord LIMIT 1: the record is there, so nothing more.
    with django_assert_num_queries(1):
        out = _load(if_absent=True)

    assert out == (
        "The record is in the database already: left as it is. (`manage.py load_record` reports what differs "
        "from fixtures/; add --update to apply it.)\n"
    )

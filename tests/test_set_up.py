"""Set-up (`make setup`, and `make run` before it serves) run again on a database in use
changes nothing anybody entered: statuses, history, mandates, meetings, focal points, users."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import checks
from django.core.management import call_command
from django.db import connection

from actions.models import Action
from actions.services import action_record_update
from meetings.models import Decision, Meeting
from members import demo
from members.models import FocalPoint, Member, Profile
from members.roles import Role

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

NEW_PASSWORD = "a passphrase of Siti's own"


@pytest.fixture
def embedded_demo(monkeypatch):
    """The embedded default, as on a developer's own machine (SQLite with DEBUG on), whatever
    database the tests run on."""
    monkeypatch.setattr(demo, "is_embedded_default", lambda: True)


def _set_up() -> str:
    """What `make setup` runs, and `make run` before it serves."""
    out = io.StringIO()
    call_command("setup", stdout=out)
    return out.getvalue()


def _everything() -> dict[str, list[dict]]:
    """Every row of every table, but the audit trail's (a sign-in would write one)."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and model._meta.label_lower != "audit.auditevent"
    }


def _edit_as_the_secretariat_does(secretariat_user) -> None:
    rilon = Action.objects.get(initiative__slug="expansion-of-rilon", number=1)
    action_record_update(
        action=rilon,
        author=secretariat_user,
        status=Action.Status.COMPLETED,
        progress=100,
        target_date=rilon.target_date,
        note="Completed: RILON links every member state.",
    )
    campaigns = Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)
    campaigns.mandates.add(Decision.objects.get(document__slug="bp-mc-5-2013-statement", number="1"))
    tewg = Meeting.objects.get(slug="tewg-6")
    tewg.status = Meeting.Status.HELD
    tewg.start_date = tewg.end_date = "2015-03-10"
    tewg.date_precision = Meeting.DatePrecision.DAY
    tewg.city = "Colombo"
    tewg.save(update_fields=["status", "start_date", "end_date", "date_precision", "city"])
    FocalPoint.objects.create(member=Member.objects.get(code="ID"), name="Dewi Lestari", email="dewi@kemlu.go.id")
    example = FocalPoint.objects.get(email="au.focal-point@example.org")
    example.name, example.email = "Jane Citizen", "jane.citizen@homeaffairs.gov.au"
    example.save(update_fields=["name", "email"])
    FocalPoint.objects.filter(email="nz.focal-point@example.org").delete()
    account = User.objects.get(username="secretariat")
    account.set_password(NEW_PASSWORD)
    account.first_name, account.last_name, account.email = "Siti", "Rahman", "siti@rso.example.org"
    account.save()
    cochair = User.objects.get(username="cochair")
    cochair.is_active = False
    cochair.save(update_fields=["is_active"])
    cochair.groups.clear()
    Profile.objects.filter(user__username="indonesia").update(member=Member.objects.get(code="AU"))


def test_setting_up_again_keeps_every_edit_the_secretariat_made(embedded_demo, secretariat_user):
    _set_up()
    _edit_as_the_secretariat_does(secretariat_user)
    before = _everything()

    _set_up()

    assert _everything() == before
    rilon = Action.objects.get(initiative__slug="expansion-of-rilon", number=1)
    assert (rilon.status, rilon.progress, rilon.status_note) == (
        Action.Status.COMPLETED,
        100,
        "Completed: RILON links every member state.",
    )
    assert list(rilon.updates.order_by("recorded_at").values_list("status", "author__username")) == [
        (Action.Status.IN_PROGRESS, None),
        (Action.Status.COMPLETED, "siti"),
    ]
    campaigns = Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)
    assert ("bp-mc-5-2013-statement", "1") in {d.natural_key() for d in campaigns.mandates.all()}
    tewg = Meeting.objects.get(slug="tewg-6")
    assert (tewg.status, str(tewg.start_date), tewg.city) == (Meeting.Status.HELD, "2015-03-10", "Colombo")
    assert sorted(FocalPoint.objects.filter(member__code__in=["ID", "AU", "NZ"]).values_list("email", flat=True)) == [
        "dewi@kemlu.go.id",
        "id.focal-point@example.org",
        "jane.citizen@homeaffairs.gov.au",
    ]
    account = User.objects.get(username="secretariat")
    assert account.check_password(NEW_PASSWORD)
    assert (account.get_full_name(), account.email) == ("Siti Rahman", "siti@rso.example.org")
    cochair = User.objects.get(username="cochair")
    assert (cochair.is_active, list(cochair.groups.all())) == (False, [])
    assert Profile.objects.get(user__username="indonesia").member.code == "AU"


def test_a_first_set_up_makes_the_demo_accounts_and_a_second_leaves_them(embedded_demo, settings):
    settings.SITE_URL = "http://127.0.0.1:8001"

    first = _set_up()
    second = _set_up()

    assert (
        "BaliTrack demo accounts (local demo only), at http://127.0.0.1:8001/:\n"
        "  admin        password balitrack-demo-admin         administrator (manages users)\n"
        "  secretariat  password balitrack-demo-secretariat   RSO secretariat officer\n"
        "  cochair      password balitrack-demo-cochair       co-chairs' officer\n"
        "  indonesia    password balitrack-demo-indonesia     focal point user for Indonesia\n"
        "Example focal points (demo, example.org) for 6 members.\n"
    ) in first
    assert second.endswith(
        "The record is in the database already: left as it is. (`manage.py load_record` reports what differs "
        "from fixtures/; add --update to apply it.)\n"
        "BaliTrack demo accounts (local demo only), at http://127.0.0.1:8001/:\n"
        "  admin        password balitrack-demo-admin         administrator (manages users), already there and "
        "left as it is (the password is this one unless it was changed)\n"
        "  secretariat  password balitrack-demo-secretariat   RSO secretariat officer, already there and left as "
        "it is (the password is this one unless it was changed)\n"
        "  cochair      password balitrack-demo-cochair       co-chairs' officer, already there and left as it is "
        "(the password is this one unless it was changed)\n"
        "  indonesia    password balitrack-demo-indonesia     focal point user for Indonesia, already there and "
        "left as it is (the password is this one unless it was changed)\n"
        "Focal points are entered already: left as they are, and no example added.\n"
    )
    secretariat = User.objects.get(username="secretariat")
    assert secretariat.check_password("balitrack-demo-secretariat")
    assert (secretariat.is_staff, list(secretariat.groups.values_list("name", flat=True))) == (
        True,
        [Role.SECRETARIAT.value],
    )
    assert Profile.objects.get(user__username="indonesia").member.code == "ID"


def test_a_deleted_demo_focal_point_does_not_come_back(embedded_demo):
    _set_up()
    FocalPoint.objects.filter(member__code="NZ").delete()

    _set_up()

    assert not FocalPoint.objects.filter(member__code="NZ").exists()
    assert FocalPoint.objects.count() == 5


def test_set_up_elsewhere_than_the_embedded_default_makes_no_account_and_no_person():
    # The tests run with DEBUG off, as production does.
    out = _set_up()

    assert "No demo accounts: this is not the embedded default (SQLite with DEBUG on).\n" in out
    assert not User.objects.exists()
    assert not FocalPoint.objects.exists()
    assert Group.objects.filter(name=Role.SECRETARIAT.value).exists()
    assert Action.objects.count() == 31


def test_the_database_checks_that_migrate_runs_warn_of_nothing(settings):
    messages = checks.run_checks(databases=["default"])

    assert [m.id for m in messages if m.level >= checks.WARNING and not m.is_silenced()] == []
    # SQLite cannot INCLUDE a column in an index (models.W040): silenced there, and only there.
    assert ("models.W040" in settings.SILENCED_SYSTEM_CHECKS) == (connection.vendor == "sqlite")

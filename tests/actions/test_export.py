"""The register as CSV."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from actions.models import Action
from balitrack.lib.csv_export import safe_cell
from tests.factories import ActionFactory, ActionOwnerFactory, BodyFactory, ForumFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("actions:export")


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_export_needs_a_signed_in_user(client):
    assert client.get(EXPORT).status_code == 302


def test_export_streams_exactly_the_filtered_actions(client, record, member_user):
    client.force_login(member_user)

    response = client.get(f"{EXPORT}?lead=ID&via_bodies=on&status=in_progress")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="balitrack-actions-')
    header, *rows = _rows(response)
    assert header[:5] == ["id", "theme", "initiative", "action number", "action"]
    assert sorted((row[2], row[3]) for row in rows) == [
        ("Disembarkation mapping", "1"),
        ("Expansion of RILON", "1"),
    ]
    rilon = next(row for row in rows if row[2] == "Expansion of RILON")
    assert (rilon[5], rilon[7], rilon[8]) == ("Regional Support Office", "In progress", "0")
    assert rilon[-1].endswith(f"/actions/{rilon[0]}/")


def test_export_says_through_which_body_and_role_a_row_is_listed(client, record, member_user):
    client.force_login(member_user)

    header, *rows = _rows(client.get(f"{EXPORT}?lead=ID&via_bodies=on"))

    assert header[-2:] == ["Listed because", "link"]
    because = {(row[2], row[3]): row[-2] for row in rows}
    assert len(because) == 20
    assert because[("Expansion of RILON", "1")] == "through the Regional Support Office, as co-manager"
    assert because[("Working Group on Trafficking in Persons (WGTIP)", "1")] == (
        "through the Working Group on Trafficking in Persons, as co-chair"
    )
    assert because[("Workshop on Biometrics", "1")] == ""


def test_export_without_bodies_leaves_listed_because_empty(client, record, member_user):
    client.force_login(member_user)

    for query in ("lead=ID", "via_bodies=on", ""):
        _header, *rows = _rows(client.get(f"{EXPORT}?{query}"))

        assert rows
        assert {row[-2] for row in rows} == {""}


def test_export_of_the_whole_register_has_every_action(client, record, co_chair_user):
    client.force_login(co_chair_user)

    _header, *rows = _rows(client.get(EXPORT))

    assert len(rows) == Action.objects.count() == 31


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, co_chair_user):
    ActionOwnerFactory(action=ActionFactory(text='=HYPERLINK("http://evil.example","x")'), member__name="@Evil")
    ActionFactory(text="-1+1")
    client.force_login(co_chair_user)

    _header, *rows = _rows(client.get(EXPORT))

    texts = {row[4] for row in rows}
    assert texts == {'\'=HYPERLINK("http://evil.example","x")', "'-1+1"}
    assert "'@Evil" in {row[5] for row in rows}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+44", "'+44"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("\tx", "'\tx"), ("plain", "plain")],
)
def test_safe_cell_guards_formula_starts(value, expected):
    assert safe_cell(value) == expected


def test_export_with_a_filter_it_cannot_read_goes_back_with_a_message(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{EXPORT}?status=finished", follow=True)

    assert response.redirect_chain[0][0] == "/actions/?status=finished"
    assert "The export was not made" in response.content.decode()


@pytest.mark.parametrize("batch", [1, 2000])
def test_owners_read_leads_first_then_the_others_with_their_roles_whatever_the_batch(
    client, co_chair_user, monkeypatch, batch
):
    monkeypatch.setattr("actions.export.BATCH", batch)
    first, second = ActionFactory(number=1), ActionFactory(number=2)
    ActionOwnerFactory(action=first, role="support", member__name="Supportland")
    ActionOwnerFactory(action=first, role="co_lead", member__name="Colead")
    ActionOwnerFactory(action=first, role="lead", member=None, body=BodyFactory(name="A Working Group"))
    ActionOwnerFactory(action=first, role="funder", member=None, forum=ForumFactory(name="A Forum"))
    ActionOwnerFactory(action=second, role="lead", member__name="Secondland")
    client.force_login(co_chair_user)

    _header, *rows = _rows(client.get(EXPORT))

    assert sorted((row[0], row[5], row[6]) for row in rows) == [
        (str(first.pk), "A Working Group; Colead", "Supportland (support); A Forum (funder)"),
        (str(second.pk), "Secondland", ""),
    ]

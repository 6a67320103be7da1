"""The register as XLSX: the CSV's rows, with ids, versions, editable columns and validation."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, ActionOwner
from actions.scale_data import generate
from actions.spreadsheet import FIRST_ROW, HEADER, MARKER, SHEET_TITLE
from members.models import Member
from tests.factories import ActionFactory, ActionOwnerFactory

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))[SHEET_TITLE]


def test_the_sheet_has_the_id_and_version_of_each_action_and_its_values_as_typed_cells(client, secretariat_user):
    action = ActionFactory(status="in_progress", progress=40, target_date=datetime.date(2026, 6, 30))
    Action.objects.filter(pk=action.pk).update(version=3, status_note='=HYPERLINK("x")')
    client.force_login(secretariat_user)

    sheet = _sheet(client.get(reverse("actions:export-xlsx")))

    assert sheet["A1"].value.startswith(MARKER)
    assert [cell.value for cell in sheet[2]] == HEADER
    row = {name: cell for name, cell in zip(HEADER, sheet[FIRST_ROW], strict=True)}
    assert (row["id"].value, row["version"].value) == (action.pk, 3)
    assert row["status"].value == "In progress"
    assert row["progress (%)"].value == 40
    assert row["target date"].value == datetime.datetime(2026, 6, 30)
    assert row["target date"].is_date
    # Text from the record is text, never a formula.
    assert (row["latest note"].value, row["latest note"].data_type) == ('=HYPERLINK("x")', "s")
    assert sheet.max_row == FIRST_ROW


def test_only_the_editable_columns_are_unlocked_marked_and_validated(client, secretariat_user):
    ActionFactory()
    client.force_login(secretariat_user)

    sheet = _sheet(client.get(reverse("actions:export-xlsx")))

    assert sheet.protection.sheet
    unlocked = {name for name, cell in zip(HEADER, sheet[FIRST_ROW], strict=True) if not cell.protection.locked}
    assert unlocked == {"status", "progress (%)", "target date", "note for this update"}
    commented = {cell.value for cell in sheet[2] if cell.comment}
    assert commented == unlocked
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["H3:H1048576"].type == "list"
    assert validations["H3:H1048576"].formula1 == '"Not started,Planned,In progress,Completed,On hold,Discontinued"'
    assert (validations["I3:I1048576"].type, validations["I3:I1048576"].formula2) == ("whole", "100")
    assert validations["J3:J1048576"].type == "date"


def test_the_sheet_has_the_rows_of_the_csv_with_the_same_filters(client, member_user):
    indonesia = Member.objects.get(code="ID")
    led = ActionFactory()
    ActionOwnerFactory(action=led, member=indonesia, role=ActionOwner.Role.LEAD)
    ActionFactory(initiative=led.initiative)
    client.force_login(member_user)

    sheet = _sheet(client.get(reverse("actions:export-xlsx") + "?lead=ID"))
    csv_lines = b"".join(client.get(reverse("actions:export") + "?lead=ID").streaming_content).decode().splitlines()

    assert [row[0].value for row in sheet.iter_rows(min_row=FIRST_ROW)] == [led.pk]
    assert len(csv_lines) == 2
    assert sheet[FIRST_ROW][6].value == "Indonesia"


def test_an_export_with_a_filter_that_is_not_valid_sends_back_to_the_register(client, secretariat_user):
    client.force_login(secretariat_user)

    response = client.get(reverse("actions:export-xlsx") + "?status=nonsense")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("actions:register"))


@pytest.mark.parametrize("size", [20, 300])
def test_the_export_costs_the_same_queries_whatever_the_number_of_actions(client, secretariat_user, settings, size):
    generate(actions=size, updates=size, seed=1, log=lambda line: None)
    client.force_login(secretariat_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actions:export-xlsx"))
        assert response.status_code == 200

    # 1 the session, 2 the user, 3 the current strategy (the filters' default), 4 the actions
    # (one cursor), 5 their owners (one batch of up to 2,000 actions): the same at both sizes.
    assert len(queries) == EXPORT_QUERIES, [query["sql"][:120] for query in queries]


EXPORT_QUERIES = 5

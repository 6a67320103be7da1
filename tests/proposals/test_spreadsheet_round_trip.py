"""The spreadsheet round trip: export the register, fill the sheet in, upload it, preview, apply."""

import datetime
import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import ActionOwner, ActionUpdate
from actions.services import action_record_update
from actions.spreadsheet import FIRST_ROW, HEADER
from members.models import BodyMembership, Member
from proposals.access import member_parts
from proposals.models import Proposal
from tests.browser_forms import form_data
from tests.factories import ActionFactory, ActionOwnerFactory, BodyMembershipFactory, MemberFactory

pytestmark = pytest.mark.django_db

COLUMN = {name: index for index, name in enumerate(HEADER)}


def _export(client, query: str = "") -> bytes:
    response = client.get(reverse("actions:export-xlsx") + query)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _edit(content: bytes, edits: dict[int, dict[str, object]]) -> bytes:
    """The sheet with the cells of the rows named (by action id) changed, as a person would in a
    spreadsheet program."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Actions"]
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        for name, value in edits.get(row[0].value, {}).items():
            row[COLUMN[name]].value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str = "register.xlsx"):
    """Submit the upload form as the browser shows it, with the file chosen."""
    page = client.get(reverse("proposals:sheet"))
    data = form_data(page.content.decode(), "upload-sheet")
    return client.post(reverse("proposals:sheet"), {**data, "sheet": SimpleUploadedFile(name, content)})


def _confirm(client, preview):
    data = form_data(preview.content.decode(), "apply-sheet")
    return client.post(reverse("proposals:sheet-apply"), data)


@pytest.fixture
def six_actions(db):
    first = ActionFactory(status="planned", progress=0)
    return [first] + [ActionFactory(initiative=first.initiative, status="planned", progress=0) for _ in range(5)]


def test_a_sheet_with_three_changes_a_bad_status_a_conflict_and_an_unknown_id_previews_exactly_those(
    client, secretariat_user, second_officer, six_actions
):
    one, two, three, bad, meanwhile, unknown = six_actions
    client.force_login(secretariat_user)
    content = _edit(
        _export(client),
        {
            one.pk: {"status": "In progress", "progress (%)": 30},
            two.pk: {"target date": datetime.datetime(2027, 3, 31)},
            three.pk: {"note for this update": "Workshop held in Bangkok."},
            bad.pk: {"status": "Almost done"},
            meanwhile.pk: {"progress (%)": 50},
            unknown.pk: {"id": 999999},
        },
    )
    action_record_update(
        action=meanwhile, author=second_officer, status="in_progress", progress=20, target_date=None, note="x"
    )

    preview = _upload(client, content)

    assert preview.status_code == 200
    changes = preview.context["preview"].comparison
    assert [(change.row.action_id, [(f.label, f.old, f.new) for f in change.fields]) for change in changes.changes] == [
        (one.pk, [("Status", "Planned", "In progress"), ("Progress", "0%", "30%")]),
        (two.pk, [("Target date", "not set", "31 March 2027")]),
        (three.pk, [("Note", "none", "Workshop held in Bangkok.")]),
    ]
    assert [change.row.action_id for change in changes.conflicts] == [meanwhile.pk]
    rows = {action.pk: FIRST_ROW + index for index, action in enumerate(six_actions)}
    assert [(error.row, error.reason) for error in changes.errors] == [
        (
            rows[bad.pk],
            "The status “Almost done” is not one of Not started, Planned, In progress, Completed, On hold, "
            "Discontinued.",
        ),
        (rows[unknown.pk], "No action has the id 999999: do not change ids."),
    ]
    assert "Planned → <strong>In progress</strong>" in preview.content.decode()
    assert ActionUpdate.objects.count() == 1

    applied = _confirm(client, preview)

    assert applied.status_code == 302
    assert set(ActionUpdate.objects.filter(author=secretariat_user).values_list("action_id", flat=True)) == {
        one.pk,
        two.pk,
        three.pk,
    }
    assert ActionUpdate.objects.count() == 4
    one.refresh_from_db()
    assert (one.status, one.progress, one.version) == ("in_progress", 30, 1)
    meanwhile.refresh_from_db()
    assert meanwhile.progress == 20

    # The same sheet again: every version it names has moved, but its values are the record's.
    again = _upload(client, content)

    comparison = again.context["preview"].comparison
    assert comparison.changes == []
    assert [change.row.action_id for change in comparison.conflicts] == [meanwhile.pk]
    assert again.context["apply_form"] is None
    assert ActionUpdate.objects.count() == 4


def test_the_sheet_uploaded_again_after_it_was_applied_has_nothing_to_change(client, secretariat_user, six_actions):
    client.force_login(secretariat_user)
    content = _edit(_export(client), {six_actions[0].pk: {"status": "On hold", "note for this update": "Funding."}})
    assert _confirm(client, _upload(client, content)).status_code == 302

    again = _upload(client, content)

    assert "Nothing to change" in again.content.decode()
    assert again.context["preview"].comparison.unchanged == 6
    assert ActionUpdate.objects.count() == 1


def test_an_action_changed_between_preview_and_confirmation_applies_nothing_and_shows_the_conflict(
    client, secretariat_user, second_officer, six_actions
):
    one, two = six_actions[:2]
    client.force_login(secretariat_user)
    content = _edit(_export(client), {one.pk: {"progress (%)": 10}, two.pk: {"progress (%)": 20}})
    preview = _upload(client, content)
    action_record_update(action=two, author=second_officer, status="planned", progress=5, target_date=None, note="")

    response = _confirm(client, preview)

    assert response.status_code == 409
    assert [change.row.action_id for change in response.context["preview"].comparison.conflicts] == [two.pk]
    assert ActionUpdate.objects.filter(author=secretariat_user).count() == 0
    # What still stands can be applied from the page shown.
    assert _confirm(client, response).status_code == 302
    assert list(ActionUpdate.objects.filter(author=secretariat_user).values_list("action_id", flat=True)) == [one.pk]


def test_the_secretariats_sheet_does_not_close_an_action_while_closing_takes_two_keys(
    client, secretariat_user, six_actions
):
    client.force_login(secretariat_user)
    content = _edit(_export(client), {six_actions[0].pk: {"status": "Completed", "progress (%)": 100}})

    preview = _upload(client, content)

    [error] = preview.context["preview"].comparison.errors
    assert error.reason.startswith("Closing an action (completed or discontinued) takes two people")
    assert preview.context["apply_form"] is None


def test_a_members_sheet_becomes_its_proposals_and_rows_about_other_members_actions_are_refused(
    client, member_user, six_actions
):
    indonesia = Member.objects.get(code="ID")
    ours, theirs = six_actions[:2]
    ActionOwnerFactory(action=ours, member=indonesia, role=ActionOwner.Role.SUPPORT)
    ActionOwnerFactory(action=theirs, member=MemberFactory(code="TH", name="Thailand"), role=ActionOwner.Role.LEAD)
    client.force_login(member_user)
    content = _edit(
        _export(client),
        {
            ours.pk: {"progress (%)": 40, "note for this update": "Trained 20 officers."},
            theirs.pk: {"progress (%)": 90},
        },
    )

    preview = _upload(client, content)

    comparison = preview.context["preview"].comparison
    assert [change.row.action_id for change in comparison.changes] == [ours.pk]
    assert [(error.action_id, error.reason) for error in comparison.errors] == [
        (theirs.pk, "Indonesia has no part in this action, so it proposes no update on it.")
    ]
    assert _confirm(client, preview).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.action, proposal.member, proposal.proposed_by, proposal.progress, proposal.note) == (
        ours,
        indonesia,
        member_user,
        40,
        "Trained 20 officers.",
    )
    assert not ActionUpdate.objects.exists()
    # Uploaded again, the row is the proposal already waiting: nothing to send.
    again = _upload(client, content)
    assert again.context["preview"].changes == []
    assert again.context["preview"].already_proposed == 1
    assert Proposal.objects.count() == 1


def test_the_upload_pages_export_link_has_every_action_the_member_may_propose_on(client, member_user, six_actions):
    indonesia = Member.objects.get(code="ID")
    own, through_a_body, led_by_its_body, theirs = six_actions[:4]
    ActionOwnerFactory(action=own, member=indonesia, role=ActionOwner.Role.CO_SPONSOR)
    office = BodyMembershipFactory(member=indonesia, role=BodyMembership.Role.CO_MANAGER).body
    ActionOwnerFactory(action=through_a_body, member=None, body=office, role=ActionOwner.Role.SUPPORT)
    ActionOwnerFactory(action=led_by_its_body, member=None, body=office, role=ActionOwner.Role.LEAD)
    ActionOwnerFactory(action=theirs, member=MemberFactory(code="TH", name="Thailand"), role=ActionOwner.Role.LEAD)
    client.force_login(member_user)
    page = client.get(reverse("proposals:sheet")).content.decode()
    [query] = re.findall(r'href="/actions/export\.xlsx(\?[^"]*)"', page)

    workbook = load_workbook(io.BytesIO(_export(client, html.unescape(query))))
    listed = [row[0] for row in workbook["Actions"].iter_rows(min_row=FIRST_ROW, values_only=True)]

    assert sorted(listed) == sorted([own.pk, through_a_body.pk, led_by_its_body.pk])
    assert member_parts(indonesia, [action.pk for action in six_actions]) == {
        own.pk: False,
        through_a_body.pk: False,
        led_by_its_body.pk: True,
    }


def test_a_supporting_member_does_not_propose_closing_from_a_sheet(client, member_user, six_actions):
    ActionOwnerFactory(action=six_actions[0], member=Member.objects.get(code="ID"), role=ActionOwner.Role.SUPPORT)
    client.force_login(member_user)
    content = _edit(_export(client), {six_actions[0].pk: {"status": "Completed", "progress (%)": 100}})

    preview = _upload(client, content)

    [error] = preview.context["preview"].comparison.errors
    assert error.reason.startswith("Only a member that leads this action proposes closing it")


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _other_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Sheet1"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"id,status\n1,planned\n", "This file is not an XLSX workbook."),
        (_zip({"hello.txt": b"hello"}), "This file is a zip archive but not an XLSX workbook BaliTrack can read."),
        (_zip({"bomb.xml": b"\0" * (61 * 1024 * 1024)}), "This workbook unpacks to more than 60 MB"),
        (_other_workbook(), "This workbook has no sheet named “Actions”"),
    ],
    ids=["empty", "csv named xlsx", "zip not xlsx", "zip bomb", "wrong sheet"],
)
def test_a_file_that_is_not_a_balitrack_sheet_is_refused_with_a_message(client, secretariat_user, content, message):
    client.force_login(secretariat_user)

    response = _upload(client, content)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["sheet"])
    assert not ActionUpdate.objects.exists()


def test_a_sheet_over_the_size_limit_is_refused(client, secretariat_user, settings):
    client.force_login(secretariat_user)

    response = _upload(client, b"PK" + b"\0" * (5 * 1024 * 1024))

    assert response.status_code == 400
    assert "a sheet can be at most 5 MB" in response.context["form"].errors["sheet"][0]


def test_a_sheet_of_more_than_ten_thousand_rows_is_refused(client, secretariat_user, six_actions):
    client.force_login(secretariat_user)
    workbook = load_workbook(io.BytesIO(_export(client)))
    sheet = workbook["Actions"]
    for number in range(10_001):
        sheet.append([number + 1, 0, "", "", 1, "", "", "Planned", 0])
    out = io.BytesIO()
    workbook.save(out)

    response = _upload(client, out.getvalue())

    assert response.status_code == 400
    assert "more than 10,000 rows" in response.context["form"].errors["sheet"][0]


def test_formulas_text_in_number_cells_and_bad_dates_are_refused_row_by_row(client, secretariat_user, six_actions):
    one, two, three, four = six_actions[:4]
    client.force_login(secretariat_user)
    content = _edit(
        _export(client),
        {
            one.pk: {"progress (%)": "=50+10"},
            two.pk: {"progress (%)": "fifty"},
            three.pk: {"target date": "next spring"},
            four.pk: {"progress (%)": 140},
        },
    )

    response = _upload(client, content)

    assert response.status_code == 200
    assert [error.reason for error in response.context["preview"].comparison.errors] == [
        "The “progress (%)” column holds a formula; BaliTrack reads values only. Type the value instead.",
        "The progress “fifty” is not a whole number from 0 to 100.",
        "The target date “next spring” is not a date.",
        "The progress “140” is not a whole number from 0 to 100.",
    ]


def test_a_confirmation_without_a_preview_behind_it_applies_nothing(client, secretariat_user, six_actions):
    client.force_login(secretariat_user)

    response = client.post(reverse("proposals:sheet-apply"), {"digest": "0" * 64})

    assert response.status_code == 400
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("size", [6, 60])
def test_the_preview_costs_the_same_queries_whatever_the_number_of_rows(client, secretariat_user, size):
    first = ActionFactory()
    actions = [first] + [ActionFactory(initiative=first.initiative) for _ in range(size - 1)]
    client.force_login(secretariat_user)
    content = _edit(_export(client), {action.pk: {"progress (%)": 10} for action in actions})
    page = client.get(reverse("proposals:sheet"))
    data = form_data(page.content.decode(), "upload-sheet")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("proposals:sheet"), {**data, "sheet": SimpleUploadedFile("s.xlsx", content)})

    assert len(response.context["preview"].changes) == size
    # 1 SAVEPOINT, 2 the session, 3 the user, 4-5 its own and its groups' permissions, 6 the
    # actions the rows name, 7 the queue's count in the navigation, 8 RELEASE; 9-11 the session
    # saved with the rows to apply (SAVEPOINT, UPDATE, RELEASE): the same for 6 rows and for 60.
    assert len(queries) == PREVIEW_QUERIES, [query["sql"][:100] for query in queries]


PREVIEW_QUERIES = 11


def test_the_register_links_to_the_xlsx_and_to_the_upload_for_those_who_may(client, secretariat_user, co_chair_user):
    ActionFactory()
    client.force_login(secretariat_user)
    page = client.get(reverse("actions:register")).content.decode()
    assert reverse("actions:export-xlsx") in page
    assert reverse("proposals:sheet") in page

    client.force_login(co_chair_user)
    page = client.get(reverse("actions:register")).content.decode()
    assert reverse("actions:export-xlsx") in page
    assert reverse("proposals:sheet") not in page

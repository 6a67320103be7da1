"""The spreadsheet round trip in a real browser: the register's XLSX downloaded, filled in with
openpyxl as a spreadsheet program would, uploaded, previewed and confirmed."""

import datetime
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Download, Page, ViewportSize, expect

from actions.models import Action
from actions.spreadsheet import FIRST_ROW, HEADER, SHEET_TITLE
from proposals.models import Proposal

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS: dict[str, ViewportSize] = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
COLUMN = {name: index for index, name in enumerate(HEADER)}


def _action(initiative: str, number: int) -> Action:
    return Action.objects.get(initiative__slug=initiative, number=number)


def _edited(download: Download, edits: dict[int, dict[str, object]], out: Path) -> Path:
    """The downloaded sheet with the cells of the rows named (by action id) changed, saved to
    `out`; every row named must be in the sheet."""
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook[SHEET_TITLE]
    found = set()
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        for name, value in edits.get(row[0].value, {}).items():
            row[COLUMN[name]].value = value
            found.add(row[0].value)
    assert found == set(edits), f"rows missing from the downloaded sheet: {set(edits) - found}"
    workbook.save(out)
    return out


def _preview_at_both_widths(page: Page, screenshot, name: str) -> None:
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.locator("#preview-heading").scroll_into_view_if_needed()
        screenshot(f"{name}-{width}")
        # Nothing on the page is wider than the screen: the tables stack on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
    page.set_viewport_size(WIDTHS["1280"])


def test_the_secretariat_downloads_the_register_fills_it_in_and_uploads_it(
    page, sign_in, live_record, secretariat_user, screenshot, tmp_path
):
    campaigns = _action("public-awareness-campaigns", 1)
    avrr = _action("avrr-project", 1)
    base = live_record.url
    sign_in(secretariat_user)
    page.goto(base + "/actions/")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download XLSX").click()
    assert downloading.value.suggested_filename.endswith(".xlsx")
    sheet = _edited(
        downloading.value,
        {
            campaigns.pk: {"status": "In progress", "progress (%)": 30, "note for this update": "Guidelines drafted."},
            avrr.pk: {"target date": datetime.datetime(2027, 6, 30)},
        },
        tmp_path / "register.xlsx",
    )

    page.get_by_role("link", name="Upload a filled-in sheet").click()
    expect(page.get_by_role("heading", name="Upload a filled-in sheet", level=1)).to_be_visible()
    page.get_by_label("The filled-in sheet (.xlsx)").set_input_files(sheet)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview", level=2)).to_be_visible()
    to_apply = page.get_by_role("table", name="Rows that would change their action")
    expect(to_apply.get_by_role("row")).to_have_count(3)  # the head and two rows
    campaigns_row = to_apply.get_by_role("row").filter(has_text="Public awareness campaigns — action 1")
    expect(campaigns_row).to_contain_text("Status: Planned → In progress")
    expect(campaigns_row).to_contain_text("Progress: 0% → 30%")
    expect(campaigns_row).to_contain_text("→ Guidelines drafted.")
    expect(to_apply.get_by_role("row").filter(has_text="(AVRR) project — action 1")).to_contain_text(
        "Target date: not set → 30 June 2027"
    )
    _preview_at_both_widths(page, screenshot, "sheet-preview-secretariat")

    page.get_by_role("button", name="Apply 2 updates").click()
    expect(page.get_by_role("status")).to_contain_text("2 status updates were recorded.")

    page.goto(base + campaigns.get_absolute_url())
    latest = page.locator(".history__item").first
    expect(latest).to_contain_text("Siti Rahman")
    expect(latest).to_contain_text("Planned → In progress, 30%")
    expect(latest).to_contain_text("Guidelines drafted.")
    page.goto(base + avrr.get_absolute_url())
    latest = page.locator(".history__item").first
    expect(latest).to_contain_text("Siti Rahman")
    expect(latest).to_contain_text("target set to 30 Jun 2027")
    campaigns.refresh_from_db()
    avrr.refresh_from_db()
    assert (campaigns.status, campaigns.progress, campaigns.version) == ("in_progress", 30, 1)
    assert (avrr.target_date, avrr.version) == (datetime.date(2027, 6, 30), 1)


def test_a_members_focal_point_uploads_a_sheet_and_its_rows_become_proposals(
    page, sign_in, live_record, member_user, screenshot, tmp_path
):
    # Indonesia co-sponsors the first; it has a part in the second only through the RSO, which
    # it co-manages (the RSO supports the AVRR project).
    campaigns = _action("public-awareness-campaigns", 1)
    avrr = _action("avrr-project", 1)
    base = live_record.url
    sign_in(member_user)
    page.goto(base + "/actions/")
    page.get_by_role("link", name="Upload a filled-in sheet").click()

    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("^the actions Indonesia has a part in, itself or through")).click()
    sheet = _edited(
        downloading.value,
        {
            campaigns.pk: {"progress (%)": 20, "note for this update": "Guidelines drafted in Bahasa Indonesia."},
            avrr.pk: {"status": "Planned", "note for this update": "Funding requested."},
        },
        tmp_path / "indonesia.xlsx",
    )
    page.get_by_label("The filled-in sheet (.xlsx)").set_input_files(sheet)
    page.get_by_role("button", name="Upload and preview").click()

    to_propose = page.get_by_role("table", name="Rows that would change their action")
    expect(to_propose.get_by_role("row")).to_have_count(3)
    expect(to_propose).to_contain_text("Progress: 0% → 20%")
    expect(to_propose).to_contain_text("Status: Not started → Planned")
    _preview_at_both_widths(page, screenshot, "sheet-preview-member")

    page.get_by_role("button", name="Send 2 proposals").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 proposals were sent to the Secretariat for Indonesia, which accepts or returns each."
    )

    page.goto(base + campaigns.get_absolute_url())
    pending = page.locator(".proposal--pending")
    expect(pending).to_contain_text("Pending review")
    expect(pending).to_contain_text("Dewi Lestari for Indonesia")
    expect(pending).to_contain_text("Guidelines drafted in Bahasa Indonesia.")
    page.goto(base + avrr.get_absolute_url())
    expect(page.locator(".proposal--pending")).to_contain_text("Funding requested.")
    assert set(Proposal.objects.values_list("action_id", "member__code", "state")) == {
        (campaigns.pk, "ID", Proposal.State.PENDING),
        (avrr.pk, "ID", Proposal.State.PENDING),
    }
    campaigns.refresh_from_db()
    assert (campaigns.progress, campaigns.version) == (0, 0)

"""What users do in a real browser, against the real record."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Action
from members.models import Member

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_member_filters_by_lead_country_and_sees_only_matching_actions(page, sign_in, member_user, screenshot):
    sign_in(member_user)

    expect(page).to_have_url(re.compile(r"/actions/\?lead=ID$"))
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Indonesia and Australia to confirm dates")

    page.get_by_label("Lead country or organisation").select_option(label="New Zealand")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"lead=NZ"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(Action.objects.led_by(Member.objects.get(code="NZ")).count())
    for row in rows.all():
        expect(row).to_contain_text("Roundtable on Migration and Transnational Crime")
    screenshot("register-filtered-by-new-zealand")


def test_secretariat_records_an_update_and_sees_it_at_the_top_of_the_history(
    page, sign_in, secretariat_user, screenshot
):
    action = Action.objects.get(initiative__slug="expansion-of-rilon", number=1)
    sign_in(secretariat_user)
    page.goto(page.url.split("/actions/")[0] + action.get_absolute_url())

    # On hold, not completed: closing an action takes two keys (tests/browser/test_proposals_in_browser.py).
    page.get_by_label("Status", exact=True).select_option("on_hold")
    page.get_by_label("Progress (%)").fill("60")
    page.get_by_label("Note", exact=True).fill("RILON review paused until the new RILONs report.")
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_role("status")).to_contain_text("The update was recorded.")
    newest = page.locator(".history__item").first
    expect(newest).to_contain_text("In progress → On hold, 60%")
    expect(newest).to_contain_text("RILON review paused until the new RILONs report.")
    expect(newest).to_contain_text("Siti Rahman")
    screenshot("action-after-update")


def test_member_sees_no_status_form(page, sign_in, member_user, screenshot):
    action = Action.objects.get(initiative__slug="workshop-on-biometrics", number=1)
    sign_in(member_user)
    page.goto(page.url.split("/actions/")[0] + action.get_absolute_url())

    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Record a status update")).to_have_count(0)
    expect(page.locator("form[action$='/update-status/']")).to_have_count(0)
    screenshot("action-as-member")


PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_first_result_shows_without_scrolling_while_the_filters_are_folded(
    page, sign_in, member_user, screenshot
):
    page.set_viewport_size(PHONE)
    sign_in(member_user)
    page.goto(page.url.split("/actions/")[0] + "/actions/?lead=ID&via_bodies=on")

    expect(page.get_by_role("group", name="Status")).to_be_hidden()
    expect(page.locator("summary")).to_have_text("Filters (2 active)")
    first = page.locator("tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["y"] + min(box["height"], 40) < PHONE["height"]
    # The page itself never scrolls sideways; the table reflows into cards.
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    expect(page.get_by_role("link", name="Remove filter: Lead: Indonesia")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Listed through the Regional Support Office, as co-manager")
    screenshot("register-390-folded")

    page.locator("summary").click()
    expect(page.get_by_role("group", name="Status")).to_be_visible()
    screenshot("register-390-filters-open")


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(page, sign_in, member_user, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(member_user)
    page.goto(page.url.split("/actions/")[0] + "/actions/?lead=ID&via_bodies=on")

    expect(page.get_by_label("Lead country or organisation")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    screenshot("register-1280")


def test_removing_a_chip_drops_that_filter_only(page, sign_in, member_user):
    sign_in(member_user)
    page.goto(page.url.split("/actions/")[0] + "/actions/?lead=ID&via_bodies=on&status=in_progress")
    expect(page.get_by_role("heading", name="2 actions")).to_be_visible()

    page.get_by_role("link", name="Remove filter: Status: In progress").click()

    expect(page).to_have_url(re.compile(r"/actions/\?lead=ID&via_bodies=on$"))
    expect(page.get_by_role("heading", name="20 actions")).to_be_visible()


def test_the_submitted_form_gives_a_short_link_and_the_copied_link_reproduces_the_filter(
    page, context, sign_in, member_user
):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(member_user)
    page.get_by_label("Lead country or organisation").select_option(label="New Zealand")
    page.get_by_label("Planned").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/actions/\?lead=NZ&status=planned$"))
    rows = page.locator("tbody tr").all_inner_texts()

    page.get_by_role("link", name="Copy link").click()

    expect(page.locator("#copy-status")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    other = context.new_page()
    other.goto(copied)
    expect(other.locator("tbody tr")).to_have_count(len(rows))
    assert other.locator("tbody tr").all_inner_texts() == rows


def test_skip_to_results_brings_the_first_result_within_a_dozen_keys(page, sign_in, member_user):
    sign_in(member_user)
    # Keys pressed while the sign-in still redirects would land on the page before.
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()

    # The page's "Skip to content", then the register's own first link.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to results")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    # Copy link, Download CSV, Download XLSX, Upload a filled-in sheet (a focal point proposes from
    # one), the one chip (lead=ID), the five sortable headers, then the row.
    for _ in range(11):
        page.keyboard.press("Tab")

    expect(page.locator(":focus")).to_have_attribute("href", re.compile(r"^/actions/\d+/$"))


def test_widening_the_window_opens_the_folded_filters(page, sign_in, member_user):
    page.set_viewport_size(PHONE)
    sign_in(member_user)
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
    expect(page.get_by_role("group", name="Status")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})

    expect(page.get_by_role("group", name="Status")).to_be_visible()

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

    page.get_by_label("Status", exact=True).select_option("completed")
    page.get_by_label("Progress (%)").fill("100")
    page.get_by_label("Note", exact=True).fill("RILON review finished; two new RILONs set up.")
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_role("status")).to_contain_text("The update was recorded.")
    newest = page.locator(".history__item").first
    expect(newest).to_contain_text("In progress → Completed, 100%")
    expect(newest).to_contain_text("RILON review finished; two new RILONs set up.")
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

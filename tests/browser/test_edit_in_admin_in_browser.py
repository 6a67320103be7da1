"""The Secretariat goes from a record's page to its admin form and back, in a real browser."""

import pytest
from playwright.sync_api import expect

from meetings.models import Decision, Meeting
from tests.browser.conftest import SCREENSHOTS

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_secretariat_goes_from_a_paragraph_to_its_admin_form_and_back(
    page, sign_in, live_record, secretariat_user, screenshot
):
    meeting = Meeting.objects.get(slug="ahg-som-8-2014")
    paragraph = Decision.objects.get(document__slug="ahg-som-8-2014-statement", number="8")
    sign_in(secretariat_user)
    page.goto(live_record.url + meeting.get_absolute_url())
    screenshot("meeting-edit-in-admin-1280")
    page.screenshot(path=str(SCREENSHOTS / "meeting-edit-in-admin-1280-top.png"))  # the window only: the heading
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("meeting-edit-in-admin-390")
    in_place = page.locator(f"#{paragraph.anchor}")
    # The paragraph alone too: on the full page it is a sliver of a very long picture.
    in_place.screenshot(path=str(SCREENSHOTS / "meeting-edit-in-admin-390-paragraph.png"))

    in_place.get_by_role("link", name="Edit in admin: paragraph 8", exact=True).click()
    expect(page).to_have_url(f"{live_record.url}/admin/meetings/decision/{paragraph.pk}/change/")

    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(f"{live_record.url}{meeting.get_absolute_url()}#{paragraph.anchor}")

"""A refused form in a real browser: the focus goes where the officer must look."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser.conftest import SCREENSHOTS

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_status_update_puts_focus_on_the_first_field_in_error(
    page, sign_in, live_record, secretariat_user, screenshot
):
    action = Action.objects.get(initiative__slug="roundtable-on-migration-and-transnational-crime", number=1)
    sign_in(secretariat_user)
    page.goto(live_record.url + action.get_absolute_url())

    page.get_by_label("Status", exact=True).select_option("completed")
    page.get_by_label("Progress (%)").fill("60")
    page.get_by_role("button", name="Record update").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert page.evaluate("document.activeElement.id") == "form-error-summary"
    screenshot("action-refused-update-1280")

    # Its link takes the focus on into the field, whose error the browser then announces.
    summary.get_by_role("link", name="Progress (%): A completed action is 100% done.").click()
    assert page.evaluate("document.activeElement.id") == "id_progress"
    expect(page.get_by_label("Progress (%)")).to_have_accessible_description(
        "0 to 100; a completed action is 100. A completed action is 100% done."
    )
    assert action.updates.count() == 1

    # On a phone too: the form comes back as refused, with the values the officer chose.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Record update").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "form-error-summary"
    assert action.updates.count() == 1
    screenshot("action-refused-update-390")
    # The form alone as well: on the full 390 px page it is a sliver of a long picture.
    page.locator(".card--form").screenshot(path=str(SCREENSHOTS / "action-refused-update-390-form.png"))

"""Recording a status update in a real browser leaves alone what the officer did not touch."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from actions.models import Action

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

TARGET = datetime.date(2014, 9, 24)


def _roundtable() -> Action:
    return Action.objects.get(initiative__slug="roundtable-on-migration-and-transnational-crime", number=1)


def _open(page, live_record, action: Action) -> None:
    page.goto(live_record.url + action.get_absolute_url())


def test_a_note_only_update_keeps_the_target_date(page, sign_in, live_record, secretariat_user, screenshot):
    action = _roundtable()
    assert action.target_date == TARGET
    sign_in(secretariat_user)
    _open(page, live_record, action)

    expect(page.get_by_label("Target date")).to_have_value("2014-09-24")
    page.get_by_label("Note", exact=True).fill("Venue confirmed with the Thai authorities.")
    expect(page.locator("#id_note_count")).to_have_text("42 of 5,000 characters")
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_role("status")).to_contain_text("The update was recorded.")
    action.refresh_from_db()
    assert (action.target_date, action.status, action.progress) == (TARGET, "planned", 0)
    expect(page.locator(".history__item").first).to_contain_text("Planned, 0%, target 24 Sep 2014")
    screenshot("action-note-only-update")


def test_removing_the_target_date_shows_in_the_history(page, sign_in, live_record, secretariat_user, screenshot):
    action = _roundtable()
    sign_in(secretariat_user)
    _open(page, live_record, action)

    page.get_by_label("Target date").fill("")
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_role("status")).to_contain_text("The update was recorded.")
    action.refresh_from_db()
    assert action.target_date is None
    expect(page.locator(".history__item").first).to_contain_text("target date removed (was 24 Sep 2014)")
    expect(page.locator(".facts")).to_contain_text("Not set")
    screenshot("action-target-date-removed")


def test_saving_with_nothing_changed_is_refused_and_an_over_long_note_is_counted_and_kept(
    page, sign_in, live_record, secretariat_user, screenshot
):
    action = _roundtable()
    sign_in(secretariat_user)
    _open(page, live_record, action)

    page.get_by_role("button", name="Record update").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was recorded")

    note = "The roundtable's report runs long. " * 150  # 5,250 characters
    page.get_by_label("Note", exact=True).fill(note)
    expect(page.locator("#id_note_count")).to_have_text(re.compile(r"^5,249 of 5,000 characters$"))
    page.get_by_role("button", name="Record update").click()

    # Said twice: under the box, and in the summary at the top of the form, linked to the box.
    expect(page.locator("#id_note_error")).to_contain_text(
        "A note can be at most 5,000 characters; this one has 5,249."
    )
    expect(page.locator("[data-error-summary]").get_by_role("link")).to_have_attribute("href", "#id_note")
    expect(page.get_by_label("Note", exact=True)).to_have_value(note)
    assert action.updates.count() == 1
    screenshot("action-note-too-long")

"""Members propose updates and the Secretariat accepts or returns them, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from actions.models import Action
from proposals.models import Proposal
from tests.browser.conftest import PASSWORD

# The live server serves from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS: dict[str, ViewportSize] = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


def _campaigns() -> Action:
    """Led by the RSO, which Indonesia co-manages: an action Indonesia leads through a body."""
    return Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)


def _sign_in_again(page: Page, base: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Sign in").click()


def _both_widths(page: Page, screenshot, name: str) -> None:
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(f"{name}-{width}")
    page.set_viewport_size(WIDTHS["1280"])
    page.evaluate("window.scrollTo(0, 0)")


def _propose(page: Page, *, status: str | None = None, progress: str, note: str) -> None:
    form = page.locator("#proposal-form")
    if status:
        form.get_by_label("Status").select_option(status)
    form.get_by_label("Progress (%)").fill(progress)
    form.get_by_label("Note", exact=True).fill(note)
    form.get_by_role("button", name="Send to the Secretariat").click()


def test_a_member_proposes_the_secretariat_accepts_and_returns(
    page, sign_in, live_record, member_user, secretariat_user, screenshot
):
    action = _campaigns()
    base = live_record.url
    secretariat_user.set_password(PASSWORD)
    secretariat_user.save(update_fields=["password"])

    # Indonesia's focal point proposes on an action it leads through the RSO.
    sign_in(member_user)
    page.goto(base + action.get_absolute_url())
    _propose(page, progress="30", note="Campaign materials printed in Bahasa Indonesia.")
    expect(page.get_by_role("status")).to_contain_text("Your proposal for Indonesia was sent to the Secretariat")
    pending = page.locator(".proposal--pending")
    expect(pending).to_contain_text("Pending review")
    expect(pending).to_contain_text("Dewi Lestari for Indonesia")
    _both_widths(page, screenshot, "proposal-pending-on-action-page")
    action.refresh_from_db()
    assert (action.progress, action.version) == (0, 0)

    # The Secretariat sees it in the queue and accepts it.
    _sign_in_again(page, base, secretariat_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Proposals")).click()
    expect(page.get_by_role("heading", name="Proposed updates", level=1)).to_be_visible()
    expect(page.locator("article.proposal")).to_contain_text("Campaign materials printed in Bahasa Indonesia.")
    _both_widths(page, screenshot, "proposal-queue")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Accepted: Indonesia's update is now in the history")
    page.goto(base + action.get_absolute_url())
    expect(page.locator(".history__item").first).to_contain_text(
        "Siti Rahman, accepting the proposal Dewi Lestari made for Indonesia"
    )
    action.refresh_from_db()
    assert action.progress == 30

    # A second proposal is returned with a reason, which the member reads.
    _sign_in_again(page, base, member_user)
    page.goto(base + action.get_absolute_url())
    _propose(page, progress="60", note="Radio spots aired.")
    _sign_in_again(page, base, secretariat_user)
    page.goto(base + "/proposals/")
    page.get_by_label("Reason for returning it").fill("Please link to the broadcaster's schedule as evidence.")
    page.get_by_role("button", name="Return with this reason").click()
    expect(page.get_by_role("status")).to_contain_text("Returned to Dewi Lestari (Indonesia) with your reason.")
    _sign_in_again(page, base, member_user)
    page.goto(base + action.get_absolute_url())
    returned = page.locator(".proposal--returned")
    expect(returned).to_contain_text("Siti Rahman returned it on")
    expect(returned).to_contain_text("Please link to the broadcaster's schedule as evidence.")
    _both_widths(page, screenshot, "proposal-returned-on-action-page")
    action.refresh_from_db()
    assert action.progress == 30


def test_completing_an_action_takes_two_different_users(
    page, sign_in, live_record, secretariat_user, second_officer, screenshot
):
    action = _campaigns()
    base = live_record.url
    second_officer.set_password(PASSWORD)
    second_officer.save(update_fields=["password"])
    sign_in(secretariat_user)
    page.goto(base + action.get_absolute_url())

    # The Secretariat's own form does not close an action in one step.
    status_form = page.locator("#status-form")
    status_form.get_by_label("Status").select_option("completed")
    status_form.get_by_label("Progress (%)").fill("100")
    status_form.get_by_label("Note", exact=True).fill("Campaign finished in all provinces.")
    status_form.get_by_role("button", name="Record update").click()
    expect(page.locator(".error-summary")).to_contain_text("Closing an action takes two people")

    # It proposes the closing on Indonesia's behalf instead...
    page.get_by_role("link", name="Propose an update on its behalf", exact=True).click()
    form = page.locator("#proposal-form")
    form.get_by_label("On behalf of").select_option(label="Indonesia")
    form.get_by_label("Status").select_option("completed")
    form.get_by_label("Progress (%)").fill("100")
    form.get_by_label("Note", exact=True).fill("Indonesia reports the campaign finished in all provinces.")
    form.get_by_role("button", name="Send to the Secretariat").click()
    expect(page.get_by_role("status")).to_contain_text("Your proposal for Indonesia was sent")

    # ... which the same officer cannot accept.
    page.goto(base + "/proposals/")
    expect(page.locator("article.proposal")).to_contain_text(
        "You proposed closing this action: another officer accepts it."
    )
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    _both_widths(page, screenshot, "proposal-queue-own-closing")

    # Another officer accepts it: the action is completed, and the history names both keys.
    _sign_in_again(page, base, second_officer)
    page.goto(base + "/proposals/")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Accepted")
    page.goto(base + action.get_absolute_url())
    expect(page.locator(".history__item").first).to_contain_text(
        "Arif Santoso, accepting the proposal Siti Rahman made on Indonesia's behalf"
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == ("completed", 100)
    assert Proposal.objects.get().reviewed_by == second_officer

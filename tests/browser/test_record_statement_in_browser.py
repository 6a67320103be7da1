"""Record a statement in a real browser (issue 12, point 4, "Done when", first bullet).

Siti records the 9th AHG SOM's statement (tests/meetings/statements/ahg_som_9_record.txt: 22
parts, an unnumbered opening, a heading, 15 numbered paragraphs, the sub-items of 11 and a
paragraph broken across a page), its attendance (the whole Ad Hoc Group and the Regional
Support Office), two mandates and one "reaffirms" link to the 5th Ministerial Conference's
¶11, then reads the meeting's page, the earlier paragraph and the register filtered by the
meeting. Every step is photographed and checked by axe-core at 1280 and 390 px.
"""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from actions.models import Action
from meetings.models import Decision, Document, Meeting, MeetingParticipation
from members.models import ForumMembership
from tests.browser.accessibility import Violation, axe_source, check_page, write_report
from tests.meetings.test_record_statement import STATEMENT

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


class Officer:
    """Counts what Siti does: the pages she fills in and the fields she fills."""

    def __init__(self, page: Page, screenshot) -> None:
        self.page, self.screenshot = page, screenshot
        self.pages = 0
        self.fields = 0
        self.checked: list[str] = []
        self.violations: list[Violation] = []

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self.fields += 1

    def select(self, locator, **option) -> None:
        locator.select_option(**option)
        self.fields += 1

    def tick(self, locator) -> None:
        locator.check()
        self.fields += 1

    def look(self, name: str) -> None:
        """A screenshot and axe's check at both widths, of the page as it stands."""
        for width, size in (("1280", DESKTOP), ("390", PHONE)):
            self.page.set_viewport_size(size)
            self.screenshot(f"record-statement-{name}-{width}")
            self.checked.append(f"{name} at {width} px ({self.page.url})")
            self.violations += check_page(self.page, self.checked[-1])
        self.page.set_viewport_size(DESKTOP)
        # Back at the desktop width, the page is scrolled once: after the phone width, Chromium
        # scrolled the page when a button took focus, between a click's press and release, so
        # the release fell beside the button and the click was lost (a mouse press on "Save
        # attendance" did nothing). A person's window is not resized between press and release.
        self.page.evaluate("window.scrollTo(0, 0)")


def test_siti_records_a_statement_with_attendance_mandates_and_lineage(
    page, sign_in, live_record, secretariat_user, screenshot
):
    axe_source()  # skips, saying why, where axe-core is not installed
    base = live_record.url
    page.set_viewport_size(DESKTOP)
    sign_in(secretariat_user)
    siti = Officer(page, screenshot)

    page.goto(f"{base}/meetings/")
    page.get_by_role("link", name="Record a statement").click()

    # Step 1: the planned 9th AHG SOM, as it was held.
    expect(page.locator(".eyebrow")).to_have_text("Record a statement · Step 1 of 5")
    siti.look("1-meeting")
    siti.select(page.get_by_label("Planned meeting", exact=True), value="ahg-som-9-2015")
    page.get_by_role("button", name="Start from this meeting").click()
    siti.pages += 1
    siti.fill(page.get_by_label("Title", exact=True), "9th AHG SOM")
    siti.fill(page.get_by_label("Start date", exact=True), "2015-03-17")
    siti.fill(page.get_by_label("End date", exact=True), "2015-03-17")
    siti.select(page.get_by_label("Date precision", exact=True), value="day")
    siti.fill(page.get_by_label("Date as written", exact=True), "")
    siti.select(page.get_by_label("Hosts", exact=True), label="Indonesia")
    siti.select(page.get_by_label("Co-chairs", exact=True), label=["Australia", "Indonesia"])
    siti.look("1-meeting-filled")
    page.get_by_role("button", name="Next: the document").click()

    # Step 2: the document as BaliTrack proposes it.
    expect(page.locator(".eyebrow")).to_have_text("Record a statement · Step 2 of 5")
    expect(page.get_by_label("Slug", exact=True)).to_have_value("ahg-som-9-2015-statement")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2015-03-17")
    siti.look("2-document")
    siti.pages += 1
    page.get_by_role("button", name="Next: the text").click()

    # Step 3: the whole text, its preview, saved.
    expect(page.locator(".eyebrow")).to_have_text("Record a statement · Step 3 of 5")
    siti.look("3-text")
    siti.pages += 1
    siti.fill(page.get_by_label("The statement's whole text", exact=True), STATEMENT)
    page.get_by_role("button", name="Show its parts").click()
    expect(page.get_by_role("heading", name="The parts: 22")).to_be_visible()
    expect(page.locator(".preview__table tbody tr").nth(12)).to_contain_text("officials from fourteen members")
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()
    siti.look("3-preview")
    page.get_by_role("button", name="Save the statement").click()

    # Step 4: the whole Ad Hoc Group, Indonesia co-chairing, and the RSO.
    expect(page.locator(".eyebrow")).to_have_text("Record a statement · Step 4 of 5")
    expect(page.get_by_role("status")).to_contain_text("is recorded: 22 parts")
    siti.look("4-attendance")
    siti.pages += 1
    page.get_by_role("link", name="Select all").click()
    siti.fields += 1
    siti.select(page.get_by_label("Role of Indonesia", exact=True), value="co_chair")
    siti.select(page.get_by_label("Role of Australia", exact=True), value="co_chair")
    siti.tick(page.get_by_label("Regional Support Office", exact=True))
    page.get_by_label("Find a member by name", exact=True).fill("tim")
    expect(page.locator("#id_member_filter_count")).to_have_text("1 of 60 members shown")
    siti.fields += 1
    siti.tick(page.get_by_label("Timor-Leste", exact=True))
    siti.fill(page.get_by_label("Delegates", exact=True), "120")
    siti.look("4-attendance-filled")
    page.get_by_role("button", name="Save attendance; next: links").click()

    # Step 5: two mandates and a "reaffirms" link.
    expect(page.locator(".eyebrow")).to_have_text("Record a statement · Step 5 of 5")
    siti.look("5-links")
    document = Document.objects.get(slug="ahg-som-9-2015-statement")
    four, eleven, two = (document.decisions.get(number=n) for n in ("4", "11", "2"))
    first, second = Action.objects.order_by("pk")[:2]
    earlier = Decision.objects.get(document__slug="bp-mc-5-2013-statement", number="11")
    for paragraph, action in ((four, first), (eleven, second)):
        siti.pages += 1
        form = page.locator("#mandate-form")
        siti.select(form.get_by_label("Paragraph", exact=True), value=str(paragraph.pk))
        siti.select(form.get_by_label("Action", exact=True), value=str(action.pk))
        form.get_by_role("button", name="Link the action").click()
        expect(page.get_by_role("status")).to_contain_text("now mandates")
    siti.pages += 1
    form = page.locator("#lineage-form")
    siti.select(form.get_by_label("Paragraph", exact=True), value=str(two.pk))
    siti.select(form.get_by_label("It", exact=True), value="reaffirms")
    siti.select(form.get_by_label("Earlier paragraph or document", exact=True), value=f"p{earlier.pk}")
    form.get_by_role("button", name="Link the earlier text").click()
    expect(page.get_by_role("status")).to_contain_text("reaffirms")
    siti.look("5-links-made")
    page.get_by_role("link", name="Finish: the summary").first.click()

    # The summary, then the record as every reader sees it.
    expect(page.get_by_role("heading", level=1)).to_contain_text("is recorded")
    siti.look("6-summary")
    meeting = Meeting.objects.get(slug="ahg-som-9-2015")
    attended = MeetingParticipation.objects.filter(meeting=meeting)
    assert meeting.status == Meeting.Status.HELD
    assert attended.exclude(member=None).count() == ForumMembership.objects.filter(forum=meeting.forum).count() >= 20
    assert attended.filter(body__code="RSO").exists()
    assert set(attended.filter(role="co_chair").values_list("member__code", flat=True)) == {"AU", "ID"}

    page.get_by_role("link", name="Read the meeting's page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("9th AHG SOM")
    expect(page.locator(f"#{four.anchor}")).to_contain_text(f"{first.initiative.name}")
    siti.look("7-meeting-page")

    page.goto(base + earlier.get_absolute_url())
    expect(page.locator(f"#{earlier.anchor}")).to_contain_text("Reaffirmed by")
    expect(page.locator(f"#{earlier.anchor}")).to_contain_text(document.title)
    siti.look("8-earlier-paragraph")

    page.goto(f"{base}/actions/?meeting={meeting.slug}")
    expect(page.locator("#results-heading")).to_contain_text("2 actions")
    siti.look("9-register")

    print(f"\nRecord a statement: {siti.pages} pages filled in, {siti.fields} fields filled")
    path = write_report("record-statement", siti.checked, siti.violations)
    assert not siti.violations, f"{len(siti.violations)} axe violations ({path}):\n" + "\n".join(
        map(str, siti.violations)
    )

"""A co-chair's morning: sign in, read the dashboard, click a figure, get its actions; choose a
review period and see what moved in it. At 1280 px and on a 390 px phone."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from actions.models import Action
from actions.services import action_record_update

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [1280, 390]
# The live server's day, for the review periods (its thread shares the test's clock).
TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)


def _box(page: Page, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        selector, "nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return {w: r.width, h: r.height}; })"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_co_chair_reads_the_charts_and_a_segment_lists_its_actions(page, sign_in, co_chair_user, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(co_chair_user)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Where the strategy stands")).to_be_visible()
    # Each chart is a figure named by its heading, and says what it counts.
    expect(page.get_by_role("figure", name="By theme")).to_contain_text("The actions under each theme of the strategy.")
    expect(page.get_by_role("figure")).to_have_count(4)
    # No link inside an image: each part of a bar is a link of its own, named in full.
    expect(page.locator("[role=img] a")).to_have_count(0)
    # The key comes before the first chart.
    key, first_chart = page.locator("#chart-key"), page.get_by_role("figure").first
    assert key.bounding_box()["y"] < first_chart.bounding_box()["y"]
    # Average progress is said in words wherever it is shown.
    expect(page.locator(".figures")).to_contain_text("average progress of the 31 actions")
    pillars = page.get_by_role("figure", name="By Jakarta Declaration pillar")
    prosecution = pillars.locator(".bar").filter(has=page.get_by_role("link", name="Prosecution", exact=True))
    expect(prosecution.locator(".bar__progress")).to_have_text("Average progress 25%")
    # Every part of every bar is a target of 24 by 24 px at least.
    segments = _box(page, ".seg")
    # One per status present in a bar: 53 across the record's four charts.
    assert len(segments) == 53
    assert min(min(box["w"], box["h"]) for box in segments) >= 24
    screenshot(f"dashboard-co-chair-{width}")

    segment = page.get_by_role("link", name="Protection: 4 planned")
    segment.click()

    expect(page).to_have_url(re.compile(r"/actions/\?pillar=protection&status=planned$"))
    expect(page.get_by_role("heading", name="4 actions")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    screenshot(f"register-from-dashboard-segment-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_of_a_half_width_chart_is_whole_without_sideways_scrolling(
    page, sign_in, co_chair_user, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(co_chair_user)
    chart = page.get_by_role("figure", name="By Jakarta Declaration pillar")

    chart.get_by_text("The same figures as a table").click()

    table = chart.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(5)
    # Reflowed, the rows and cells are still a table's, each cell named by its column.
    protection = table.get_by_role("row", name=re.compile("^Protection"))
    expect(protection.get_by_role("cell", name="Planned: 4")).to_be_visible()
    expect(protection.get_by_role("cell", name="Discontinued: 0")).to_be_visible()
    expect(protection.get_by_role("cell", name="Average progress: 0%")).to_be_visible()
    # Nothing cut off: the table is no wider than its card, nor the page than the screen.
    table_width, room = table.evaluate("t => [t.scrollWidth, t.closest('figure').clientWidth]")
    assert table_width <= room
    assert page.evaluate("document.documentElement.scrollWidth") == width
    table.scroll_into_view_if_needed()
    screenshot(f"dashboard-chart-table-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@time_machine.travel(TODAY)
def test_co_chair_picks_a_review_period_and_reads_what_moved_then_to_now(
    page, sign_in, co_chair_user, screenshot, width, closing_in_one_step
):
    # Two actions of the record move after the review period of 2026 began (one closed in one
    # step, as with two-key closing off: the two keys are tested in tests/proposals).
    started, finished = Action.objects.filter(status=Action.Status.PLANNED).order_by("pk")[:2]
    for action, status, progress in [(started, "in_progress", 20), (finished, "completed", 100)]:
        action_record_update(
            action=action,
            author=None,
            status=status,
            progress=progress,
            target_date=None,
            note="",
            recorded_at=datetime.datetime(2026, 9, 1, 3, tzinfo=datetime.UTC),
        )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(co_chair_user)

    page.get_by_label("Period").select_option(label="Review 13: Aug 2026 to today")
    page.get_by_role("button", name="Show changes").click()

    expect(page).to_have_url(re.compile(r"/dashboard/\?review=2027#changes$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Changes in the period of review 13"))).to_be_visible()
    summary = page.locator("[data-changes=summary]")
    expect(summary).to_have_text(re.compile(r"^Between 6 August 2026 and today, 2 actions changed status;"))
    moves = page.locator("table.moves tbody tr")
    expect(moves).to_have_count(2)
    expect(moves.nth(0)).to_contain_text("Planned")
    expect(moves.nth(0)).to_contain_text("In progress")
    page.get_by_text("1 action from planned to in progress").click()
    expect(page.get_by_role("link", name=str(started))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    page.locator("#changes").scroll_into_view_if_needed()
    screenshot(f"dashboard-changes-review-13-{width}")

    page.goto(
        page.url.replace("/dashboard/?review=2027#changes", "/dashboard/changes/?review=2027&from=planned&to=completed")
    )

    expect(page.get_by_role("heading", name="1 action from planned to completed")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text([str(finished)])
    screenshot(f"dashboard-move-review-13-{width}")

    page.goto(page.url.replace("/dashboard/changes/", "/dashboard/").replace("review=2027", "review=1999"))

    expect(page.locator(".messages")).to_contain_text("There is no review period “1999”")
    expect(page.get_by_role("heading", name=re.compile(r"^Changes since the endorsement"))).to_be_visible()


def test_review_report_prints_to_pdf(page, sign_in, co_chair_user, tmp_path):
    sign_in(co_chair_user)
    page.goto(page.url.replace("/dashboard/", "/reports/review/2015/"))
    expect(page.get_by_role("heading", name=re.compile("review 1, 6 August 2014 to 6 August 2015"))).to_be_visible()

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)

    assert pdf.startswith(b"%PDF")
    expect(page.locator(".site-header")).to_be_hidden()

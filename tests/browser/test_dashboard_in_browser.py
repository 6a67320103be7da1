"""A co-chair's morning: sign in, read the dashboard, click a figure, get its actions."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_co_chair_lands_on_the_dashboard_and_a_segment_lists_its_actions(page, sign_in, co_chair_user, screenshot):
    sign_in(co_chair_user)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Where the strategy stands")).to_be_visible()
    screenshot("dashboard-co-chair")

    segment = page.get_by_role("link", name="Protection: 4 planned")
    segment.click()

    expect(page).to_have_url(re.compile(r"/actions/\?pillar=protection&status=planned$"))
    expect(page.get_by_role("heading", name="4 actions")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    screenshot("register-from-dashboard-segment")


def test_review_report_prints_to_pdf(page, sign_in, co_chair_user, tmp_path):
    sign_in(co_chair_user)
    page.goto(page.url.replace("/dashboard/", "/reports/review/2015/"))
    expect(page.get_by_role("heading", name=re.compile("review 1, 6 August 2014 to 6 August 2015"))).to_be_visible()

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)

    assert pdf.startswith(b"%PDF")
    expect(page.locator(".site-header")).to_be_hidden()

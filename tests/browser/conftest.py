"""Real-browser tests: Playwright for Python driving Debian's Chromium.

Playwright's own browser download cannot work here, so the tests launch
/usr/bin/chromium; where it is missing they are skipped, saying so.
"""

from pathlib import Path

import pytest

from tests.factories import hash_once
from tests.record_rows import restore_record_rows

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "a long browser test password"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium): browser tests skipped.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def live_record(live_server, record_rows):
    """The real record in the live server's database: the rows load_record writes, copied in
    (load_record itself is tested in tests/test_record.py), committed for the server to read."""
    restore_record_rows(record_rows)
    return live_server


@pytest.fixture
def sign_in(page, live_record):
    def as_user(user) -> None:
        # The password hashed once for every sign-in (tests.factories.hash_once); the sign-in
        # below checks it as in production.
        user.password = hash_once(PASSWORD)
        user.save(update_fields=["password"])
        page.goto(f"{live_record.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        # Wait for the page signed in to, scripts and all: keys pressed while it still
        # parses land in a half-built page, and when parsing ends Chromium scrolls to the
        # address's fragment again and moves focus back to it (a CI run lost a Tab that way).
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Sign in").click()

    return as_user

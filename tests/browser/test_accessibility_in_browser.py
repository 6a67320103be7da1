"""Every page of BaliTrack, for each role, at a desktop and a phone width, checked by axe-core.

One test per role and width walks that role's pages (the admin's too, for the Secretariat)
and fails on any violation, listing them all. artifacts/accessibility/<role>-<width>.txt
lists the pages checked and what was found on each.
"""

import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page

from actions.models import Action
from actions.report_views import review_years
from actions.services import action_record_update
from actions.spreadsheet import FIRST_ROW, HEADER, SHEET_TITLE, XLSX_CONTENT_TYPE
from meetings.models import Meeting
from members.models import Member
from proposals.access import get_sheet_uploader
from proposals.models import Proposal
from tests.browser.accessibility import Violation, axe_source, check_page, write_report

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _reading_pages() -> list[tuple[str, str]]:
    """What every signed-in role reads: (name, address)."""
    action = Action.objects.order_by("initiative__theme__position", "initiative__position", "number").first()
    assert action is not None
    years = review_years(action.initiative.theme.strategy, today=timezone.localdate())
    return [
        ("dashboard", reverse("dashboard:index")),
        ("register", reverse("actions:register") + "?sort=theme"),
        ("register, filtered with bodies", reverse("actions:register") + "?lead=ID&via_bodies=on&status=in_progress"),
        ("register, a filter it cannot read", reverse("actions:register") + "?target_after=2015-13-45&q=rilon"),
        ("register, second page", reverse("actions:register") + "?sort=theme&page=2"),
        ("action", action.get_absolute_url()),
        ("meetings", reverse("meetings:list")),
        ("meeting with a declaration", Meeting.objects.get(slug="jakarta-special-conference-2013").get_absolute_url()),
        ("meeting with a statement", Meeting.objects.get(slug="ahg-som-8-2014").get_absolute_url()),
        ("planned meeting", Meeting.objects.get(slug="bp-mc-6-2015").get_absolute_url()),
        ("members", reverse("members:list")),
        ("member", reverse("members:detail", args=["ID"])),
        ("groups", reverse("members:group-list")),
        ("group", reverse("members:group-detail", args=["RSO"])),
        *((f"review report {year}", reverse("dashboard:review", args=[year])) for year in (years[0], years[-1])),
        (
            "review report, an initiative's actions",
            reverse("dashboard:review-initiative", args=[years[0], action.initiative.slug]),
        ),
        ("password change", reverse("password_change")),
        ("API tokens and calendar feed", reverse("api:keys")),
        ("page not found", "/meetings/no-such-meeting/"),
    ]


def _proposal_pages(user: User) -> list[tuple[str, str]]:
    """The proposal pages the user opens, with one proposal pending in the queue and one returned:
    the queue (Secretariat, co-chairs), the proposal form (Secretariat, members) and an action
    page showing them."""
    action = _campaigns()
    indonesia = Member.objects.get(code="ID")
    if not Proposal.objects.exists():
        proposer = User.objects.create_user("proposer", first_name="Dewi", last_name="Lestari")
        fields = {"action": action, "member": indonesia, "proposed_by": proposer, "based_on_version": 0}
        Proposal.objects.create(
            **fields,
            proposed_at=timezone.now() - datetime.timedelta(days=2),
            status="in_progress",
            progress=40,
            note="Radio spots aired.",
            state=Proposal.State.RETURNED,
            reviewed_by=proposer,
            reviewed_at=timezone.now(),
            return_reason="Please link to the broadcaster's schedule.",
        )
        Proposal.objects.create(
            **fields, proposed_at=timezone.now(), status="in_progress", progress=30, note="Materials printed."
        )
    pages = [("action with proposals", action.get_absolute_url())]
    if user.has_perm("proposals.view_proposal"):
        pages.append(("proposal queue", reverse("proposals:queue")))
    if user.has_perm("proposals.add_proposal"):
        pages.append(("proposal form", reverse("proposals:propose", args=[action.pk])))
    return pages


def _bulk_pages() -> list[tuple[str, str]]:
    """Bulk edit, the Secretariat's: the first three actions of the register selected."""
    ids = Action.objects.order_by("initiative__theme__position", "initiative__position", "number")[:3]
    return [("bulk edit", reverse("actions:bulk-edit") + "?" + "&".join(f"ids={action.pk}" for action in ids))]


def _admin_pages(user: User) -> list[tuple[str, str]]:
    """The admin pages the user can open: the index, and for each model its list, its add
    form and the change form of its first record, as the user's permissions allow."""
    pages = [("admin index", reverse("admin:index"))]
    # The admin site's own register of models: every page it serves is reached from it.
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = opts.verbose_name_plural
        base = f"admin:{opts.app_label}_{opts.model_name}"
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            pages.append((f"admin: {name}", reverse(f"{base}_changelist")))
            first = model_admin.get_queryset(_request_for(user)).order_by("pk").first()
            if first is not None:
                pages.append((f"admin: a {opts.verbose_name}", reverse(f"{base}_change", args=[first.pk])))
        if model_admin.has_add_permission(_request_for(user)):
            pages.append((f"admin: add {opts.verbose_name}", reverse(f"{base}_add")))
    return pages


def _request_for(user: User) -> HttpRequest:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _check(page: Page, base: str, pages: list[tuple[str, str]]) -> tuple[list[str], list[Violation]]:
    checked, violations = [], []
    for name, address in pages:
        page.goto(base + address)
        page.wait_for_load_state("load")
        checked.append(f"{name} ({address})")
        violations += check_page(page, checked[-1])
    return checked, violations


def _refused_update(page: Page, base: str) -> tuple[list[str], list[Violation]]:
    """The action page after a refused status update, its error summary shown."""
    action = Action.objects.order_by("pk").first()
    assert action is not None
    page.goto(base + action.get_absolute_url())
    page.get_by_label("Progress (%)").fill("150")
    page.get_by_role("button", name="Record update").click()
    page.wait_for_load_state("load")
    name = f"action, update refused ({action.get_absolute_url()})"
    return [name], check_page(page, name)


def _sheet_pages(page: Page, base: str, user: User) -> tuple[list[str], list[Violation]]:
    """For a user who uploads filled-in sheets: the upload page, empty, then the preview of a
    sheet with a row to apply, a conflict (an action updated after the export) and a refused
    row (a status that is not one), all from the sheet the page's own link exports."""
    try:
        get_sheet_uploader(user)
    except PermissionDenied:
        return [], []
    address = reverse("proposals:sheet")
    checked, violations = _check(page, base, [("sheet upload", address)])
    export = page.locator(f'a[href^="{reverse("actions:export-xlsx")}"]').first.get_attribute("href")
    workbook = load_workbook(io.BytesIO(page.request.get(base + str(export)).body()))
    sheet = workbook[SHEET_TITLE]
    # Not the action _proposal_pages gives proposals: a row about it would be "already proposed".
    rows = [row for row in sheet.iter_rows(min_row=FIRST_ROW) if row[0].value != _campaigns().pk][:3]
    assert len(rows) == 3, "the sheet has too few rows for a change, a conflict and a refused row"
    progress, status = HEADER.index("progress (%)"), HEADER.index("status")
    rows[0][progress].value = 10
    rows[1][progress].value = 20
    rows[2][status].value = "Almost done"
    out = io.BytesIO()
    workbook.save(out)
    meanwhile = Action.objects.get(pk=rows[1][0].value)
    action_record_update(
        action=meanwhile,
        author=None,
        status=meanwhile.status,
        progress=meanwhile.progress,
        target_date=meanwhile.target_date,
        note="Updated after the export.",
    )
    page.goto(base + address)
    page.get_by_label("The filled-in sheet (.xlsx)").set_input_files(
        {"name": "register.xlsx", "mimeType": XLSX_CONTENT_TYPE, "buffer": out.getvalue()}
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state("load")
    for heading in ("To ", "Conflicts", "Refused rows"):
        assert page.get_by_role("heading", level=3, name=heading).count() == 1, heading
    checked.append(f"sheet upload, a preview with a change, a conflict and a refused row ({address})")
    return checked, violations + check_page(page, checked[-1])


def _campaigns() -> Action:
    return Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)


def _assert_clean(report: str, checked: list[str], violations: list[Violation]) -> None:
    path = write_report(report, checked, violations)
    assert checked, "no page was checked"
    assert not violations, f"{len(violations)} axe violations on {len(checked)} pages ({path}):\n" + "\n".join(
        map(str, violations)
    )


@pytest.fixture
def axe() -> str:
    return axe_source()  # skips, saying why, where axe-core is not installed


@pytest.mark.parametrize("width", WIDTHS)
def test_signed_out_pages_have_no_accessibility_violations(page, live_record, axe, width):
    page.set_viewport_size(WIDTHS[width])
    base = live_record.url
    checked, violations = _check(
        page,
        base,
        [
            ("sign in", reverse("login")),
            ("password reset", reverse("password_reset")),
            ("password reset sent", reverse("password_reset_done")),
            ("password reset link not valid", reverse("password_reset_confirm", args=["MQ", "set-password"])),
            ("page not found", "/no-such-page/"),
        ],
    )
    page.goto(base + reverse("login"))
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    checked.append("sign in, refused")
    violations += check_page(page, checked[-1])
    _assert_clean(f"signed-out-{width}", checked, violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("persona", ["co_chair_user", "member_user"])
def test_readers_pages_have_no_accessibility_violations(request, page, sign_in, axe, persona, width):
    user = request.getfixturevalue(persona)
    page.set_viewport_size(WIDTHS[width])
    sign_in(user)
    base = page.url.split("/", 3)[:3]
    checked, violations = _check(page, "/".join(base), _reading_pages() + _proposal_pages(user))
    sheets, found = _sheet_pages(page, "/".join(base), user)
    _assert_clean(f"{persona.removesuffix('_user').replace('_', '-')}-{width}", checked + sheets, violations + found)


@pytest.mark.parametrize("width", WIDTHS)
def test_secretariat_pages_and_admin_have_no_accessibility_violations(page, sign_in, secretariat_user, axe, width):
    page.set_viewport_size(WIDTHS[width])
    sign_in(secretariat_user)
    base = "/".join(page.url.split("/", 3)[:3])
    pages = _reading_pages() + _proposal_pages(secretariat_user) + _bulk_pages() + _admin_pages(secretariat_user)
    checked, violations = _check(page, base, pages)
    refused, found = _refused_update(page, base)
    sheets, in_sheets = _sheet_pages(page, base, secretariat_user)
    _assert_clean(f"secretariat-{width}", checked + refused + sheets, violations + found + in_sheets)

"""Every page costs the same number of queries for 20 actions as for 500.

The records are generated (actions/scale_data.py), so owners, pillars, mandates,
meetings and histories vary as they would in use. Pages pinned elsewhere with their
query lists: tests/actions/test_register.py, test_action_page.py, test_dashboard.py,
tests/meetings/test_views.py, tests/members/test_views.py.
"""

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from actions.changes import build_changes, since_last_review
from actions.dashboard import Scope
from actions.models import Action, ActionOwner, Strategy
from actions.scale_data import generate
from actions.schedule import current_schedule, review_years
from actions.tally import tally_count
from meetings.models import Meeting
from members.models import BodyMembership, Member

pytestmark = pytest.mark.django_db


# 20, not 5: the record has two strategies at every size, and 5 left the current one two
# actions, too few for the dashboard to have a move since its last review.
@pytest.fixture(params=[20, 500], ids=["20 actions", "500 actions"])
def record_of(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(actions=request.param, updates=request.param * 10, seed=1, log=lambda line: None)
    return request.param


def _current() -> "QuerySet[Action]":
    """The current strategy's actions: those the register and the dashboard show (the record
    has two strategies at every size)."""
    current = Strategy.objects.current()
    assert current is not None
    return Action.objects.of_strategy(current)


def _busiest_action() -> Action:
    return _current().order_by("-version", "pk")[0]


def _busiest_mandated_action() -> Action:
    """With a mandate, so its page reads the paragraphs that ended one, at every size."""
    return _current().filter(mandates__isnull=False).order_by("-version", "pk")[0]


def _a_word() -> str:
    """A word the first action's text holds, so the search finds something at every size."""
    return _current().order_by("pk")[0].text.split()[1]


def _lead_and_status() -> str:
    """A lead member of the busiest action a member leads, and its status: rows at every size."""
    leads = ActionOwner.objects.filter(role__in=ActionOwner.LEADING_ROLES, member__isnull=False)
    owner = leads.filter(action__in=_current()).select_related("action", "member").order_by("-action__version", "pk")[0]
    assert owner.member is not None
    return f"lead={owner.member.code}&status={owner.action.status}"


def _lead() -> Member:
    return Member.objects.order_by("pk")[0]


def _body_runner() -> Member:
    """A member that co-chairs or co-manages a body leading an action, so "include bodies"
    lists rows through a body at every size (the 20-action record has none: its body is
    made to lead the last action)."""
    runs = BodyMembership.objects.filter(role__in=BodyMembership.LEADING_ROLES).order_by("pk")[0]
    if not ActionOwner.objects.filter(
        body=runs.body, role__in=ActionOwner.LEADING_ROLES, action__in=_current()
    ).exists():
        ActionOwner.objects.create(action=_current().order_by("-pk")[0], body=runs.body, role=ActionOwner.Role.CO_LEAD)
    return runs.member


def _first_review_year() -> int:
    strategy = Strategy.objects.order_by("-endorsed_on")[0]
    return review_years(strategy, today=timezone.localdate())[0]


def _first_move_url() -> str:
    """The page of the first move of the dashboard's changes: one that has actions at every size."""
    reviews = current_schedule(today=timezone.localdate())
    assert reviews is not None
    period = since_last_review(reviews)
    changes = build_changes(actions=_current(), period=period, move_url=Scope().changes_url(period))
    return changes.moves[0].url


# page: (how to build its URL, queries). Each count is: session, user, then the page's own.
READ_PAGES = {
    # register: groups (member preselection); the strategies (the current one is listed); count;
    # the page of actions with initiative and theme; their owners; the choice lists' version (the
    # seven lists themselves were built by the first request: see tests/actions/test_register.py).
    "register": (lambda: reverse("actions:register"), 8),
    # ... plus the chosen lead member.
    "register by lead and status": (
        lambda: f"{reverse('actions:register')}?{_lead_and_status()}",
        9,
    ),
    # ... plus the lead's roles in the bodies it runs, to say why each row is listed.
    "register by lead with bodies": (
        lambda: f"{reverse('actions:register')}?lead={_body_runner().code}&via_bodies=on",
        10,
    ),
    "register text search": (lambda: f"{reverse('actions:register')}?q={_a_word()}", 8),
    "register last page": (lambda: f"{reverse('actions:register')}?page={-(-_current().count() // 25)}", 8),
    # action page: query by query in tests/actions/test_action_page.py (a co-chair's: the
    # action's proposals, but not the navigation's count of them, which is the Secretariat's).
    "action page": (lambda: _busiest_mandated_action().get_absolute_url(), 12),
    # meeting page: query by query in tests/meetings/test_views.py.
    "meeting page": (
        lambda: Meeting.objects.filter(documents__decisions__actions__isnull=False)[0].get_absolute_url(),
        17,
    ),
    # member page: the member and its seats, groups, meetings, decisions and focal points;
    # its action roles counted, then the first it leads and the first it supports; the
    # latest meetings it attended and its roles at them. (A member named by decisions costs
    # one more, the later paragraphs that superseded or closed them: tests/members/test_views.py.)
    "member page": (lambda: _lead().get_absolute_url(), 16),
    # dashboard: made from the tally the first request counted (actions.tally), without the cache:
    # the strategies (the shown one, and the switch); the record version token, again for the
    # tally, the tally; what a status update cannot change (the review schedule, mandate coverage,
    # meetings, the charts' names: thirteen); the tally's cells and its sums over days, the first
    # actions of each move with their initiatives (query by query in
    # tests/actions/test_dashboard.py and test_dashboard_tally.py), and the choice lists' version
    # for its drop-downs; the user's and groups' permissions and the pending proposals
    # counted, for the queue's figure.
    "dashboard": (lambda: reverse("dashboard:index"), 26),
    # ... and with the first review's period from the picker, its changes counted: the moves
    # by status then and now with the first actions of each, and their initiatives.
    "dashboard, first review period": (lambda: f"{reverse('dashboard:index')}?review={_first_review_year()}", 28),
    # the actions of one move of the dashboard's changes: the strategies, the review schedule,
    # the count and the first page of the move with their initiatives.
    "dashboard move": (lambda: _first_move_url(), 6),
}


@pytest.mark.parametrize("page", READ_PAGES)
def test_page_costs_the_same_queries_whatever_the_size(
    client, co_chair_user, django_assert_num_queries, settings, record_of, page
):
    # The dashboard may be cached; its budget is for building it, with or without Redis.
    settings.CACHES = {**settings.CACHES, "dashboard": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    url, queries = READ_PAGES[page]
    address = url()
    client.force_login(co_chair_user)
    # A first request stamps the session's activity time, which then stays put for a minute.
    client.get(address)

    with django_assert_num_queries(queries):
        response = client.get(address)

    assert response.status_code == 200


def test_csv_export_costs_the_same_queries_whatever_the_size(
    client, co_chair_user, django_assert_num_queries, record_of
):
    client.force_login(co_chair_user)
    client.get(reverse("actions:register"))

    # session, user; the strategies; the filter choice lists it validates against; the
    # actions in chunks of 500 with their owners (one chunk up to 500 actions).
    with django_assert_num_queries(5):
        response = client.get(reverse("actions:export"))
        rows = b"".join(response.streaming_content).count(b"\n")

    assert rows == _current().count() + 1


def test_csv_export_with_bodies_costs_the_same_queries_whatever_the_size(
    client, co_chair_user, django_assert_num_queries, record_of
):
    lead = _body_runner()
    client.force_login(co_chair_user)
    client.get(reverse("actions:register"))

    # session, user; the strategies; the filter choice lists; the chosen lead member; the
    # lead's roles in the bodies it runs (once, for the "Listed because" column); the actions in chunks with
    # their owners.
    with django_assert_num_queries(7):
        response = client.get(f"{reverse('actions:export')}?lead={lead.code}&via_bodies=on")
        body = b"".join(response.streaming_content).decode("utf-8")

    assert ", as co-" in body


def test_status_update_costs_the_same_queries_whatever_the_size(
    client, secretariat_user, django_assert_num_queries, record_of
):
    action = _busiest_action()
    client.force_login(secretariat_user)
    # A first update, of another action, stamps the session and fills per-process caches
    # (content types), as on a server that has been running for a while.
    other = Action.objects.exclude(pk=action.pk).order_by("pk").first()
    client.post(
        reverse("actions:update-status", args=[other.pk]),
        {"status": "planned", "progress": 0, "target_date": "", "note": "", "version": other.version},
    )

    # The dashboard's tally counted, as the first dashboard after a change counts it: the
    # update keeps it current (actions.tally).
    tally_count(today=timezone.localdate())

    # session, user, the user's and groups' permissions; the action, then locked (savepoint);
    # the record version token locked and read, the tally, the action's cells (the action,
    # its pillars, its owners) and its standing since the last review; the history row
    # validated (action and author exist, two check constraints in savepoints, time unique)
    # and inserted; the record version token; the audit trail (initiative for the action's
    # name, the event, the action before saving); the action saved; the record version
    # again; its new version read back; its audit event; the tally's cells found, updated
    # and added, the token read and the tally marked true at it; the savepoints released.
    with django_assert_num_queries(39):
        response = client.post(
            reverse("actions:update-status", args=[action.pk]),
            {
                "status": "in_progress",
                "progress": 50,
                "target_date": "2027-06-30",
                "note": "",
                "version": action.version,
            },
        )

    assert response.status_code == 302

"""Every page × every role × GET and POST: who gets what.

The matrix is checked against the URL configuration, so a new page without a row here
fails the suite instead of shipping with whatever access it happens to have.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action, ActionOwner, Initiative, Strategy, Theme
from audit.models import AuditEvent
from meetings.models import Decision, Document, Meeting
from members.models import Body, Forum, Member
from proposals.models import Proposal
from tests.factories import (
    ActionFactory,
    ActionOwnerFactory,
    BodyFactory,
    DecisionFactory,
    DocumentFactory,
    ForumFactory,
    MeetingFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, CO_CHAIR, SECRETARIAT, SUPERUSER = (
    "anonymous",
    "member_user",
    "co_chair_user",
    "secretariat_user",
    "superuser",
)
ROLES = (ANONYMOUS, MEMBER, CO_CHAIR, SECRETARIAT, SUPERUSER)
SIGNED_IN = {MEMBER: 200, CO_CHAIR: 200, SECRETARIAT: 200, SUPERUSER: 200}
TO_LOGIN = 302  # anonymous visitors are sent to sign in

# url name -> (how to build the URL, {role: GET status}, {role: POST status}).
# POST without a valid form is what a forged or empty request looks like.
MATRIX = {
    "home": (lambda: reverse("home"), dict.fromkeys(ROLES, 302), None),
    "dashboard:index": (lambda: reverse("dashboard:index"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "dashboard:changes": (
        lambda: reverse("dashboard:changes") + "?from=planned&to=in_progress",
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        None,
    ),
    "dashboard:review": (lambda: reverse("dashboard:review", args=[2015]), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "dashboard:review-csv": (
        lambda: reverse("dashboard:review-csv", args=[2015]),
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        None,
    ),
    # The report's detail and print version, as readable as the report itself. The one action
    # here is few enough to print from the report's page: its print version sends readers
    # there, whether they ask for one (POST) or open it (GET).
    "dashboard:review-initiative": (
        lambda: reverse("dashboard:review-initiative", args=[2015, Action.objects.get().initiative.slug]),
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        None,
    ),
    "dashboard:review-print": (
        lambda: reverse("dashboard:review-print", args=[2015]),
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 302)},
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 302)},
    ),
    "login": (lambda: reverse("login"), dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 200)),
    # Signing out is a POST that ends on the sign-in page; GET changes nothing.
    "logout": (
        lambda: reverse("logout"),
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 405)},
        dict.fromkeys(ROLES, 302),
    ),
    "password_change": (lambda: reverse("password_change"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "password_change_done": (lambda: reverse("password_change_done"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "password_reset": (lambda: reverse("password_reset"), dict.fromkeys(ROLES, 200), dict.fromkeys(ROLES, 200)),
    "password_reset_done": (lambda: reverse("password_reset_done"), dict.fromkeys(ROLES, 200), None),
    "password_reset_confirm": (
        lambda: reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        dict.fromkeys(ROLES, 200),
        dict.fromkeys(ROLES, 200),  # an expired link says so, whatever is posted
    ),
    "password_reset_complete": (lambda: reverse("password_reset_complete"), dict.fromkeys(ROLES, 200), None),
    "actions:register": (lambda: reverse("actions:register") + "?sort=theme", {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "actions:export": (lambda: reverse("actions:export"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "actions:export-xlsx": (lambda: reverse("actions:export-xlsx"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "actions:detail": (lambda: Action.objects.get().get_absolute_url(), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "actions:update-status": (
        lambda: reverse("actions:update-status", args=[Action.objects.get().pk]),
        {ANONYMOUS: TO_LOGIN, MEMBER: 405, CO_CHAIR: 405, SECRETARIAT: 405, SUPERUSER: 405},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    # Bulk edit: the Secretariat's, like the status form. GET names the selected action; an
    # empty POST selects nothing and is refused as it stands.
    "actions:bulk-edit": (
        lambda: reverse("actions:bulk-edit") + f"?ids={Action.objects.get().pk}",
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "meetings:list": (lambda: reverse("meetings:list"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "meetings:detail": (
        lambda: reverse("meetings:detail", args=["ahg-som-8-2014"]),
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        None,
    ),
    # Record a statement: the Secretariat's; readers are refused. Steps 2 and 3 without a
    # draft send the officer back to step 1; an empty form is refused as it stands.
    "meetings:record-meeting": (
        lambda: reverse("meetings:record-meeting"),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "meetings:record-document": (
        lambda: reverse("meetings:record-document"),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 302, SUPERUSER: 302},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 302, SUPERUSER: 302},
    ),
    "meetings:record-text": (
        lambda: reverse("meetings:record-text"),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 302, SUPERUSER: 302},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 302, SUPERUSER: 302},
    ),
    "meetings:record-attendance": (
        lambda: reverse("meetings:record-attendance", args=["ahg-som-8-2014-statement"]),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "meetings:record-done": (
        lambda: reverse("meetings:record-done", args=["ahg-som-8-2014-statement"]),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        None,
    ),
    "actions:record-links": (
        lambda: reverse("actions:record-links", args=["ahg-som-8-2014-statement"]),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "members:list": (lambda: reverse("members:list"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "members:detail": (lambda: reverse("members:detail", args=["ID"]), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "members:group-list": (lambda: reverse("members:group-list"), {ANONYMOUS: TO_LOGIN, **SIGNED_IN}, None),
    "members:group-detail": (
        lambda: reverse("members:group-detail", args=["WGTIP"]),
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        None,
    ),
}

# The API: a caller who is not signed in (no token, no session) is refused with 401 and a
# WWW-Authenticate header, not sent to a sign-in page no program can fill in. Reading is
# for every role; POST to a read-only endpoint is 405.
API_READ = {ANONYMOUS: 401, **SIGNED_IN}
API_READ_POST = {ANONYMOUS: 401, **dict.fromkeys(SIGNED_IN, 405)}
API_RECORDS = {
    "member": lambda: Member.objects.get(code="ID").pk,
    "forum": lambda: Forum.objects.order_by("pk")[0].pk,
    "body": lambda: Body.objects.get(code="WGTIP").pk,
    "meeting": lambda: Meeting.objects.get(slug="ahg-som-8-2014").pk,
    "document": lambda: Document.objects.get(slug="ahg-som-8-2014-statement").pk,
    "paragraph": lambda: Decision.objects.order_by("pk")[0].pk,
    "strategy": lambda: Strategy.objects.get().pk,
    "theme": lambda: Theme.objects.get().pk,
    "initiative": lambda: Initiative.objects.get().pk,
    "action": lambda: Action.objects.get().pk,
}


def _api_list(basename: str) -> Callable[[], str]:
    return lambda: reverse(f"api:{basename}-list")


def _api_detail(basename: str, pk: Callable[[], int]) -> Callable[[], str]:
    return lambda: reverse(f"api:{basename}-detail", args=[pk()])


for _basename, _pk in API_RECORDS.items():
    MATRIX[f"api:{_basename}-list"] = (_api_list(_basename), API_READ, API_READ_POST)
    MATRIX[f"api:{_basename}-detail"] = (_api_detail(_basename, _pk), API_READ, API_READ_POST)
MATRIX |= {
    "api:schema": (lambda: reverse("api:schema"), API_READ, API_READ_POST),
    "api:docs": (lambda: reverse("api:docs"), API_READ, API_READ_POST),
    "api:action-history": (
        lambda: reverse("api:action-history", args=[Action.objects.get().pk]),
        API_READ,
        API_READ_POST,
    ),
    # Recording a status update: the Secretariat's; an empty request is refused as it stands.
    "api:action-updates": (
        lambda: reverse("api:action-updates", args=[Action.objects.get().pk]),
        API_READ_POST,
        {ANONYMOUS: 401, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    # Each user's own keys; an empty form is refused as it stands.
    "api:keys": (
        lambda: reverse("api:keys"),
        {ANONYMOUS: TO_LOGIN, **SIGNED_IN},
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 400)},
    ),
    # Proposals: every signed-in role lists them (a Members user its own member's, the
    # co-chairs and the Secretariat all); one that is not the reader's is not found.
    "api:proposal-list": (lambda: reverse("api:proposal-list"), API_READ, API_READ_POST),
    "api:proposal-detail": (
        lambda: reverse("api:proposal-detail", args=[_a_proposal().pk]),
        API_READ,
        API_READ_POST,
    ),
    # Any other address under /api/v1/ is a 404 in JSON, once signed in.
    "api:unknown": (
        lambda: "/api/v1/no-such-list/",
        {ANONYMOUS: 401, **dict.fromkeys(SIGNED_IN, 404)},
        {ANONYMOUS: 401, **dict.fromkeys(SIGNED_IN, 404)},
    ),
    # A calendar address is its own sign-in: one that opens nothing is not found, for anyone.
    "api:calendar": (
        lambda: reverse("api:calendar", args=["bt_not-a-feed"]),
        dict.fromkeys(ROLES, 404),
        dict.fromkeys(ROLES, 405),
    ),
}


def _a_proposal() -> Proposal:
    """A pending proposal of Indonesia's on the page's action (Indonesia leads it)."""
    action = Action.objects.get()
    return Proposal.objects.pending().first() or Proposal.objects.create(
        action=action,
        member=Member.objects.get(code="ID"),
        proposed_by=User.objects.create_user("proposer"),
        proposed_at=timezone.now(),
        based_on_version=action.version,
        status=Action.Status.IN_PROGRESS,
        progress=10,
    )


# Proposed updates: a member proposes on an action its member carries (Indonesia leads the page's
# action); the co-chairs and the Secretariat read the queue; only the Secretariat accepts or
# returns. An empty form is refused as it stands. A member with no part in an action is refused
# (403, not 404: every signed-in user reads every action): see the test below the matrix.
MATRIX |= {
    "proposals:queue": (
        lambda: reverse("proposals:queue"),
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 200, SECRETARIAT: 200, SUPERUSER: 200},
        None,
    ),
    "proposals:propose": (
        lambda: reverse("proposals:propose", args=[Action.objects.get().pk]),
        {ANONYMOUS: TO_LOGIN, MEMBER: 200, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 400, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "proposals:accept": (
        lambda: reverse("proposals:accept", args=[_a_proposal().pk]),
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 405)},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "proposals:return": (
        lambda: reverse("proposals:return", args=[_a_proposal().pk]),
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 405)},
        {ANONYMOUS: TO_LOGIN, MEMBER: 403, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    # A filled-in sheet of the register: the Secretariat applies it, a member's focal point proposes
    # from it for its member; the co-chairs read and do not report. An empty upload, or a
    # confirmation with no preview behind it, is refused as it stands.
    "proposals:sheet": (
        lambda: reverse("proposals:sheet"),
        {ANONYMOUS: TO_LOGIN, MEMBER: 200, CO_CHAIR: 403, SECRETARIAT: 200, SUPERUSER: 200},
        {ANONYMOUS: TO_LOGIN, MEMBER: 400, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
    "proposals:sheet-apply": (
        lambda: reverse("proposals:sheet-apply"),
        {ANONYMOUS: TO_LOGIN, **dict.fromkeys(SIGNED_IN, 405)},
        {ANONYMOUS: TO_LOGIN, MEMBER: 400, CO_CHAIR: 403, SECRETARIAT: 400, SUPERUSER: 400},
    ),
}
# Pages that only read refuse POST; signing in is needed first.
READ_ONLY_POST = {ANONYMOUS: TO_LOGIN, MEMBER: 405, CO_CHAIR: 405, SECRETARIAT: 405, SUPERUSER: 405}
# Django's own forms answer POST with the form again (200) or a redirect once done.
AUTH_FORM_POST = {"password_change": 200}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own tests
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def pages(db):
    """One record of each kind the pages above open."""
    Member.objects.get_or_create(code="ID", defaults={"name": "Indonesia", "kind": Member.Kind.COUNTRY})
    document = DocumentFactory(slug="ahg-som-8-2014-statement", meeting=MeetingFactory(slug="ahg-som-8-2014"))
    DecisionFactory(document=document)
    ForumFactory()
    BodyFactory(code="WGTIP")
    action = ActionFactory()  # its strategy endorsed on 6 August 2014, the factory's day
    # Indonesia leads it, so its focal point may propose updates on it.
    ActionOwnerFactory(action=action, member=Member.objects.get(code="ID"), role=ActionOwner.Role.LEAD)


def test_every_page_has_a_row_in_the_matrix():
    assert set(_url_names(get_resolver().url_patterns)) == set(MATRIX)


def _cases():
    for name, (_, get_expected, post_expected) in MATRIX.items():
        for role in ROLES:
            yield pytest.param(name, role, "get", get_expected[role], id=f"{name}-{role}-GET")
            if post_expected is not None:
                post = post_expected[role]
            elif name in AUTH_FORM_POST:
                post = TO_LOGIN if role == ANONYMOUS else AUTH_FORM_POST[name]
            elif get_expected[role] == 200 and role == ANONYMOUS:
                post = 405
            else:
                post = READ_ONLY_POST[role]
            yield pytest.param(name, role, "post", post, id=f"{name}-{role}-POST")


@pytest.mark.parametrize(("name", "role", "method", "expected"), list(_cases()))
def test_page_answers_each_role_as_the_matrix_says(client, request, pages, name, role, method, expected):
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(role))
    url = MATRIX[name][0]()

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)

    assert response.status_code == expected
    if role == ANONYMOUS and expected == TO_LOGIN:
        assert response["Location"].startswith(reverse("login"))
    if method == "get" or expected >= 400:
        # Reading changes nothing, and neither does a refused request; only the session
        # moves, and a refusal is written to the audit trail.
        assert _writes(queries) == [], _writes(queries)
    refusals = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED)
    if expected == 403:
        refusal = refusals.get()
        # The trail names the path, not the query string (the bulk page's names its selection).
        assert refusal.source == f"{method.upper()} {url.partition('?')[0]}"
        assert refusal.username == (request.getfixturevalue(role).username if role != ANONYMOUS else "")
    else:
        assert not refusals.exists()


def _writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in query["sql"]
        and "audit_auditevent" not in query["sql"]
        # The dashboard's tally (actions.tally): worked out from the record, never part of it,
        # and stored by the first dashboard after a change that status updates did not make.
        and "actions_dashboard" not in query["sql"]
    ]


@pytest.mark.parametrize("name", list(MATRIX))
def test_a_post_without_a_csrf_token_is_refused(pages, secretariat_user, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user)

    response = client.post(MATRIX[name][0](), {"status": "completed", "progress": "100", "version": "0"})

    assert response.status_code == 403
    assert Action.objects.get().version == 0
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED).count() == 1


# What each role may do with the strategy's reviews and the reminder log (both in the
# admin): the secretariat records reviews as held and reads the log, which BaliTrack alone
# writes; the co-chairs read reviews; members see neither.
REVIEW_AND_LOG_PERMISSIONS = {
    MEMBER: set(),
    CO_CHAIR: {"actions.view_review"},
    SECRETARIAT: {"actions.add_review", "actions.change_review", "actions.view_review", "reminders.view_reminder"},
}


@pytest.mark.parametrize(("role", "expected"), REVIEW_AND_LOG_PERMISSIONS.items())
def test_each_role_holds_exactly_its_permissions_on_reviews_and_the_reminder_log(request, role, expected):
    user = request.getfixturevalue(role)

    held = {name for name in user.get_all_permissions() if name.endswith(("_review", "_reminder"))}

    assert held == expected


# The proposal pages for the outsider (an account with no role), who the matrix above leaves out:
# refused everywhere, GET and POST, and the refusal is in the trail.
OUTSIDER_ON_PROPOSALS = {
    "proposals:queue": (403, 405),
    "proposals:propose": (403, 403),
    "proposals:accept": (405, 403),
    "proposals:return": (405, 403),
    "proposals:sheet": (403, 403),
    "proposals:sheet-apply": (405, 403),
}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", OUTSIDER_ON_PROPOSALS)
def test_an_outsider_is_refused_every_proposal_page(client, pages, outsider, name, method):
    client.force_login(outsider)
    url = MATRIX[name][0]()

    response = getattr(client, method)(url)

    assert response.status_code == OUTSIDER_ON_PROPOSALS[name][method == "post"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED).count() == (response.status_code == 403)
    assert not Proposal.objects.exclude(proposed_by__username="proposer").exists()


# A member proposing on an action its member has no part in (Thailand leads it) is refused, 403;
# the Secretariat may still propose on Thailand's behalf.
NO_PART = {
    ANONYMOUS: (TO_LOGIN, TO_LOGIN),
    "outsider": (403, 403),
    MEMBER: (403, 403),
    CO_CHAIR: (403, 403),
    SECRETARIAT: (200, 400),
    SUPERUSER: (200, 400),
}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", NO_PART)
def test_a_member_cannot_propose_on_an_action_it_has_no_part_in(client, request, db, role, method):
    Member.objects.get_or_create(code="ID", defaults={"name": "Indonesia", "kind": Member.Kind.COUNTRY})
    action = ActionFactory()
    ActionOwnerFactory(action=action, member=MemberFactory(code="TH", name="Thailand"), role=ActionOwner.Role.LEAD)
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(role))

    response = getattr(client, method)(reverse("proposals:propose", args=[action.pk]))

    assert response.status_code == NO_PART[role][method == "post"]
    assert not Proposal.objects.exists()

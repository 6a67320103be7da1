"""The API reads as the app does for each role, refuses what it must, and writes only
through the status-update service."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from actions.models import Action, ActionUpdate
from api.keys import issue_key, revoke_key
from api.models import AccessKey
from audit.models import AuditEvent
from members.models import Member
from proposals.services import proposal_submit
from tests.factories import ActionFactory, ActionOwnerFactory, FocalPointFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def token_for(user: User) -> str:
    return issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name="script").secret


def api(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}"})


def every_id(client: Client, url: str) -> list[int]:
    """The ids of every page of a list, following `next` as a program would."""
    ids: list[int] = []
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids


def test_a_members_token_reads_no_focal_points_and_a_secretariat_token_does(member_user, secretariat_user):
    indonesia = Member.objects.get(code="ID")
    FocalPointFactory(member=indonesia, email="focal@id.example")
    url = reverse("api:member-detail", args=[indonesia.pk])

    as_member = api(token_for(member_user)).get(url).json()
    as_secretariat = api(token_for(secretariat_user)).get(url).json()

    assert as_member["focal_points"] is None
    assert "focal@id.example" not in str(as_member)
    assert [point["email"] for point in as_secretariat["focal_points"]] == ["focal@id.example"]


def test_a_revoked_token_is_refused_and_the_refusal_is_in_the_trail(member_user):
    issued = issue_key(user=member_user, kind=AccessKey.Kind.API_TOKEN, name="old script")
    revoke_key(user=member_user, pk=issued.key.pk)

    response = api(issued.secret).get(reverse("api:action-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    refusal = AuditEvent.objects.get(kind=AuditEvent.Kind.KEY_REFUSED)
    assert refusal.object_repr == f"API token {issued.secret[:8]}…"
    assert issued.secret not in str(list(AuditEvent.objects.values()))


def test_a_token_is_stored_as_a_digest_and_its_use_is_noted(member_user):
    secret = token_for(member_user)

    assert api(secret).get(reverse("api:action-list")).status_code == 200

    key = AccessKey.objects.get()
    assert secret not in (key.digest, key.prefix) and secret.startswith(key.prefix)
    assert key.last_used_at is not None


def test_a_stale_version_answers_409_with_the_action_as_it_stands_and_writes_nothing(secretariat_user):
    action = ActionFactory(status=Action.Status.PLANNED, target_date=datetime.date(2027, 6, 30))
    client = api(token_for(secretariat_user))
    url = reverse("api:action-updates", args=[action.pk])
    first = client.post(url, {"status": "in_progress", "progress": 10, "version": 0}, content_type="application/json")

    stale = client.post(
        url, {"status": "on_hold", "progress": 10, "note": "Paused", "version": 0}, content_type="application/json"
    )

    assert first.status_code == 201
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 1
    assert stale.json()["current"]["status"] == "in_progress"
    assert ActionUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 1)


def test_a_field_left_out_of_an_update_keeps_the_actions_value(secretariat_user):
    action = ActionFactory(target_date=datetime.date(2027, 6, 30), progress=40, status=Action.Status.IN_PROGRESS)
    url = reverse("api:action-updates", args=[action.pk])

    response = api(token_for(secretariat_user)).post(
        url, {"note": "Workshop dates confirmed.", "version": action.version}, content_type="application/json"
    )

    assert response.status_code == 201
    action.refresh_from_db()
    assert (action.status, action.progress, action.target_date) == ("in_progress", 40, datetime.date(2027, 6, 30))
    assert action.status_note == "Workshop dates confirmed."


def test_an_update_is_checked_as_the_page_checks_it(secretariat_user):
    action = ActionFactory()
    url = reverse("api:action-updates", args=[action.pk])

    response = api(token_for(secretariat_user)).post(
        url, {"status": "completed", "progress": 50, "version": action.version}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"progress": ["A completed action is 100% done."]}
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_a_members_token_cannot_record_an_update(member_user):
    action = ActionFactory()

    response = api(token_for(member_user)).post(
        reverse("api:action-updates", args=[action.pk]),
        {"status": "in_progress", "progress": 10, "version": 0},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()


FILTERS = [
    "",
    "?lead=ID",
    "?lead=ID&via_bodies=on",
    "?status=completed&status=in_progress",
    "?q=workshop",
    "?theme=law-enforcement-and-border-management",
    "?overdue=on",
    "?stale=on&status=planned",
    "?target_after=2014-01-01&target_before=2015-12-31",
    "?owner=AU&new_work=on",
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_actions_endpoint_and_the_register_list_the_same_actions(record, member_user, query):
    browser = Client()
    browser.force_login(member_user)
    browser.get(reverse("actions:register"))  # past the member's first visit, which opens on their own leads
    register = browser.get(reverse("actions:register") + query)
    assert register.status_code == 200
    listed = {action.pk for action in register.context["paginator"].object_list}

    through_api = every_id(
        api(token_for(member_user)), reverse("api:action-list") + query + ("&" if query else "?") + "page_size=7"
    )

    assert sorted(through_api) == sorted(listed)
    assert len(through_api) == len(set(through_api))


def test_a_filter_the_register_refuses_is_refused_by_the_api_too(member_user):
    response = api(token_for(member_user)).get(reverse("api:action-list") + "?lead=NOWHERE")

    assert response.status_code == 400
    assert "lead" in response.json()


@override_settings(API_RATE_LIMIT="3/minute")
def test_requests_past_the_rate_limit_wait(member_user):
    client = api(token_for(member_user))
    url = reverse("api:forum-list")

    answers = [client.get(url).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


def test_create_api_token_prints_a_token_that_reads_as_its_user(member_user):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", member_user.username, "--name", "Nightly export", stdout=out, stderr=err)

    secret = out.getvalue().strip()
    assert AccessKey.objects.get().name == "Nightly export"
    assert "shown only now" in err.getvalue()
    assert api(secret).get(reverse("api:action-list")).status_code == 200


def test_the_openapi_document_is_valid_and_names_every_endpoint():
    out = io.StringIO()

    # Validated against the OpenAPI 3 schema; the register's code-keyed filters are typed as
    # strings (drf-spectacular warns that it has to guess), which is what they are.
    call_command("spectacular", "--validate", "--format", "openapi-json", stdout=out)

    document = out.getvalue()
    for path in ("/api/v1/actions/", "/api/v1/actions/{id}/updates/", "/api/v1/meetings/{id}/", "/api/v1/paragraphs/"):
        assert f'"{path}"' in document


def test_owners_and_history_read_as_on_the_action_page(secretariat_user):
    action = ActionFactory()
    ActionOwnerFactory(action=action, member=Member.objects.get_or_create(code="ID", defaults={"name": "Indonesia"})[0])
    client = api(token_for(secretariat_user))
    client.post(
        reverse("api:action-updates", args=[action.pk]),
        {"status": "in_progress", "progress": 5, "version": 0},
        content_type="application/json",
    )

    detail = client.get(reverse("api:action-detail", args=[action.pk])).json()
    history = client.get(detail["history"]).json()

    assert detail["owners"][0]["member"] == Member.objects.get(code="ID").pk
    assert detail["page"].endswith(action.get_absolute_url())
    assert [row["status"] for row in history["results"]] == ["in_progress"]


def test_a_members_token_reads_its_own_members_proposals_and_a_co_chairs_token_reads_all(member_user, co_chair_user):
    action = ActionFactory()
    indonesia = member_user.profile.member
    ours, theirs = (
        proposal_submit(
            action=action,
            proposer=proposer,
            member=member,
            on_behalf=False,
            leading=False,
            status="in_progress",
            progress=30,
            target_date=None,
            note="Workshop held.",
            evidence_url="",
            based_on_version=action.version,
        )
        for member, proposer in ((indonesia, member_user), (MemberFactory(code="TH"), UserFactory()))
    )
    member, co_chairs = api(token_for(member_user)), api(token_for(co_chair_user))

    assert every_id(member, "/api/v1/proposals/") == [ours.pk]
    assert member.get(f"/api/v1/proposals/{theirs.pk}/").status_code == 404
    assert every_id(co_chairs, "/api/v1/proposals/?state=pending") == [theirs.pk, ours.pk]
    body = member.get(f"/api/v1/proposals/{ours.pk}/").json()
    assert (body["member"], body["proposed_by"], body["state"], body["reviewed_by"]) == (
        "ID",
        "Dewi Lestari",
        "pending",
        None,
    )
    assert body["page"] == f"http://testserver{action.get_absolute_url()}"

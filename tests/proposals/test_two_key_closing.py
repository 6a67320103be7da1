"""Two-key closing: an action is completed or discontinued by a proposal that another user accepts."""

import pytest
from django.urls import reverse

from actions.models import ActionUpdate
from api.keys import issue_key
from api.models import AccessKey
from proposals.models import Proposal
from tests.browser_forms import form_data

pytestmark = pytest.mark.django_db

COMPLETED = {"status": "completed", "progress": "100", "note": "Final report adopted."}


def _status_form(client, action, **changes: str) -> dict[str, list[str]]:
    data = form_data(client.get(action.get_absolute_url()).text, "status-form")
    return data | {name: [value] for name, value in changes.items()}


def _proposal_form(client, action, **changes: str) -> dict[str, list[str]]:
    # The proposal page: the Secretariat's form on a member's behalf, the member's own form.
    data = form_data(client.get(reverse("proposals:propose", args=[action.pk])).text, "proposal-form")
    return data | {f"proposal-{name}": [value] for name, value in changes.items()}


def _accept(client, proposal: Proposal):
    proposal.action.refresh_from_db()
    return client.post(
        reverse("proposals:accept", args=[proposal.pk]), {f"accept-{proposal.pk}-version": proposal.action.version}
    )


def test_the_secretariats_status_form_does_not_close_an_action_in_one_step(client, secretariat_user, led_action):
    client.force_login(secretariat_user)

    response = client.post(
        reverse("actions:update-status", args=[led_action.pk]), _status_form(client, led_action, **COMPLETED)
    )

    assert response.status_code == 400
    assert "Closing an action takes two people" in response.text
    assert "Final report adopted." in response.text  # the text typed is kept
    assert not ActionUpdate.objects.exists()
    led_action.refresh_from_db()
    assert (led_action.status, led_action.version) == ("in_progress", 0)


def test_the_api_refuses_a_closing_in_one_step_with_a_400_saying_why(secretariat_user, led_action):
    from django.test import Client

    secret = issue_key(user=secretariat_user, kind=AccessKey.Kind.API_TOKEN, name="script").secret
    response = Client(headers={"authorization": f"Bearer {secret}"}).post(
        reverse("api:action-updates", args=[led_action.pk]),
        {"status": "discontinued", "note": "Dropped by the AHG.", "version": 0},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["status"][0].startswith("Closing an action takes two people")
    assert not ActionUpdate.objects.exists()


def test_completing_an_action_takes_the_lead_members_proposal_and_the_secretariats_acceptance(
    client, member_user, secretariat_user, led_action
):
    client.force_login(member_user)
    assert (
        client.post(
            reverse("proposals:propose", args=[led_action.pk]), _proposal_form(client, led_action, **COMPLETED)
        ).status_code
        == 302
    )
    client.force_login(secretariat_user)

    response = _accept(client, Proposal.objects.get())

    assert response.status_code == 302
    led_action.refresh_from_db()
    assert (led_action.status, led_action.progress) == ("completed", 100)
    history = client.get(led_action.get_absolute_url()).text
    assert "Siti Rahman, accepting the proposal Dewi Lestari made for Indonesia" in history


def test_the_officer_who_proposed_a_closing_on_a_members_behalf_does_not_accept_it(
    client, secretariat_user, second_officer, indonesia, led_action
):
    client.force_login(secretariat_user)
    client.post(reverse("proposals:propose", args=[led_action.pk]), _proposal_form(client, led_action, **COMPLETED))
    proposal = Proposal.objects.get()
    assert (proposal.on_behalf, proposal.member) == (True, indonesia)

    assert "You proposed closing this action: another officer accepts it." in client.get("/proposals/").text
    refused = _accept(client, proposal)

    assert refused.status_code == 400
    assert "You proposed closing this action, so another officer accepts it" in refused.text
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    assert not ActionUpdate.objects.exists()

    client.force_login(second_officer)
    assert _accept(client, proposal).status_code == 302
    led_action.refresh_from_db()
    assert led_action.status == "completed"
    history = client.get(led_action.get_absolute_url()).text
    assert "Arif Santoso, accepting the proposal Siti Rahman made on Indonesia's behalf" in history


def test_with_two_key_closing_off_the_secretariat_closes_in_one_step(client, settings, secretariat_user, led_action):
    settings.TWO_KEY_CLOSING = False
    client.force_login(secretariat_user)

    response = client.post(
        reverse("actions:update-status", args=[led_action.pk]), _status_form(client, led_action, **COMPLETED)
    )

    assert response.status_code == 302
    led_action.refresh_from_db()
    assert led_action.status == "completed"


def test_with_two_key_closing_off_an_officer_accepts_their_own_closing(client, settings, secretariat_user, led_action):
    settings.TWO_KEY_CLOSING = False
    client.force_login(secretariat_user)
    client.post(reverse("proposals:propose", args=[led_action.pk]), _proposal_form(client, led_action, **COMPLETED))

    assert _accept(client, Proposal.objects.get()).status_code == 302
    led_action.refresh_from_db()
    assert led_action.status == "completed"


def test_reopening_a_closed_action_takes_one_step(client, secretariat_user, led_action):
    led_action.status, led_action.progress = "completed", 100
    led_action.save(update_fields=["status", "progress"])
    client.force_login(secretariat_user)

    response = client.post(
        reverse("actions:update-status", args=[led_action.pk]),
        _status_form(client, led_action, status="in_progress", progress="90", note="Reopened: a phase two."),
    )

    assert response.status_code == 302

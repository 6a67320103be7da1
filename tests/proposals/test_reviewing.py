"""The Secretariat's queue: accepting a proposal into the history, or returning it with a reason."""

import pytest
from django.urls import reverse

from actions.models import ActionUpdate
from actions.services import action_record_update
from proposals.models import Proposal
from proposals.services import proposal_submit
from tests.browser_forms import form_data

pytestmark = pytest.mark.django_db

QUEUE = "/proposals/"


@pytest.fixture
def proposal(member_user, indonesia, led_action) -> Proposal:
    return proposal_submit(
        action=led_action,
        proposer=member_user,
        member=indonesia,
        on_behalf=False,
        leading=True,
        status="in_progress",
        progress=45,
        target_date=None,
        note="Two of three workshops held.",
        evidence_url="https://example.org/report.pdf",
        based_on_version=0,
    )


def _queue_form(client, action_name: str) -> tuple[str, dict[str, list[str]]]:
    """The first form on the queue page whose address ends with `action_name`, as a browser sends it."""
    page = client.get(QUEUE).text
    start = page.index(f'/{action_name}/"')
    form_start = page.rindex("<form", 0, start)
    action = page[form_start:].split('action="', 1)[1].split('"', 1)[0]
    return action, form_data(page[form_start:])


def test_the_queue_lists_pending_proposals_with_who_proposed_them(client, secretariat_user, proposal):
    client.force_login(secretariat_user)

    page = client.get(QUEUE).text

    assert "1 proposal waiting for the Secretariat" in page
    assert "Dewi Lestari for Indonesia" in page
    assert "Two of three workshops held." in page
    assert 'href="https://example.org/report.pdf"' in page
    assert "has been updated since this was proposed" not in page


def test_secretariat_accepts_and_the_history_names_proposer_and_officer(client, secretariat_user, proposal):
    client.force_login(secretariat_user)
    url, data = _queue_form(client, "accept")

    response = client.post(url, data)

    assert response.status_code == 302
    proposal.refresh_from_db()
    update = ActionUpdate.objects.get()
    assert (proposal.state, proposal.reviewed_by, proposal.accepted_update) == ("accepted", secretariat_user, update)
    assert (update.author, update.status, update.progress, update.note) == (
        secretariat_user,
        "in_progress",
        45,
        "Two of three workshops held.",
    )
    action = update.action
    action.refresh_from_db()
    assert (action.progress, action.version) == (45, 1)
    history = client.get(action.get_absolute_url()).text
    assert "Siti Rahman, accepting the proposal Dewi Lestari made for Indonesia" in history
    assert "1 proposal" not in client.get(QUEUE).text


def test_a_proposal_the_action_moved_on_from_is_a_conflict_never_applied_unseen(
    client, secretariat_user, second_officer, proposal, led_action
):
    client.force_login(secretariat_user)
    url, data = _queue_form(client, "accept")  # opened at version 0
    action_record_update(
        action=led_action, author=second_officer, status="in_progress", progress=30, target_date=None, note="Arif"
    )

    response = client.post(url, data)

    assert response.status_code == 409
    assert "was updated after you opened the queue. Arif Santoso recorded In progress, 30%" in response.text
    assert "has been updated since this was proposed" in response.text
    assert "Accept on top of the newer update" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    assert ActionUpdate.objects.count() == 1

    # Seen as a conflict, it is accepted deliberately, on top of the newer update.
    url, data = _queue_form(client, "accept")
    assert client.post(url, data).status_code == 302
    led_action.refresh_from_db()
    assert (led_action.progress, led_action.version) == (45, 2)


def test_secretariat_returns_a_proposal_with_a_reason_the_member_reads(
    client, secretariat_user, member_user, proposal, led_action
):
    client.force_login(secretariat_user)
    url, data = _queue_form(client, "return")
    data[f"return-{proposal.pk}-reason"] = ["Please attach the workshop report."]

    response = client.post(url, data)

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.return_reason) == ("returned", "Please attach the workshop report.")
    led_action.refresh_from_db()
    assert (led_action.progress, led_action.version) == (20, 0)
    client.force_login(member_user)
    page = client.get(led_action.get_absolute_url()).text
    assert "Returned" in page
    assert "Siti Rahman returned it on" in page
    assert "Please attach the workshop report." in page
    # ... and proposes again.
    assert 'id="proposal-form"' in page


def test_returning_without_a_reason_is_refused(client, secretariat_user, proposal):
    client.force_login(secretariat_user)
    url, data = _queue_form(client, "return")

    response = client.post(url, data)

    assert response.status_code == 400
    assert "Reason for returning it: This field is required." in response.text
    proposal.refresh_from_db()
    assert proposal.state == "pending"


def test_a_proposal_already_reviewed_is_not_reviewed_again(client, secretariat_user, second_officer, proposal):
    client.force_login(secretariat_user)
    url, data = _queue_form(client, "accept")
    client.force_login(second_officer)
    client.post(*_queue_form(client, "accept"))
    client.force_login(secretariat_user)

    response = client.post(url, data)

    assert response.status_code == 409
    assert "Arif Santoso accepted this proposal on" in response.text
    assert ActionUpdate.objects.count() == 1


def test_co_chairs_read_the_queue_but_do_not_review(client, co_chair_user, proposal):
    client.force_login(co_chair_user)

    page = client.get(QUEUE)

    assert page.status_code == 200
    assert "Dewi Lestari for Indonesia" in page.text
    assert "<form" not in page.text.split('<main id="main"', 1)[1]
    accept = client.post(reverse("proposals:accept", args=[proposal.pk]), {f"accept-{proposal.pk}-version": "0"})
    assert accept.status_code == 403
    assert Proposal.objects.get().state == "pending"


def test_members_do_not_read_the_queue(client, member_user, proposal):
    client.force_login(member_user)

    assert client.get(QUEUE).status_code == 403


def test_the_navigation_and_the_dashboard_count_pending_proposals(client, secretariat_user, proposal):
    client.force_login(secretariat_user)

    page = client.get(reverse("dashboard:index")).text

    assert 'Proposals <span class="count-badge">1<span class="visually-hidden"> pending</span>' in page
    assert '<span class="figure__n">1</span> proposed update waiting for the Secretariat' in page


def test_members_see_no_queue_in_the_navigation(client, member_user, proposal):
    client.force_login(member_user)

    page = client.get(reverse("dashboard:index")).text

    assert "/proposals/" not in page
    assert "waiting for the Secretariat" not in page

"""Members propose status updates on the actions their member carries."""

import pytest
from django.urls import reverse

from actions.models import Action, ActionUpdate
from proposals.models import Proposal
from tests.browser_forms import form_data

pytestmark = pytest.mark.django_db


def _propose_url(action: Action) -> str:
    return reverse("proposals:propose", args=[action.pk])


def _rendered_form(client, action: Action, *, on_behalf: bool = False, **changes: str) -> dict[str, list[str]]:
    """The proposal form as the action page renders it (for the Secretariat, the proposal page,
    which has the form on a member's behalf), with the fields the user changed."""
    page = _propose_url(action) if on_behalf else action.get_absolute_url()
    data = form_data(client.get(page).text, "proposal-form")
    for name, value in changes.items():
        data[f"proposal-{name}"] = [value]
    return data


def test_member_proposes_an_update_on_an_action_its_member_leads(client, member_user, indonesia, led_action):
    client.force_login(member_user)
    data = _rendered_form(client, led_action, progress="45", note="Two of three workshops held.")
    data["proposal-evidence_url"] = ["https://example.org/report.pdf"]

    response = client.post(_propose_url(led_action), data)

    assert response.status_code == 302
    assert response["Location"] == led_action.get_absolute_url()
    proposal = Proposal.objects.get()
    assert (proposal.member, proposal.proposed_by, proposal.on_behalf) == (indonesia, member_user, False)
    assert (proposal.status, proposal.progress, proposal.note) == ("in_progress", 45, "Two of three workshops held.")
    assert proposal.evidence_url == "https://example.org/report.pdf"
    assert (proposal.state, proposal.based_on_version) == (Proposal.State.PENDING, 0)
    # The proposal is not the action's status until it is accepted.
    led_action.refresh_from_db()
    assert (led_action.progress, led_action.version) == (20, 0)
    assert not ActionUpdate.objects.exists()
    page = client.get(led_action.get_absolute_url()).text
    assert "Pending review" in page
    assert "Dewi Lestari for Indonesia" in page


def test_a_form_submitted_as_rendered_keeps_everything_the_user_did_not_touch(client, member_user, led_action):
    led_action.target_date = "2027-03-31"
    led_action.save(update_fields=["target_date"])
    client.force_login(member_user)

    client.post(_propose_url(led_action), _rendered_form(client, led_action, note="No news yet."))

    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.progress, str(proposal.target_date)) == ("in_progress", 20, "2027-03-31")
    assert proposal.evidence_url == ""


def test_the_proposal_page_renders_the_same_form(client, member_user, led_action):
    client.force_login(member_user)

    response = client.post(
        _propose_url(led_action),
        form_data(client.get(_propose_url(led_action)).text, "proposal-form") | {"proposal-progress": ["30"]},
    )

    assert response.status_code == 302
    assert Proposal.objects.get().progress == 30


def test_member_proposes_on_an_action_led_by_a_body_it_co_chairs(client, member_user, body_action):
    client.force_login(member_user)

    response = client.post(_propose_url(body_action), _rendered_form(client, body_action, status="in_progress"))

    assert response.status_code == 302
    assert Proposal.objects.get().action == body_action


def test_member_cannot_propose_on_an_action_it_has_no_part_in(client, member_user, other_action):
    client.force_login(member_user)

    assert 'id="proposal-form"' not in client.get(other_action.get_absolute_url()).text
    assert client.get(_propose_url(other_action)).status_code == 403
    response = client.post(
        _propose_url(other_action),
        {"proposal-status": "in_progress", "proposal-progress": "10", "proposal-version": "0"},
    )

    assert response.status_code == 403
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("persona", ["co_chair_user", "outsider"])
def test_readers_without_a_member_propose_nothing(client, request, persona, led_action):
    client.force_login(request.getfixturevalue(persona))

    assert 'id="proposal-form"' not in client.get(led_action.get_absolute_url()).text
    assert client.get(_propose_url(led_action)).status_code == 403


def test_a_supporting_member_cannot_propose_closing(client, member_user, indonesia):
    from actions.models import ActionOwner
    from tests.factories import ActionFactory, ActionOwnerFactory

    action = ActionFactory(status="in_progress", progress=80)
    ActionOwnerFactory(action=action, member=indonesia, role=ActionOwner.Role.SUPPORT)
    client.force_login(member_user)

    response = client.post(
        _propose_url(action), _rendered_form(client, action, status="completed", progress="100", note="Done.")
    )

    assert response.status_code == 400
    assert "Only a member that leads this action proposes closing it" in response.text
    assert not Proposal.objects.exists()


def test_a_second_proposal_waits_for_the_first(client, member_user, led_action):
    client.force_login(member_user)
    client.post(_propose_url(led_action), _rendered_form(client, led_action, progress="30"))
    # The action page offers no form while the proposal waits; the proposal page still does.
    assert 'id="proposal-form"' not in client.get(led_action.get_absolute_url()).text
    second = form_data(client.get(_propose_url(led_action)).text, "proposal-form") | {"proposal-progress": ["40"]}

    response = client.post(_propose_url(led_action), second)

    assert response.status_code == 400
    assert "is still waiting for the Secretariat" in response.text
    assert list(Proposal.objects.values_list("progress", flat=True)) == [30]


def test_a_proposal_made_on_a_page_the_secretariat_updated_meanwhile_is_refused_and_kept(
    client, member_user, secretariat_user, led_action
):
    client.force_login(member_user)
    opened = _rendered_form(client, led_action, progress="60", note="My own words.")
    from actions.services import action_record_update

    action_record_update(
        action=led_action, author=secretariat_user, status="in_progress", progress=50, target_date=None, note="RSO"
    )

    response = client.post(_propose_url(led_action), opened)

    assert response.status_code == 409
    assert "this action was updated after you opened the form" in response.text
    assert "My own words." in response.text
    assert 'name="proposal-version" value="1"' in response.text
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"progress": "150"}, "Ensure this value is less than or equal to 100."),
        ({"status": "completed", "progress": "90"}, "A completed action is 100% done."),
        ({"status": "on_hold", "note": ""}, "Say why the action is on hold or discontinued."),
        ({"evidence_url": "not a link at all"}, "Enter a valid URL."),
        ({"note": "x" * 5001}, "A note can be at most 5,000 characters; this one has 5,001."),
        ({}, "Nothing was recorded: the status, progress and target date are as they were"),
    ],
)
def test_a_bad_proposal_says_why_and_saves_nothing(client, member_user, led_action, changes, message):
    client.force_login(member_user)

    response = client.post(_propose_url(led_action), _rendered_form(client, led_action, **changes))

    assert response.status_code == 400
    assert message in response.text
    assert not Proposal.objects.exists()


def test_the_secretariat_proposes_on_a_members_behalf(client, secretariat_user, indonesia, led_action):
    client.force_login(secretariat_user)
    data = _rendered_form(client, led_action, on_behalf=True, progress="70", note="Told by phone.")
    assert data["proposal-member"] == [str(indonesia.pk)]  # the only member the action has

    response = client.post(_propose_url(led_action), data)

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.member, proposal.proposed_by, proposal.on_behalf) == (indonesia, secretariat_user, True)


def test_the_secretariat_cannot_propose_for_a_member_without_a_part(client, secretariat_user, led_action):
    from tests.factories import MemberFactory

    client.force_login(secretariat_user)
    stranger = MemberFactory(code="TH", name="Thailand")
    data = _rendered_form(client, led_action, on_behalf=True, progress="70")
    data["proposal-member"] = [str(stranger.pk)]

    response = client.post(_propose_url(led_action), data)

    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert not Proposal.objects.exists()


def test_an_unknown_action_is_not_found(client, member_user):
    client.force_login(member_user)

    assert client.get(reverse("proposals:propose", args=[999999])).status_code == 404

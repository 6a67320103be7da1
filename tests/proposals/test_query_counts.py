"""The proposal pages cost the same queries however many proposals there are."""

from typing import cast

import pytest
from django.urls import reverse

from actions.models import Action, ActionOwner
from members.models import Member
from proposals.models import Proposal
from tests.factories import ActionFactory, ActionOwnerFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _pending(count: int, proposer) -> None:
    for number in range(count):
        action = cast(Action, ActionFactory())
        member = cast(Member, MemberFactory(code=f"M{number}", name=f"Member {number}"))
        ActionOwnerFactory(action=action, member=member, role=ActionOwner.Role.LEAD)
        Proposal.objects.create(
            action=action,
            member=member,
            proposed_by=proposer,
            proposed_at="2026-11-02T03:00:00Z",
            based_on_version=0,
            status="in_progress",
            progress=number,
        )


@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_costs_the_same_queries_for_few_or_many_proposals(
    client, secretariat_user, member_user, django_assert_num_queries, count
):
    _pending(count, member_user)
    client.force_login(secretariat_user)
    client.get(reverse("proposals:queue"))

    # session, user; the user's and groups' permissions; the pending proposals counted (the
    # navigation), counted for the pages, and the page of them with their actions, initiatives,
    # themes, members and proposers.
    with django_assert_num_queries(7):
        response = client.get(reverse("proposals:queue"))

    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_a_members_action_page_costs_the_same_queries_however_many_proposals(
    client, member_user, django_assert_num_queries, count
):
    action = ActionFactory()
    indonesia = Member.objects.get(code="ID")
    ActionOwnerFactory(action=action, member=indonesia, role=ActionOwner.Role.LEAD)
    for number in range(count):
        Proposal.objects.create(
            action=action,
            member=indonesia,
            proposed_by=member_user,
            proposed_at=f"2026-11-02T03:{number:02d}:00Z",
            based_on_version=0,
            status="in_progress",
            progress=number,
            state="returned",
            reviewed_by=member_user,
            return_reason="Not yet.",
        )
    client.force_login(member_user)
    client.get(action.get_absolute_url())

    # session, user, the action and everything its page shows (tests/actions/test_action_page.py),
    # the user's and groups' permissions; then for the proposals: the user's groups, profile and
    # member (the member they speak for), and every proposal of the action with member and people.
    with django_assert_num_queries(14):
        response = client.get(action.get_absolute_url())

    assert response.text.count("Not yet.") == 1  # the latest returned, with its reason


def test_the_proposal_page_costs_a_fixed_number_of_queries(client, member_user, django_assert_num_queries):
    action = ActionFactory()
    ActionOwnerFactory(action=action, member=Member.objects.get(code="ID"), role=ActionOwner.Role.LEAD)
    client.force_login(member_user)
    url = reverse("proposals:propose", args=[action.pk])
    client.get(url)

    # session, user; the action with initiative and theme, its owners; the permissions (user,
    # groups); the user's groups, profile and member; the member's last ten proposals on it.
    with django_assert_num_queries(10):
        client.get(url)

"""Every API endpoint costs the same number of queries for 5 actions as for 500, and the
number is pinned: a serializer that starts reading a relation row by row fails here.

The records are generated (actions/scale_data.py), as for the pages in tests/test_query_budgets.py.
Each count includes the token's own look-up (one query); the first request of a token also
notes its last use, so each endpoint is read once before it is counted.
"""

from collections.abc import Callable
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from actions.models import Action
from actions.scale_data import generate
from api.keys import issue_key
from api.models import AccessKey
from meetings.models import Document, Meeting
from members.models import Member
from proposals.models import Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[5, 500], ids=["5 actions", "500 actions"])
def generated(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(actions=request.param, updates=request.param * 10, seed=1, log=lambda line: None)


def _busiest_action() -> int:
    return Action.objects.order_by("-version", "pk").values_list("pk", flat=True)[0]


def _a_word() -> str:
    return Action.objects.order_by("pk")[0].text.split()[1]


def _member_with_focal_points() -> int:
    return Member.objects.filter(focal_points__isnull=False).order_by("pk").values_list("pk", flat=True)[0]


# (address, queries as the Secretariat, queries as a Members user)
ENDPOINTS: list[tuple[Callable[[], str], int, int]] = [
    (lambda: "/api/v1/members/", 6, 5),  # token, page, forum seats, (focal points), bodies…
    (lambda: f"/api/v1/members/{_member_with_focal_points()}/", 6, 5),
    (lambda: "/api/v1/forums/", 2, 2),
    (lambda: "/api/v1/bodies/", 3, 3),
    (lambda: "/api/v1/meetings/", 2, 2),
    (lambda: f"/api/v1/meetings/{Meeting.objects.order_by('pk')[0].pk}/", 3, 3),
    (lambda: "/api/v1/documents/", 3, 3),
    (lambda: f"/api/v1/paragraphs/?document={Document.objects.order_by('pk')[0].pk}", 8, 8),  # + the document
    (lambda: "/api/v1/strategies/", 4, 4),
    (lambda: "/api/v1/themes/", 2, 2),
    (lambda: "/api/v1/initiatives/", 2, 2),
    (lambda: "/api/v1/actions/", 5, 5),
    (lambda: f"/api/v1/actions/?status=in_progress&status=planned&q={_a_word()}", 5, 5),
    (lambda: f"/api/v1/actions/{_busiest_action()}/", 5, 5),
    (lambda: f"/api/v1/actions/{_busiest_action()}/history/", 3, 3),
]


@pytest.mark.usefixtures("generated")
@pytest.mark.parametrize(("address", "as_secretariat", "as_member"), ENDPOINTS, ids=lambda value: "")
def test_each_endpoint_costs_a_pinned_number_of_queries_at_any_size(
    address, as_secretariat, as_member, secretariat_user, member_user, django_assert_num_queries
):
    url = address()
    for user, expected in ((secretariat_user, as_secretariat), (member_user, as_member)):
        secret = issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name="counted").secret
        client = Client(headers={"authorization": f"Bearer {secret}"})
        assert client.get(url).status_code == 200

        with django_assert_num_queries(expected):
            response = client.get(url)

        assert response.status_code == 200
        assert response.json()


def _proposals_of_every_state(count: int, member: Member, officer) -> None:
    """`count` proposals over as many actions, for the Members user's member and another one,
    pending and returned (read with their proposer, reviewer and action)."""
    others = Member.objects.exclude(pk=member.pk).order_by("pk")
    proposer = cast(User, UserFactory(username="proposer", first_name="Ana"))
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            action=action,
            member=member if number % 2 else others[number % 3],
            proposed_by=proposer,
            proposed_at=now,
            based_on_version=action.version,
            status=Action.Status.IN_PROGRESS,
            progress=10,
            **(
                {"state": "returned", "reviewed_by": officer, "reviewed_at": now, "return_reason": "Say more."}
                if number % 4 == 0
                else {}
            ),
        )
        for number, action in enumerate(Action.objects.order_by("pk")[:count])
    )


@pytest.mark.usefixtures("generated")
@pytest.mark.parametrize("address", ["/api/v1/proposals/", "/api/v1/proposals/?state=pending"])
def test_the_proposals_cost_a_pinned_number_of_queries_at_any_size(
    address, secretariat_user, member_user, django_assert_num_queries
):
    _proposals_of_every_state(Action.objects.count(), member_user.profile.member, secretariat_user)
    # token; the user's and their groups' permissions (may they read the queue?), then for a
    # Members user their role, profile and member; the page, its rows joined to their action,
    # member, proposer and reviewer.
    for user, expected in ((secretariat_user, 4), (member_user, 7)):
        secret = issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name="counted").secret
        client = Client(headers={"authorization": f"Bearer {secret}"})
        assert client.get(address).status_code == 200

        with django_assert_num_queries(expected):
            response = client.get(address)

        assert response.json()["results"]

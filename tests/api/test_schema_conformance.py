"""Schemathesis reads /api/v1/schema/ and sends what it describes, as every role, to BaliTrack
itself: no answer is a server error, every answer is one the document describes, and no role
reads what its browser pages would not show it.

Each operation is one test (so the parallel suite shares them out); its generated requests are
sent by each role in turn, on the real record with a focal point for every member.
"""

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.keys import issue_key
from api.models import AccessKey
from members.access import can_view_focal_points
from members.models import FocalPoint, Member
from tests.factories import FocalPointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("record")]

# Left out: Schemathesis' "a request the document allows is accepted". An id or code that names
# no record in a filter (`?theme=9999`, `?document=9999`) is refused with a 400 naming the
# filter, as the register refuses it, and the document cannot list which ids exist.
ROLES = ("member_user", "co_chair_user", "secretariat_user", "superuser", "outsider")


@pytest.fixture
def tokens(request: pytest.FixtureRequest) -> dict[str, tuple[Any, str]]:
    """Each role's user and a fresh API token of theirs."""
    users = {role: request.getfixturevalue(role) for role in ROLES}
    return {
        role: (user, issue_key(user=user, kind=AccessKey.Kind.API_TOKEN, name="schemathesis").secret)
        for role, user in users.items()
    }


@pytest.fixture
def focal_points() -> list[FocalPoint]:
    """A focal point for every member, so that a leak of one would show in any answer."""
    return [
        FocalPointFactory.create(
            member=member, name=f"Focal {member.code}", email=f"focal.{member.code.lower()}@gov.example"
        )
        for member in Member.objects.order_by("pk")
    ]


@pytest.fixture(autouse=True)
def _connection_kept_open(settings) -> Any:
    """BaliTrack's WSGI application kept from closing the test's database connection after
    each request, as Django's test client keeps it."""
    # Schemathesis sends thousands of requests within a minute; the limit is tested elsewhere.
    settings.API_RATE_LIMIT = "1000000/minute"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def the_document() -> dict[str, Any]:
    """The OpenAPI document /api/v1/schema/ serves (the test below checks they are the same)."""
    return SchemaGenerator(patterns=None).get_schema(request=None, public=True)


# Read when the tests are collected, which needs no database: the document comes from the code.
# (Schemathesis' lazy `from_fixture` could read the served one, but it does not run under pytest 9.)
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(the_document(), cls=DjangoJSONEncoder)))
schema.app = get_wsgi_application()


def test_the_document_tested_is_the_one_the_api_serves(tokens):
    _, secret = tokens["member_user"]

    served = Client(headers={"authorization": f"Bearer {secret}"}).get("/api/v1/schema/?format=json")

    assert served.status_code == 200
    assert served.json() == schema.raw_schema


@pytest.fixture
def next_caller(tokens) -> Iterator[tuple[str, Any, str]]:
    """The roles in turn, one per generated request: each operation is tried by every role,
    and the suite sends each request once rather than once per role."""
    return itertools.cycle((role, user, secret) for role, (user, secret) in tokens.items())


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure here is one to reproduce, not luck
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_role_gets_only_answers_the_schema_describes_and_only_what_it_may_read(case, next_caller, focal_points):
    role, user, secret = next(next_caller)
    # Given as the caller's own credentials, so that Schemathesis' authentication check also
    # sends the request with none and with a made-up token, and expects 401.
    signed = {"Authorization": f"Bearer {secret}"}

    response = case.call(headers=signed)

    case.validate_response(response, headers=signed, excluded_checks=[positive_data_acceptance])
    if not can_view_focal_points(user):
        body = response.text
        leaked = [point.email for point in focal_points if point.email in body or point.name in body]
        assert not leaked, f"{role} read focal points {leaked} at {case.method} {case.formatted_path}"

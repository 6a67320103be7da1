"""When the database is away, users get a plain 503 page, not a traceback."""

from unittest import mock

import pytest
from django.db import DataError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_database_that_cannot_be_reached_gives_a_friendly_503(co_chair_user):
    client = Client(raise_request_exception=False)
    client.force_login(co_chair_user)

    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/actions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "BaliTrack cannot reach its database just now." in page
    assert "could not connect" not in page and "Traceback" not in page


def test_the_page_works_again_once_the_database_is_back(co_chair_user):
    client = Client(raise_request_exception=False)
    client.force_login(co_chair_user)
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("down"),
    ):
        client.get("/actions/")

    assert client.get("/actions/").status_code == 200


def test_a_bug_is_a_plain_500_without_details(co_chair_user):
    client = Client(raise_request_exception=False)
    client.force_login(co_chair_user)

    with mock.patch("actions.views.ActionRegisterView.get_queryset", side_effect=ValueError("secret detail")):
        response = client.get("/actions/?sort=theme")

    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()
    assert "Something went wrong" in response.content.decode()


def test_a_value_the_database_refuses_is_a_500_not_an_outage(co_chair_user):
    client = Client(raise_request_exception=False)
    client.force_login(co_chair_user)

    with mock.patch(
        "actions.views.ActionRegisterView.get_queryset",
        side_effect=DataError("value too long for type character varying(255)"),
    ):
        response = client.get("/actions/?sort=theme")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "varying" not in response.content.decode()

"""Signing in and out, and getting back in with a forgotten password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_signing_in_lands_on_the_home_page_for_the_users_role(client):
    UserFactory(username="siti")

    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302), (reverse("actions:register"), 302)]


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="siti")

    response = client.post(reverse("login"), {"username": "siti", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, co_chair_user):
    client.force_login(co_chair_user)

    client.post(reverse("logout"))

    assert client.get(reverse("actions:register")).status_code == 302


def test_forgotten_password_is_reset_through_an_emailed_link(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_IN_WORKER = False  # sent once the request commits, as without Redis
    UserFactory(username="siti", email="siti@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "siti@example.org"})

    (message,) = mail.outbox
    assert message.subject == "Reset your BaliTrack password"
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new long password", "new_password2": "a brand new long password"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    signed_in = client.post(reverse("login"), {"username": "siti", "password": "a brand new long password"})
    assert signed_in["Location"] == reverse("home")


def test_reset_for_an_unknown_address_reveals_nothing(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_IN_WORKER = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []

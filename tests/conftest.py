"""Shared test fixtures: the people who use BaliTrack, and the real record.

The personas grow with the roles of the browser pages; until then the admin's
staff flags are what separates them.
"""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    """The administrator who manages users and reference data in the admin."""
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Someone with an account but no part in the Bali Process's work."""
    return UserFactory(username="outsider")


@pytest.fixture
def record(db):
    """The Bali Process record of fixtures/, loaded as `make run` loads it."""
    call_command("load_record", verbosity=0)

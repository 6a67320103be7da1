"""Shared test fixtures: the people who use BaliTrack, and the real record."""

import os

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from members.models import Member, Profile
from members.roles import Role, sync_role_groups
from tests.factories import MemberFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told that this is safe, which it is for tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _role_group(role: Role) -> Group:
    # Browser tests flush the database; the groups a migration made are then rebuilt here.
    if not Group.objects.filter(name=role.value).exists():
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        sync_role_groups(Group, Permission)
    return Group.objects.get(name=role.value)


def _with_role(username: str, role: Role, **fields):
    user = UserFactory(username=username, first_name=fields.pop("first_name", ""), **fields)
    user.groups.add(_role_group(role))  # type: ignore[attr-defined]
    return user


@pytest.fixture
def superuser(db):
    """The administrator who manages users in the admin."""
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def secretariat_user(db):
    """Siti, a Regional Support Office officer who records status updates."""
    return _with_role("siti", Role.SECRETARIAT, first_name="Siti", last_name="Rahman", is_staff=True)


@pytest.fixture
def co_chair_user(db):
    """James, an officer of the co-chairs who reads everything and edits nothing."""
    return _with_role("james", Role.CO_CHAIRS, first_name="James", last_name="Walker")


@pytest.fixture
def member_user(db):
    """Dewi, Indonesia's focal point, who reads what Indonesia leads."""
    indonesia = Member.objects.filter(code="ID").first() or MemberFactory(code="ID", name="Indonesia")
    user = _with_role("dewi", Role.MEMBERS, first_name="Dewi", last_name="Lestari")
    Profile.objects.create(user=user, member=indonesia)
    return user


@pytest.fixture
def outsider(db):
    """Someone with an account but no role in BaliTrack."""
    return UserFactory(username="outsider")


@pytest.fixture
def record(db):
    """The Bali Process record of fixtures/, loaded as `make run` loads it."""
    call_command("load_record", verbosity=0)

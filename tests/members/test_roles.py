"""The role policy, run again by a migration, keeps what the administrator chose."""

import pytest
from django.contrib.auth.models import Group, Permission

from members.roles import Role, sync_role_groups

pytestmark = pytest.mark.django_db


def _codenames(role: Role) -> set[str]:
    return set(Group.objects.get(name=role.value).permissions.values_list("codename", flat=True))


def test_a_permission_the_administrator_gave_a_group_survives_the_policy_running_again():
    co_chairs = Group.objects.get(name=Role.CO_CHAIRS.value)
    co_chairs.permissions.add(Permission.objects.get(codename="change_meeting"))

    sync_role_groups(Group, Permission)

    assert "change_meeting" in _codenames(Role.CO_CHAIRS)


def test_the_policy_running_again_takes_away_only_what_no_role_may_have():
    members = Group.objects.get(name=Role.MEMBERS.value)
    members.permissions.add(
        Permission.objects.get(codename="view_focalpoint"), Permission.objects.get(codename="view_meeting")
    )
    Group.objects.get(name=Role.SECRETARIAT.value).permissions.add(
        Permission.objects.get(codename="delete_actionupdate")
    )

    sync_role_groups(Group, Permission)

    assert "view_focalpoint" not in _codenames(Role.MEMBERS)
    assert "view_meeting" in _codenames(Role.MEMBERS)
    assert "delete_actionupdate" not in _codenames(Role.SECRETARIAT)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_no_role_has_any_permission_on_balitracks_own_bookkeeping(role):
    assert not {name for name in _codenames(role) if name.endswith(("_loadedrecord", "_recordversion"))}

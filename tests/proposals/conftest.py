import pytest

from actions.models import ActionOwner
from members.models import BodyMembership, Member
from tests.factories import ActionFactory, ActionOwnerFactory, BodyFactory, MemberFactory


@pytest.fixture
def indonesia(member_user) -> Member:
    return member_user.profile.member


@pytest.fixture
def led_action(indonesia):
    """An action Indonesia leads, in progress at 20%."""
    action = ActionFactory(status="in_progress", progress=20)
    ActionOwnerFactory(action=action, member=indonesia, role=ActionOwner.Role.LEAD)
    return action


@pytest.fixture
def other_action(db):
    """An action led by another member, in which Indonesia has no part."""
    action = ActionFactory(status="planned", progress=0)
    ActionOwnerFactory(action=action, member=MemberFactory(code="TH", name="Thailand"), role=ActionOwner.Role.LEAD)
    return action


@pytest.fixture
def body_action(indonesia):
    """An action led by a working group that Indonesia co-chairs."""
    body = BodyFactory(code="WGX", name="Working Group X")
    BodyMembership.objects.create(body=body, member=indonesia, role=BodyMembership.Role.CO_CHAIR)
    action = ActionFactory(status="planned", progress=0)
    ActionOwner.objects.create(action=action, body=body, role=ActionOwner.Role.LEAD)
    return action

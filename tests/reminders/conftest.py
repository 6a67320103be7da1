import pytest

from members.models import Member
from tests.factories import FocalPointFactory

STEERING_GROUP = ["AU", "ID", "NZ", "TH", "IOM", "UNHCR"]


@pytest.fixture
def focal_points(record):
    """One focal point for each Steering Group member (the co-chairs are among them)."""
    return {
        code: FocalPointFactory(member=Member.objects.get(code=code), email=f"{code.lower()}@example.org")
        for code in STEERING_GROUP
    }

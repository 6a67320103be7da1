import pytest

from members.models import BodyMembership, ForumMembership, Member, MemberAlias
from tests.constraints import violates
from tests.factories import BodyMembershipFactory, ForumMembershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_member_is_found_by_any_spelling_the_documents_use():
    viet_nam = MemberFactory(code="TVN", name="Test Viet Nam")
    MemberAlias.objects.create(member=viet_nam, name="Test Vietnam")

    assert Member.objects.find("test vietnam") == viet_nam
    assert Member.objects.find("Test Viet Nam") == viet_nam
    assert Member.objects.find("TVN") == viet_nam


def test_only_a_territory_can_have_a_sovereign():
    china = MemberFactory()

    with violates(Member, "members_member_only_territories_have_sovereign"):
        MemberFactory(kind=Member.Kind.COUNTRY, sovereign=china)


def test_territory_keeps_its_sovereign():
    china = MemberFactory(name="Test China")
    hong_kong = MemberFactory(name="Test Hong Kong SAR", kind=Member.Kind.TERRITORY, sovereign=china)

    assert list(china.territories.all()) == [hong_kong]


def test_member_holds_one_seat_per_role_in_a_forum():
    seat = ForumMembershipFactory()

    with violates(ForumMembership, "members_forummembership_unique_role"):
        ForumMembershipFactory(forum=seat.forum, member=seat.member, role=seat.role)


def test_member_may_be_both_member_and_co_chair_of_a_forum():
    seat = ForumMembershipFactory()

    ForumMembershipFactory(forum=seat.forum, member=seat.member, role=ForumMembership.Role.CO_CHAIR)

    assert seat.member.forum_memberships.count() == 2


def test_body_membership_is_unique_per_role():
    co_chair = BodyMembershipFactory()

    with violates(BodyMembership, "members_bodymembership_unique_role"):
        BodyMembershipFactory(body=co_chair.body, member=co_chair.member, role=co_chair.role)


def test_forum_membership_reads_like_the_document():
    seat = ForumMembershipFactory(
        member__name="Test Australia", forum__name="Test Steering Group", role=ForumMembership.Role.CO_CHAIR
    )

    assert str(seat) == "Test Australia — co-chair of Test Steering Group"

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ActionOwner, ActionUpdate
from tests.constraints import violates
from tests.factories import (
    ActionFactory,
    ActionOwnerFactory,
    ActionUpdateFactory,
    BodyFactory,
    ForumFactory,
    MemberFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2015, 6, 1)


def test_progress_cannot_exceed_100():
    with violates(Action, "actions_action_progress_range"):
        ActionFactory(progress=101)


def test_completed_action_must_be_100_percent_done():
    with violates(Action, "actions_action_completed_is_100"):
        ActionFactory(status=Action.Status.COMPLETED, progress=90)


def test_action_number_is_unique_within_its_initiative():
    action = ActionFactory(number=1)

    with violates(Action, "actions_action_unique_number"):
        ActionFactory(initiative=action.initiative, number=1)


def test_owner_must_be_exactly_one_of_member_body_or_forum():
    with violates(ActionOwner, "actions_actionowner_exactly_one_owner"):
        ActionOwnerFactory(member=MemberFactory(), body=BodyFactory())


def test_owner_row_without_any_owner_is_refused():
    with violates(ActionOwner, "actions_actionowner_exactly_one_owner"):
        ActionOwnerFactory(member=None)


def test_a_member_owns_an_action_only_once():
    owner = ActionOwnerFactory()

    with violates(ActionOwner, "actions_actionowner_unique_member"):
        ActionOwnerFactory(action=owner.action, member=owner.member, role=ActionOwner.Role.SUPPORT)


def test_owner_reads_as_who_and_in_what_role():
    owner = ActionOwnerFactory(member=None, body=BodyFactory(name="Regional Support Office"))

    assert owner.owner_kind == "body"
    assert str(owner) == "Regional Support Office (lead)"


def test_lead_is_found_whether_lead_or_co_lead():
    indonesia, new_zealand, thailand = MemberFactory(), MemberFactory(), MemberFactory()
    led = ActionOwnerFactory(member=indonesia, role=ActionOwner.Role.LEAD).action
    co_led = ActionOwnerFactory(member=indonesia, role=ActionOwner.Role.CO_LEAD).action
    sponsored = ActionOwnerFactory(member=indonesia, role=ActionOwner.Role.CO_SPONSOR).action
    ActionOwnerFactory(action=sponsored, member=new_zealand)
    ActionOwnerFactory(member=thailand)

    assert set(Action.objects.led_by(indonesia)) == {led, co_led}


def test_overdue_means_past_target_and_still_open():
    late = ActionFactory(target_date=datetime.date(2015, 3, 31), status=Action.Status.IN_PROGRESS)
    ActionFactory(target_date=datetime.date(2015, 3, 31), status=Action.Status.COMPLETED, progress=100)
    ActionFactory(target_date=datetime.date(2015, 3, 31), status=Action.Status.DISCONTINUED)
    ActionFactory(target_date=TODAY, status=Action.Status.IN_PROGRESS)
    ActionFactory(target_date=None)

    assert list(Action.objects.overdue(TODAY)) == [late]
    assert late.is_overdue(TODAY)


def test_history_keeps_one_update_per_moment():
    update = ActionUpdateFactory()

    with violates(ActionUpdate, "actions_actionupdate_unique_time"):
        ActionUpdateFactory(action=update.action, recorded_at=update.recorded_at)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2014, 8, 6), datetime.date(2015, 8, 6)),
        (datetime.date(2015, 8, 5), datetime.date(2015, 8, 6)),
        (datetime.date(2015, 8, 6), datetime.date(2016, 8, 6)),
        (datetime.date(2026, 11, 27), datetime.date(2027, 8, 6)),
    ],
)
def test_next_review_falls_a_whole_interval_after_endorsement(today, expected):
    strategy = StrategyFactory.build(endorsed_on=datetime.date(2014, 8, 6), review_interval_months=12)

    assert strategy.next_review_due(today) == expected


def test_review_interval_of_a_month_from_the_31st_lands_on_the_months_last_day():
    strategy = StrategyFactory.build(endorsed_on=datetime.date(2015, 1, 31), review_interval_months=1)

    assert strategy.next_review_due(datetime.date(2015, 1, 31)) == datetime.date(2015, 2, 28)


def test_forum_can_own_an_action():
    owner = ActionOwnerFactory(member=None, forum=ForumFactory(name="Bali Process Ad Hoc Group"))

    assert owner.owner.name == "Bali Process Ad Hoc Group"


def test_an_owner_row_naming_two_owners_is_refused_with_its_rule_said_once():
    row = ActionOwner(action=ActionFactory(), role=ActionOwner.Role.LEAD, member=MemberFactory(), body=BodyFactory())

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.messages == ["Choose exactly one owner: a member, a body or a forum."]

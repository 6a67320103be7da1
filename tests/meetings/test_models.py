import datetime

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Decision, Meeting
from tests.constraints import violates
from tests.factories import DecisionFactory, ForumFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_meeting_cannot_end_before_it_starts():
    with violates(Meeting, "meetings_meeting_ends_after_start"):
        MeetingFactory(start_date=datetime.date(2014, 5, 28), end_date=datetime.date(2014, 5, 26))


def test_meeting_form_says_why_the_dates_are_wrong():
    meeting = MeetingFactory.build(start_date=datetime.date(2014, 5, 28), end_date=datetime.date(2014, 5, 26))

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert error.value.message_dict["end_date"] == ["A meeting cannot end before it starts."]


def test_an_ordinal_names_one_meeting_of_its_series():
    ahg = ForumFactory()
    MeetingFactory(kind=Meeting.Kind.SENIOR_OFFICIALS, forum=ahg, ordinal=8)

    with violates(Meeting, "meetings_meeting_unique_ordinal_in_series"):
        MeetingFactory(kind=Meeting.Kind.SENIOR_OFFICIALS, forum=ahg, ordinal=8)


def test_the_same_ordinal_may_recur_in_another_series():
    MeetingFactory(kind=Meeting.Kind.SENIOR_OFFICIALS, forum=ForumFactory(), ordinal=8)

    MeetingFactory(kind=Meeting.Kind.SENIOR_OFFICIALS, forum=ForumFactory(), ordinal=8)

    assert Meeting.objects.filter(ordinal=8).count() == 2


def test_planned_meeting_may_have_no_date_yet():
    meeting = MeetingFactory(status=Meeting.Status.PLANNED, start_date=None)

    meeting.full_clean()


def test_a_paragraph_number_appears_once_per_document():
    decision = DecisionFactory(number="10.B.c")

    with violates(Decision, "meetings_decision_unique_number"):
        DecisionFactory(document=decision.document, number="10.B.c")


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        (Decision.Verb.AGREED, True),
        (Decision.Verb.DIRECTED, True),
        (Decision.Verb.RECOMMENDED, True),
        (Decision.Verb.WELCOMED, False),
        (Decision.Verb.NOTED, False),
        (Decision.Verb.RECORDED, False),
    ],
)
def test_only_operative_verbs_call_for_follow_up(verb, expected):
    assert DecisionFactory.build(verb=verb).calls_for_follow_up is expected


def test_decision_reads_as_a_paragraph_of_its_document():
    decision = DecisionFactory(number="7", document__title="Co-Chairs' Statement, 8th AHG SOM")

    assert str(decision) == "Co-Chairs' Statement, 8th AHG SOM, ¶7"


def test_no_meeting_can_take_the_address_of_record_a_statement(db):
    meeting = MeetingFactory.build(slug="record")

    with pytest.raises(ValidationError) as refusal:
        meeting.full_clean()

    assert refusal.value.messages == ['"record" names a page of BaliTrack\'s own: choose another slug.']

"""The calendar feed opens in a calendar program: checked with a real iCalendar parser."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from api.keys import issue_key, revoke_key
from api.models import AccessKey
from meetings.models import Meeting
from tests.factories import ActionFactory, ActionOwnerFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def feed_url(user) -> tuple[str, AccessKey]:
    issued = issue_key(user=user, kind=AccessKey.Kind.CALENDAR_FEED, name="Calendar feed")
    return reverse("api:calendar", args=[issued.secret]), issued.key


def events(response) -> dict[str, dict]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_meetings_are_all_day_events_and_a_loose_date_says_its_period(member_user):
    MeetingFactory(title="9th AHG SOM", start_date=datetime.date(2015, 3, 2), end_date=datetime.date(2015, 3, 3))
    MeetingFactory(
        title="6th Ministerial Conference",
        status=Meeting.Status.PLANNED,
        start_date=datetime.date(2015, 1, 1),
        date_precision=Meeting.DatePrecision.QUARTER,
    )
    MeetingFactory(title="Undated workshop", start_date=None, date_precision=Meeting.DatePrecision.UNKNOWN)
    url, _key = feed_url(member_user)

    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    held = found["9th AHG SOM"]
    # All-day: DATE values, no time zone; the end is the day after the last day.
    assert held.decoded("dtstart") == datetime.date(2015, 3, 2)
    assert held.decoded("dtend") == datetime.date(2015, 3, 4)
    assert isinstance(held.decoded("dtstamp"), datetime.datetime) and held.decoded(
        "dtstamp"
    ).utcoffset() == datetime.timedelta(0)
    loose = found["6th Ministerial Conference (planned): first quarter 2015, day not fixed"]
    assert loose.decoded("dtstart") == datetime.date(2015, 1, 1)
    assert str(loose["transp"]) == "TRANSPARENT"
    assert not any("Undated" in summary for summary in found)
    assert len({str(event["uid"]) for event in found.values()}) == len(found)


def test_the_targets_are_those_of_what_the_users_member_leads(member_user):
    from members.models import Member

    indonesia = Member.objects.get(code="ID")
    led = ActionFactory(target_date=datetime.date(2027, 3, 31))
    ActionOwnerFactory(action=led, member=indonesia, role="lead")
    ActionFactory(target_date=datetime.date(2027, 4, 30))  # nobody's lead of Indonesia's
    url, _key = feed_url(member_user)

    found = events(Client().get(url))

    targets = [event for summary, event in found.items() if summary.startswith("Target:")]
    assert [event.decoded("dtstart") for event in targets] == [datetime.date(2027, 3, 31)]


def test_a_revoked_or_replaced_address_opens_nothing(member_user):
    url, key = feed_url(member_user)
    newer, _ = feed_url(member_user)
    assert Client().get(url).status_code == 404  # replaced by the newer address
    revoke_key(user=member_user, pk=AccessKey.objects.get(revoked_at=None).pk)

    assert Client().get(newer).status_code == 404
    assert key.pk != AccessKey.objects.order_by("-pk").first().pk

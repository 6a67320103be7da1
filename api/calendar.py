"""A user's calendar feed (RFC 5545): the meetings, the strategy's reviews, and the target
dates of the actions their member leads, for a calendar program to subscribe to.

Nothing in the record has a time of day, so every event is an all-day event (DATE values,
no time zone to get wrong). A meeting dated only to a month, quarter, half-year or year is
one all-day event on the first day of that period, marked free and titled with the period
("first quarter 2015, day not fixed"), so it shows without blocking a quarter of anyone's
calendar. A meeting the record gives no date for is left out.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from actions.models import Action, Strategy
from meetings.models import Meeting
from members.roles import member_of

Precision = Meeting.DatePrecision
ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth"}
# A member leading thousands of actions still gets a feed a calendar program can read.
MOST_ACTION_EVENTS = 500
# Reviews listed up to this far past today: the next one, and the one after.
REVIEWS_AHEAD = datetime.timedelta(days=800)


def period_in_words(meeting: Meeting) -> str:
    """The part of the calendar a loosely dated meeting is known to fall in."""
    start = meeting.start_date
    assert start is not None
    if meeting.date_precision == Precision.MONTH:
        return f"{start:%B %Y}"
    if meeting.date_precision == Precision.QUARTER:
        return f"{ORDINAL[(start.month - 1) // 3 + 1]} quarter {start.year}"
    if meeting.date_precision == Precision.HALF_YEAR:
        return f"{ORDINAL[(start.month - 1) // 6 + 1]} half of {start.year}"
    return str(start.year)


def feed_for(user: User, *, today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//BaliTrack//Bali Process record//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "BaliTrack: meetings, reviews and targets")
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for event in [*_meetings(), *_reviews(today), *_targets(user)]:
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return calendar.to_ical()


def _event(uid: str, summary: str, day: datetime.date, *, last_day: datetime.date | None = None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{urlsplit(settings.SITE_URL).hostname or 'balitrack'}")
    event.add("summary", summary)
    event.add("dtstart", day)
    # An all-day event's end is the day after its last (RFC 5545, 3.6.1).
    event.add("dtend", (last_day or day) + datetime.timedelta(days=1))
    return event


def _meetings() -> list[Event]:
    events = []
    dated = Meeting.objects.exclude(start_date=None).exclude(date_precision=Precision.UNKNOWN)
    for meeting in dated.select_related("country").order_by("start_date", "pk"):
        assert meeting.start_date is not None
        planned = " (planned)" if meeting.status == Meeting.Status.PLANNED else ""
        if meeting.date_precision == Precision.DAY:
            event = _event(
                f"meeting-{meeting.pk}", f"{meeting.title}{planned}", meeting.start_date, last_day=meeting.end_date
            )
        else:
            period = period_in_words(meeting)
            event = _event(
                f"meeting-{meeting.pk}", f"{meeting.title}{planned}: {period}, day not fixed", meeting.start_date
            )
            event.add("transp", "TRANSPARENT")
            event.add("description", f"The record dates this meeting only to {period} ({meeting.date_text or period}).")
        place = ", ".join(part for part in (meeting.city, meeting.country.name if meeting.country else "") if part)
        if place:
            event.add("location", place)
        event.add("url", settings.SITE_URL + meeting.get_absolute_url())
        events.append(event)
    return events


def _reviews(today: datetime.date) -> list[Event]:
    events = []
    for strategy in Strategy.objects.prefetch_related("reviews").order_by("endorsed_on", "pk"):
        held = {review.number: review.held_on for review in strategy.reviews.all()}
        number = 1
        while (due := strategy.review_due(number)) <= today + REVIEWS_AHEAD:
            event = _event(f"review-{strategy.pk}-{number}", f"Review {number} of the {strategy.title} due", due)
            if held.get(number):
                event.add("description", f"Held on {held[number]:%d %B %Y}.")
            event.add("url", settings.SITE_URL + reverse("dashboard:review", args=[due.year]))
            events.append(event)
            number += 1
    return events


def _targets(user: User) -> list[Event]:
    member = member_of(user)
    if member is None:
        return []
    actions = (
        Action.objects.led_by(member)
        .still_open()
        .exclude(target_date=None)
        .select_related("initiative")
        .order_by("target_date", "pk")[:MOST_ACTION_EVENTS]
    )
    events = []
    for action in actions:
        assert action.target_date is not None
        event = _event(f"action-{action.pk}-target", f"Target: {action} ({member.name} leads)", action.target_date)
        event.add("description", action.text)
        event.add("url", settings.SITE_URL + action.get_absolute_url())
        events.append(event)
    return events

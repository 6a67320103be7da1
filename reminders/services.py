"""Finding who is due a reminder, and sending each reminder exactly once."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.dashboard import Scope, cached_dashboard
from actions.models import Action, ActionOwner, ActionQuerySet, Review
from actions.schedule import ReviewSchedule, current_schedule, held_by, reminder_window_days
from members.models import FocalPoint, Member
from proposals.models import Proposal
from reminders.models import Reminder

logger = logging.getLogger(__name__)

# How long a send holds its reminder before another may try (the mail server's timeout,
# EMAIL_TIMEOUT, is shorter).
CLAIM_LEASE = datetime.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
MAX_ATTEMPTS = 6


@dataclass
class ScanResult:
    created: list[Reminder] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    members_without_focal_point: list[Member] = field(default_factory=list)


def review_offset(due_on: datetime.date, today: datetime.date, offsets: list[int]) -> int | None:
    """Which reminder a review is due today: the nearest offset already reached before the
    due date, then one a week once it is due. A missed day is caught up, once."""
    days_left = (due_on - today).days
    if days_left > 0:
        reached = [offset for offset in offsets if days_left <= offset]
        return min(reached) if reached else None
    return -7 * ((-days_left) // 7)


@transaction.atomic
def reminders_scan(*, today: datetime.date, dispatch: Callable[[int], None]) -> ScanResult:
    """Record the reminders and digests due today, then hand every sendable one to `dispatch`.

    Safe to run any number of times, and by two schedulers at once: the unique constraints
    let each reminder be recorded once, and a send claims its row before sending.
    """
    result = ScanResult()
    schedule = current_schedule(today=today)
    if schedule is not None:
        _scan_reviews(schedule, result)
    _scan_digests(today, result)

    now = timezone.now()
    sendable = Reminder.objects.filter(state=Reminder.State.PENDING).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    for reminder_id in sendable.values_list("pk", flat=True):
        dispatch(reminder_id)
        result.queued.append(reminder_id)
    return result


def _scan_reviews(schedule: ReviewSchedule, result: ScanResult) -> None:
    strategy, today = schedule.strategy, schedule.today
    offsets = settings.REMINDER_OFFSETS_DAYS
    # The schedule's own window: a review is in sight once its first reminder is due.
    horizon = today + datetime.timedelta(days=reminder_window_days())
    # Every review in sight has a row, for the secretariat to record as held and for the
    # reminders to point at.
    reviews = {review.number: review for review in Review.objects.filter(strategy=strategy)}
    number = 1
    while (due_on := strategy.review_due(number)) <= horizon:
        review = reviews.get(number)
        if review is None:
            reviews[number], _ = Review.objects.get_or_create(
                strategy=strategy, number=number, defaults={"due_on": due_on}
            )
        elif review.due_on != due_on and review.held_on is None:
            # The strategy's interval was changed: a review not yet held falls due as the
            # schedule says, so the reminder and the dashboard give the same date.
            review.due_on = due_on
            review.save(update_fields=["due_on"])
        number += 1

    members = Member.objects.to_remind(settings.REMINDER_FORUMS)
    result.members_without_focal_point = list(members.without_focal_point().order_by("name"))
    for member in result.members_without_focal_point:
        logger.warning("No active focal point for %s: it receives no review reminder.", member)
    recipients = _recipients(FocalPoint.objects.filter(member__in=members, is_active=True))

    # The schedule's next review, and only it: an earlier one never recorded as held is
    # superseded once this one is in sight, rather than nagged about for ever.
    offset = review_offset(schedule.next_due, today, offsets)
    if offset is None:
        return
    review = reviews[schedule.next_number]
    rows = [
        Reminder(kind=Reminder.Kind.REVIEW, review=review, offset_days=offset, recipient=email, focal_point=person)
        for email, person in recipients.items()
    ]
    result.created += _record(rows)


def _scan_digests(today: datetime.date, result: ScanResult) -> None:
    month = today.replace(day=1)
    leaders = ActionOwner.objects.filter(
        role__in=ActionOwner.LEADING_ROLES, member__isnull=False, action__in=_needing_attention(today)
    )
    for member in Member.objects.filter(pk__in=leaders.values("member_id")):
        people = FocalPoint.objects.filter(member=member, is_active=True)
        rows = [
            Reminder(kind=Reminder.Kind.DIGEST, member=member, month=month, recipient=email, focal_point=person)
            for email, person in _recipients(people).items()
        ]
        result.created += _record(rows)


def _needing_attention(today: datetime.date) -> ActionQuerySet:
    """Actions that are overdue or have had no update for six months."""
    return Action.objects.filter(pk__in=(Action.objects.overdue(today) | Action.objects.stale(today)).values("pk"))


def _recipients(people: QuerySet[FocalPoint]) -> dict[str, FocalPoint]:
    """One entry per e-mail address: a person who is focal point twice hears once."""
    recipients: dict[str, FocalPoint] = {}
    for person in people.order_by("member__name", "name"):
        recipients.setdefault(person.email.strip().lower(), person)
    return recipients


def _record(rows: list[Reminder]) -> list[Reminder]:
    """Insert the rows that are new; the unique constraints drop the ones already recorded.
    Returns the rows this call added (for the scan's report)."""
    if not rows:
        return []
    started = timezone.now()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    keys = Q()
    for row in rows:
        keys |= Q(
            kind=row.kind,
            review=row.review,
            offset_days=row.offset_days,
            member=row.member,
            month=row.month,
            recipient=row.recipient,
        )
    return list(Reminder.objects.filter(keys, created_at__gte=started))


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None, today: datetime.date | None = None) -> str:
    """Send one reminder if no one else is sending or has sent it. Returns what happened.

    The claim is a conditional UPDATE, so of two workers handed the same reminder only one
    sends. A mail server error releases the claim and is raised again for a retry.
    """
    now = now or timezone.now()
    claimed = (
        Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped: already sent or being sent"
    reminder = Reminder.objects.select_related("review__strategy", "member", "focal_point").get(pk=reminder_id)
    message = _message(reminder, today or timezone.localdate())
    if isinstance(message, str):
        Reminder.objects.filter(pk=reminder_id).update(
            state=Reminder.State.SENT, claimed_until=None, last_error=f"{message}: not sent."
        )
        return f"not sent: {message}"
    try:
        message.send(fail_silently=False)
    except Exception as error:
        failed = reminder.attempts >= MAX_ATTEMPTS
        Reminder.objects.filter(pk=reminder_id).update(
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}",
            state=Reminder.State.FAILED if failed else Reminder.State.PENDING,
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        state=Reminder.State.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


def _message(reminder: Reminder, today: datetime.date) -> EmailMultiAlternatives | str:
    """The e-mail, or why there is nothing to send."""
    site = settings.SITE_URL
    context: dict[str, object] = {
        "reminder": reminder,
        "today": today,
        "dashboard_url": site + reverse("dashboard:index"),
    }
    if reminder.kind == Reminder.Kind.REVIEW:
        assert reminder.review is not None
        review = reminder.review
        # A reminder queued (or retried) after the secretariat recorded the review as held
        # would say what the dashboard no longer says.
        if held_by(review.held_on, today):
            return f"{review} was held on {review.held_on:%-d %B %Y}"
        context.update(
            review=review,
            days_left=(review.due_on - today).days,
            days_overdue=(today - review.due_on).days,
            # Cached with the dashboard page's own key (the record's version and the day): the
            # reminders of one scan share one build, where each used to build its own.
            board=cached_dashboard(actions=Action.objects.all(), scope=Scope(), today=today),
            report_url=site + reverse("dashboard:review", args=[review.due_on.year]),
        )
        template, subject = "reminders/review_reminder", f"Bali Process strategy review due {review.due_on:%-d %B %Y}"
    else:
        assert reminder.member is not None
        actions = list(_needing_attention(today).led_by(reminder.member).select_related("initiative"))
        if not actions:
            return "Nothing to report"
        proposals = Proposal.objects.filter(member=reminder.member)
        context.update(
            member=reminder.member,
            # Each action with the address of its proposal form, where the focal point reports.
            actions=[(action, site + reverse("proposals:propose", args=[action.pk])) for action in actions],
            action_count=len(actions),
            pending_count=proposals.pending().count(),
            returned_count=proposals.returned_unanswered().count(),
            register_url=f"{site}{reverse('actions:register')}?lead={reminder.member.code}",
        )
        template, subject = (
            "reminders/digest",
            f"BaliTrack: {len(actions)} action(s) led by {reminder.member} need attention",
        )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[reminder.recipient],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message

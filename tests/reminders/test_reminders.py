"""Review reminders and lead members' digests: when they are due, and that each goes once."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from actions.dashboard import tallied_dashboard
from actions.models import Action, Review, Strategy
from members.models import Member
from reminders.models import Reminder
from reminders.services import CLAIM_LEASE, reminder_send, reminders_scan, review_offset
from tests.factories import FocalPointFactory

pytestmark = pytest.mark.django_db

FIRST_REVIEW = datetime.date(2015, 8, 6)
SIXTY_DAYS_BEFORE = datetime.datetime(2015, 6, 7, 2, tzinfo=datetime.UTC)  # 09:00 in Bangkok
STEERING_GROUP = ["AU", "ID", "NZ", "TH", "IOM", "UNHCR"]


def _review_mail():
    return [m for m in mail.outbox if m.subject.startswith("Bali Process strategy review")]


@pytest.mark.parametrize(
    ("today", "offset"),
    [
        ("2015-06-06", None),  # 61 days before
        ("2015-06-07", 60),
        ("2015-06-20", 60),  # a missed day is caught up
        ("2015-07-07", 30),
        ("2015-07-30", 7),
        ("2015-08-05", 7),
        ("2015-08-06", 0),  # due today
        ("2015-08-12", 0),
        ("2015-08-13", -7),  # one a week while overdue
        ("2015-08-20", -14),
    ],
)
def test_review_offsets_follow_the_calendar(today, offset):
    assert review_offset(FIRST_REVIEW, datetime.date.fromisoformat(today), [60, 30, 7]) == offset


@pytest.mark.parametrize(
    ("offset", "label"),
    [(60, "60 days before"), (0, "due today"), (-7, "1 week overdue"), (-112, "16 weeks overdue")],
)
def test_the_log_names_each_review_reminder_by_its_place_in_the_calendar(offset, label):
    assert Reminder(kind=Reminder.Kind.REVIEW, offset_days=offset).offset_label == label


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_sixty_days_before_the_first_review_each_focal_point_hears_once(focal_points):
    call_command("send_review_reminders")
    first = _review_mail()
    call_command("send_review_reminders")

    assert sorted(m.to[0] for m in first) == sorted(p.email for p in focal_points.values())
    assert len(_review_mail()) == 6
    assert Reminder.objects.filter(kind="review", state="sent", offset_days=60).count() == 6


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_the_reminder_says_when_what_and_where(focal_points):
    call_command("send_review_reminders")

    message = next(m for m in _review_mail() if m.to == ["th@example.org"])
    assert message.subject == "Bali Process strategy review due 6 August 2015"
    assert "falls due on 6 August 2015, in 60 days." in message.body
    assert "- Not started: 14\n- Planned: 12\n" in message.body
    # The roundtable (24 Sep 2014), the biometrics workshop (30 Jun 2014), the victims' guides drafts (31 Mar 2015).
    assert "- Overdue: 3\n" in message.body
    assert "http://127.0.0.1:8000/dashboard/" in message.body
    assert "http://127.0.0.1:8000/reports/review/2015/" in message.body
    html = message.alternatives[0][0]
    assert '<a href="http://127.0.0.1:8000/reports/review/2015/">Read the review report</a>' in html


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_the_reminders_of_one_scan_share_one_dashboard_and_a_change_shows_in_the_next(focal_points):
    # The whole strategy's dashboard is made from the tally (actions.tally), not counted.
    with mock.patch("actions.dashboard.tallied_dashboard", wraps=tallied_dashboard) as build:
        reminders_scan(today=SIXTY_DAYS_BEFORE.date(), dispatch=lambda pk: reminder_send(reminder_id=pk))
        builds_for_six = build.call_count
        action = Action.objects.filter(status=Action.Status.PLANNED).first()
        action.status, action.progress = Action.Status.COMPLETED, 100
        action.save(update_fields=["status", "progress"])
        thailand = Reminder.objects.get(kind=Reminder.Kind.REVIEW, recipient="th@example.org")
        Reminder.objects.filter(pk=thailand.pk).update(state=Reminder.State.PENDING)
        reminder_send(reminder_id=thailand.pk)

    assert (builds_for_six, build.call_count) == (1, 2)
    assert [m.to for m in _review_mail()].count(["th@example.org"]) == 2
    assert "- Planned: 11\n" in _review_mail()[-1].body


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_a_steering_group_member_without_a_focal_point_is_reported_not_skipped_silently(record, caplog):
    FocalPointFactory(member=Member.objects.get(code="AU"), email="au@example.org")

    result = reminders_scan(today=datetime.date(2015, 6, 7), dispatch=lambda reminder_id: None)

    assert [m.code for m in result.members_without_focal_point] == ["ID", "IOM", "NZ", "UNHCR", "TH"]
    assert "No active focal point for Thailand" in caplog.text


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_two_scans_at_once_record_each_reminder_once_and_send_it_once(focal_points):
    first_queue, second_queue = [], []

    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=first_queue.append)
    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=second_queue.append)
    outcomes = [reminder_send(reminder_id=i) for i in first_queue + second_queue]

    assert Reminder.objects.filter(kind="review").count() == 6
    assert first_queue == second_queue  # both queued the same rows...
    assert outcomes.count("sent") == len(first_queue)  # ...and each went out once
    assert len(mail.outbox) == len(first_queue)


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_a_mail_server_error_is_retried_and_ends_in_one_message(focal_points):
    queue = []
    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=queue.append)
    reminder = Reminder.objects.filter(kind="review").first()

    refusing = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")
    )
    with refusing, pytest.raises(smtplib.SMTPServerDisconnected):
        reminder_send(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.last_error) == ("pending", 1, "SMTPServerDisconnected: gone")

    assert reminder_send(reminder_id=reminder.pk) == "sent"
    assert reminder_send(reminder_id=reminder.pk) == "skipped: already sent or being sent"
    assert len(mail.outbox) == 1


def test_a_reminder_held_by_a_worker_that_died_is_sent_once_its_claim_lapses(focal_points):
    with time_machine.travel(SIXTY_DAYS_BEFORE, tick=False):
        reminders_scan(today=datetime.date(2015, 6, 7), dispatch=lambda reminder_id: None)
        reminder = Reminder.objects.filter(kind="review").first()
        # A worker claimed it, then was killed before sending.
        Reminder.objects.filter(pk=reminder.pk).update(claimed_until=datetime.datetime.now(datetime.UTC) + CLAIM_LEASE)
        assert reminder_send(reminder_id=reminder.pk) == "skipped: already sent or being sent"

    later = SIXTY_DAYS_BEFORE + CLAIM_LEASE + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        queue = []
        reminders_scan(today=datetime.date(2015, 6, 7), dispatch=queue.append)
        assert reminder.pk in queue
        assert reminder_send(reminder_id=reminder.pk) == "sent"
    assert len(mail.outbox) == 1


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_lead_members_get_one_digest_a_month_of_actions_needing_attention(focal_points):
    call_command("send_review_reminders")
    call_command("send_review_reminders")

    digests = [m for m in mail.outbox if m.subject.startswith("BaliTrack:")]
    to_indonesia = [m for m in digests if m.to == ["id@example.org"]]
    assert len(to_indonesia) == 1
    assert to_indonesia[0].subject == "BaliTrack: 1 action(s) led by Indonesia need attention"
    assert "Workshop on Biometrics — action 1" in to_indonesia[0].body
    # Thailand leads nothing: no digest, rather than an empty one.
    assert not [m for m in digests if m.to == ["th@example.org"]]


def test_next_month_brings_a_new_digest(focal_points):
    with time_machine.travel(SIXTY_DAYS_BEFORE, tick=False):
        call_command("send_review_reminders")
    with time_machine.travel(SIXTY_DAYS_BEFORE + datetime.timedelta(days=30), tick=False):
        call_command("send_review_reminders")

    assert Reminder.objects.filter(kind="digest", member__code="ID").count() == 2


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_dry_run_lists_and_sends_nothing(focal_points, capsys):
    call_command("send_review_reminders", "--dry-run")

    out = capsys.readouterr().out
    assert "Would send: Review 1 of Bali Process Strategy for Cooperation: 2014 and Beyond, due 6 August 2015" in out
    assert mail.outbox == []
    assert Reminder.objects.count() == 0


@time_machine.travel(datetime.datetime(2015, 8, 20, 2, tzinfo=datetime.UTC), tick=False)
def test_a_review_held_is_no_longer_reminded(focal_points):
    call_command("send_review_reminders")
    sent_while_overdue = len(_review_mail())

    Review.objects.filter(number=1).update(held_on=datetime.date(2015, 8, 18))
    mail.outbox.clear()
    Reminder.objects.filter(kind="review").delete()
    call_command("send_review_reminders")

    assert sent_while_overdue == 6
    assert _review_mail() == []


@time_machine.travel(datetime.datetime(2015, 8, 20, 2, tzinfo=datetime.UTC), tick=False)
def test_a_reminder_waiting_to_be_sent_when_the_review_is_recorded_as_held_is_not_sent(focal_points):
    queued = []
    reminders_scan(today=datetime.date(2015, 8, 20), dispatch=queued.append)
    Review.objects.filter(number=1).update(held_on=datetime.date(2015, 8, 18))

    outcomes = {
        reminder_send(reminder_id=pk) for pk in Reminder.objects.filter(kind="review").values_list("pk", flat=True)
    }

    held = f"Review 1 of {Strategy.objects.get()}, due 6 August 2015 was held on 18 August 2015"
    assert outcomes == {f"not sent: {held}"}
    assert _review_mail() == []
    assert set(Reminder.objects.filter(kind="review").values_list("last_error", flat=True)) == {f"{held}: not sent."}


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_the_scan_makes_every_review_in_sight_and_keeps_their_dates_on_the_strategys_cycle(focal_points):
    strategy = Strategy.objects.get()
    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=lambda reminder_id: None)
    made = list(Review.objects.values_list("number", "due_on", "held_on"))
    # The Steering Group decides to review every six months: review 1 now fell due in February.
    strategy.review_interval_months = 6
    strategy.save(update_fields=["review_interval_months"])

    reminders_scan(today=datetime.date(2015, 6, 7), dispatch=lambda reminder_id: None)

    assert made == [(1, datetime.date(2015, 8, 6), None)]
    assert list(Review.objects.values_list("number", "due_on", "held_on")) == [
        (1, datetime.date(2015, 2, 6), None),
        (2, datetime.date(2015, 8, 6), None),
    ]
    # Review 1 was superseded: the reminders now speak of review 2, 60 days ahead.
    assert set(Reminder.objects.filter(kind="review").values_list("review__number", "offset_days")) == {
        (1, 60),
        (2, 60),
    }


@time_machine.travel(SIXTY_DAYS_BEFORE, tick=False)
def test_a_broker_that_is_down_loses_nothing_and_the_next_scan_catches_up(
    focal_points, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from reminders.tasks import SendQueue

    down = mock.patch("reminders.tasks.send_reminder.delay", side_effect=OperationalError("refused"))
    with down, django_capture_on_commit_callbacks(execute=True):
        reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
    assert "Could not queue reminder" in caplog.text
    assert Reminder.objects.exclude(state="pending").count() == 0

    with mock.patch("reminders.tasks.send_reminder.delay") as delay, django_capture_on_commit_callbacks(execute=True):
        reminders_scan(today=datetime.date(2015, 6, 7), dispatch=SendQueue())
    assert delay.call_count == Reminder.objects.count()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_scanning_at_the_same_moment_record_each_reminder_once(focal_points):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL; SQLite takes one writer at a time.")
    start = threading.Barrier(2)
    errors = []

    def scan() -> None:
        try:
            start.wait()
            reminders_scan(today=datetime.date(2015, 6, 7), dispatch=lambda reminder_id: None)
        except Exception as error:  # collected, so the test reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Reminder.objects.filter(kind="review").count() == 6

"""The admin, where the secretariat reads and keeps the record until the browser pages exist."""

import datetime
from typing import cast

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from actions.models import Action, ActionUpdate, Review, Strategy
from members.models import FocalPoint, Member
from proposals.models import Proposal
from proposals.services import proposal_submit
from reminders.models import Reminder
from tests.browser_forms import form_data
from tests.factories import (
    ActionFactory,
    ActionOwnerFactory,
    ActionUpdateFactory,
    FocalPointFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _review() -> Review:
    return Review.objects.create(strategy=Strategy.objects.get(), number=1, due_on=datetime.date(2015, 8, 6))


def _proposal() -> Proposal:
    action = Action.objects.order_by("pk")[0]
    return proposal_submit(
        action=action,
        proposer=cast(User, UserFactory()),
        member=cast(Member, MemberFactory()),
        on_behalf=False,
        leading=True,
        status="in_progress",
        progress=20,
        target_date=None,
        note="Begun.",
        evidence_url="",
        based_on_version=action.version,
    )


UNSEEDED = {
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username="siti", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    ),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        username="siti", ip_address="192.0.2.1", user_agent="test"
    ),
    FocalPoint: FocalPointFactory,
    Group: lambda: Group.objects.create(name="Test group"),
    Proposal: _proposal,
    Review: _review,
    Reminder: lambda: Reminder.objects.create(
        kind="review", review=_review(), offset_days=60, recipient="a@example.org"
    ),
}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_anonymous_visitor_is_sent_to_sign_in(client, model):
    url = _changelist(model)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_user_without_staff_status_cannot_enter_the_admin(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_list_of_the_record_opens_for_the_administrator(client, superuser, record, model):
    client.force_login(superuser)

    response = client.get(_changelist(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_record_page_opens_for_the_administrator(client, superuser, record, model):
    client.force_login(superuser)
    # The record names no people and defines no groups; make one of each to open.
    obj = model.objects.first() or UNSEEDED[model]()

    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)

    assert response.status_code == 200


def test_updates_are_recorded_on_the_action_page_not_in_the_admin(client, superuser):
    # The admin's add form started blank (a save could clear the target date) and had no
    # version check; the action page's form has both.
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(superuser)
    url = reverse("admin:actions_actionupdate_add")

    page = client.get(url)
    post = client.post(url, {"action": action.pk, "status": "in_progress", "progress": "30", "note": "Begun."})

    assert (page.status_code, post.status_code) == (403, 403)
    assert ActionUpdate.objects.count() == 0
    action.refresh_from_db()
    assert (action.status, action.progress) == ("planned", 0)


def test_history_cannot_be_edited_or_deleted_in_the_admin(client, superuser):
    update = ActionUpdateFactory(note="As recorded.")
    client.force_login(superuser)

    edit = client.post(
        reverse("admin:actions_actionupdate_change", args=[update.pk]),
        {"action": update.action.pk, "status": "completed", "progress": "100", "note": "Rewritten."},
    )
    delete = client.post(reverse("admin:actions_actionupdate_delete", args=[update.pk]), {"post": "yes"})

    assert (edit.status_code, delete.status_code) == (403, 403)
    update.refresh_from_db()
    assert update.note == "As recorded."


def test_action_status_is_read_only_on_the_action_page(client, superuser):
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(superuser)

    response = client.get(reverse("admin:actions_action_change", args=[action.pk]))

    assert "status" not in response.context["adminform"].form.fields


@pytest.mark.parametrize("actions", [3, 30])
def test_action_list_costs_the_same_queries_for_3_or_30_actions(client, superuser, django_assert_num_queries, actions):
    lead = MemberFactory()
    for _ in range(actions):
        ActionOwnerFactory(member=lead)
    client.force_login(superuser)

    # session, user; the theme, pillar and lead-member filters' choices; the count of all
    # actions and the filtered count; the page of actions joined to initiative and theme.
    with django_assert_num_queries(8):
        response = client.get(_changelist(Action))

    assert response.status_code == 200


# The morning after the Steering Group met for review 12, in Bangkok.
AFTER_REVIEW_12 = datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC)


def _review_12() -> Review:
    return Review.objects.create(strategy=Strategy.objects.get(), number=12, due_on=datetime.date(2026, 8, 6))


@time_machine.travel(AFTER_REVIEW_12, tick=False)
def test_the_secretariat_records_review_12_as_held_through_its_change_form(client, record, secretariat_user):
    review = _review_12()
    client.force_login(secretariat_user)
    url = reverse("admin:actions_review_change", args=[review.pk])
    rendered = form_data(client.get(url).text, form_id="review_form")

    response = client.post(url, rendered | {"held_on": ["2026-11-30"]})

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.strategy, review.number, review.due_on, review.held_on) == (
        Strategy.objects.get(),
        12,
        datetime.date(2026, 8, 6),
        datetime.date(2026, 11, 30),
    )
    reviews = client.get(reverse("dashboard:index")).context["board"].reviews
    assert (reviews.last_held.number, reviews.last_held.held_on, reviews.next_number) == (
        12,
        datetime.date(2026, 11, 30),
        13,
    )


@time_machine.travel(datetime.datetime(2027, 6, 1, 2, tzinfo=datetime.UTC), tick=False)
def test_the_secretariat_adds_a_review_held_before_the_scan_made_it(client, record, secretariat_user):
    # Review 13 falls due on 6 August 2027; the scan makes it 60 days before, on 7 June.
    client.force_login(secretariat_user)

    response = client.post(
        reverse("admin:actions_review_add"),
        {"strategy": Strategy.objects.get().pk, "number": "13", "held_on": "2027-05-20"},
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.number, review.due_on, review.held_on) == (13, datetime.date(2027, 8, 6), datetime.date(2027, 5, 20))


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("2026-12-02", "A review is recorded as held once it has taken place."),
        (
            "2025-08-05",
            "Review 12 looks back on the period from 6 August 2025; it cannot have been held before it began.",
        ),
        ("", None),
    ],
)
@time_machine.travel(AFTER_REVIEW_12, tick=False)
def test_a_review_is_held_within_its_period_and_not_in_the_future(client, record, secretariat_user, held_on, message):
    review = _review_12()
    client.force_login(secretariat_user)
    url = reverse("admin:actions_review_change", args=[review.pk])

    response = client.post(url, form_data(client.get(url).text, form_id="review_form") | {"held_on": [held_on]})

    review.refresh_from_db()
    if message is None:  # clearing the day undoes a review recorded by mistake
        assert (response.status_code, review.held_on) == (302, None)
    else:
        assert (response.status_code, review.held_on) == (200, None)
        assert message in response.content.decode()


def test_adding_a_review_asks_for_the_day_it_was_held(client, record, secretariat_user):
    client.force_login(secretariat_user)

    response = client.post(reverse("admin:actions_review_add"), {"strategy": Strategy.objects.get().pk, "number": "1"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"held_on": ["This field is required."]}
    assert not Review.objects.exists()


def test_the_secretariat_reads_the_reminder_log_but_cannot_change_or_delete_a_reminder(
    client, record, secretariat_user
):
    reminder = Reminder.objects.create(kind="review", review=_review_12(), offset_days=-112, recipient="th@example.org")
    client.force_login(secretariat_user)
    change_url = reverse("admin:reminders_reminder_change", args=[reminder.pk])

    log = client.get(_changelist(Reminder))
    page = client.get(change_url)
    edit = client.post(change_url, {"state": "pending", "recipient": "someone@example.org"})
    delete = client.post(reverse("admin:reminders_reminder_delete", args=[reminder.pk]), {"post": "yes"})

    assert (log.status_code, page.status_code) == (200, 200)
    assert "th@example.org" in log.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only: nothing to save
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert list(Reminder.objects.values_list("pk", "recipient", "state")) == [
        (reminder.pk, "th@example.org", "pending")
    ]


@pytest.mark.parametrize(("persona", "reviews", "log"), [("member_user", 403, 403), ("co_chair_user", 200, 403)])
def test_only_the_secretariat_sees_the_reminder_log_and_members_see_no_review(
    client, record, request, persona, reviews, log
):
    # Made staff, so that the admin answers by permission rather than sending them to sign in.
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    review = _review_12()
    client.force_login(user)

    answers = (client.get(_changelist(Review)).status_code, client.get(_changelist(Reminder)).status_code)
    change = client.post(reverse("admin:actions_review_change", args=[review.pk]), {"held_on": "2026-11-30"})

    assert answers == (reviews, log)
    assert change.status_code == 403
    review.refresh_from_db()
    assert review.held_on is None

"""An action's page, and recording a status update on it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action, ActionUpdate
from meetings.models import Lineage
from tests.factories import ActionFactory, ActionOwnerFactory, ActionUpdateFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def _update_url(action: Action) -> str:
    return reverse("actions:update-status", args=[action.pk])


def _form(action: Action, **changes) -> dict[str, str]:
    data = {
        "status": "in_progress",
        "progress": "40",
        "target_date": "2015-06-30",
        "note": "Curriculum roundtable held in Bangkok.",
        "version": str(action.version),
    }
    data.update(changes)
    return data


def test_anonymous_visitor_is_sent_to_sign_in(client):
    action = ActionFactory()

    response = client.get(action.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "sees_form"),
    [("secretariat_user", True), ("co_chair_user", False), ("member_user", False), ("outsider", False)],
)
def test_only_the_secretariat_sees_the_status_form(client, request, persona, sees_form):
    action = ActionFactory()
    client.force_login(request.getfixturevalue(persona))

    response = client.get(action.get_absolute_url())

    assert response.status_code == 200
    assert ("Record a status update" in response.content.decode()) is sees_form


def test_unknown_action_is_not_found(client, co_chair_user):
    client.force_login(co_chair_user)

    assert client.get(reverse("actions:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["co_chair_user", "member_user", "outsider"])
def test_forged_update_from_outside_the_secretariat_is_refused(client, request, persona):
    action = ActionFactory(status=Action.Status.PLANNED)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_update_url(action), _form(action))

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED
    assert ActionUpdate.objects.count() == 0


def test_anonymous_update_is_sent_to_sign_in(client):
    action = ActionFactory()

    response = client.post(_update_url(action), _form(action))

    assert response.status_code == 302
    assert ActionUpdate.objects.count() == 0


def test_status_update_page_refuses_get(client, secretariat_user):
    action = ActionFactory()
    client.force_login(secretariat_user)

    assert client.get(_update_url(action)).status_code == 405


def test_secretariat_records_an_update_and_sees_it_at_the_top_of_the_history(client, secretariat_user):
    action = ActionFactory(status=Action.Status.PLANNED)
    ActionUpdateFactory(action=action, status=Action.Status.PLANNED, progress=0, note="From the record.")
    client.force_login(secretariat_user)

    response = client.post(_update_url(action), _form(action), follow=True)

    assert response.redirect_chain == [(action.get_absolute_url(), 302)]
    assert "The update was recorded." in response.content.decode()
    newest = response.context["updates"][0]
    assert (newest.author, newest.status, newest.progress, newest.note) == (
        secretariat_user,
        "in_progress",
        40,
        "Curriculum roundtable held in Bangkok.",
    )
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("in_progress", 40, 1)


def test_update_made_against_an_old_version_is_refused_and_the_typed_text_kept(client, secretariat_user):
    action = ActionFactory(status=Action.Status.PLANNED)
    opened_at_version = action.version
    client.force_login(secretariat_user)
    client.post(_update_url(action), _form(action, status="in_progress", progress="20", note="Colleague's change."))

    response = client.post(
        _update_url(action),
        _form(action, status="completed", progress="100", note="My own text.", version=str(opened_at_version)),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: this action was updated after you opened the form." in page
    assert "In progress, 20%" in page
    assert "Colleague&#x27;s change." in page
    assert "My own text." in page
    assert response.context["form"]["version"].value() == "1"
    action.refresh_from_db()
    assert (action.status, action.progress, action.updates.count()) == ("in_progress", 20, 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "completed", "progress": "90"}, "progress", "A completed action is 100% done."),
        ({"progress": "101"}, "progress", "Ensure this value is less than or equal to 100."),
        ({"progress": "-1"}, "progress", "Ensure this value is greater than or equal to 0."),
        ({"status": "on_hold", "note": "   "}, "note", "Say why the action is on hold or discontinued."),
        ({"status": "discontinued", "note": ""}, "note", "Say why the action is on hold or discontinued."),
        ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
        ({"target_date": "2015-02-30"}, "target_date", "Enter a valid date."),
        ({"version": "abc"}, "version", "Enter a whole number."),
    ],
)
def test_invalid_update_says_why_and_saves_nothing(client, secretariat_user, changes, field, message):
    action = ActionFactory(status=Action.Status.PLANNED, progress=0)
    client.force_login(secretariat_user)

    response = client.post(_update_url(action), _form(action, **changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    action.refresh_from_db()
    assert (action.status, action.progress, ActionUpdate.objects.count()) == ("planned", 0, 0)


def test_notes_with_script_tags_are_shown_as_text(client, secretariat_user):
    action = ActionFactory()
    client.force_login(secretariat_user)

    response = client.post(_update_url(action), _form(action, note="<script>alert(1)</script>"), follow=True)

    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_action_page_links_its_neighbours(client, record, co_chair_user):
    action = Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)
    client.force_login(co_chair_user)

    page = client.get(action.get_absolute_url()).content.decode()

    assert 'href="/members/ID/"' in page  # co-sponsor
    assert 'href="/groups/RSO/"' in page  # lead
    assert "/meetings/ahg-som-8-2014/#ahg-som-8-2014-statement-10" in page  # mandate
    assert "/meetings/jakarta-special-conference-2013/#jakarta-declaration-2013-10-A-d" in page
    assert "?initiative=public-awareness-campaigns" in page


@pytest.mark.parametrize("rows", [2, 20])
def test_action_page_costs_the_same_queries_for_few_or_many_rows(
    client, secretariat_user, django_assert_num_queries, rows
):
    action = ActionFactory()
    for _ in range(rows):
        ActionOwnerFactory(action=action)
        ActionUpdateFactory(action=action)
        mandate = DecisionFactory()
        action.mandates.add(mandate)
        Lineage.objects.create(decision=DecisionFactory(), kind=Lineage.Kind.CLOSES, earlier_decision=mandate)
    client.force_login(secretariat_user)

    # session, user, the action with initiative, theme and strategy (and what it continues);
    # its owners, pillars, mandates with document and meeting, the later paragraphs that
    # superseded or closed them, updates with author, the actions that continue it; the
    # user's permissions (the status form); the action's proposals (the proposals app's
    # template tag: pending, returned, and those the history rows were accepted from); the
    # pending proposals counted for the navigation.
    with django_assert_num_queries(13):
        response = client.get(action.get_absolute_url())

    assert len(response.context["updates"]) == rows
    assert response.text.count("this mandate no longer stands as written") == rows


def test_a_mandate_a_later_paragraph_superseded_is_flagged_with_a_link_to_it(client, co_chair_user):
    action = ActionFactory()
    mandate = DecisionFactory()
    action.mandates.add(mandate)
    later = DecisionFactory(number="3")
    Lineage.objects.create(decision=later, kind=Lineage.Kind.SUPERSEDES, earlier_decision=mandate)
    Lineage.objects.create(decision=DecisionFactory(), kind=Lineage.Kind.REAFFIRMS, earlier_decision=mandate)
    client.force_login(co_chair_user)

    page = client.get(action.get_absolute_url()).text

    assert page.count('<p class="flag flag--ended">') == 1
    assert (
        f'<strong>Superseded by</strong> <a href="{later.get_absolute_url()}">{escape(later.document.title)}, ¶3</a>:'
        " this mandate no longer stands as written." in page
    )

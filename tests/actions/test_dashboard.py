"""The co-chairs' dashboard: figures worked out by hand, and links that list exactly them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

# Imported for its sign-in receiver: without it, a test that runs before any request has
# loaded the middleware signs in without the session clock, and its first page writes the
# session (three more queries).
import balitrack.middleware  # noqa: F401
from actions.services import action_record_update
from meetings.models import Decision, Lineage
from tests.factories import (
    ActionFactory,
    ActionOwnerFactory,
    DecisionFactory,
    InitiativeFactory,
    MemberFactory,
    ThemeFactory,
)

# Some of these close actions in one step, as the Secretariat does with two-key closing off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("closing_in_one_step")]

DASHBOARD = reverse("dashboard:index")
# A day in the life of the record: every target date of the fixtures has passed.
TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)


def _register_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def _every_link(board):
    figures = [*board.by_status, board.overdue, board.stale, board.updated_recently]
    yield from ((f.label, f.count, f.url) for f in figures)
    for bars in (board.by_theme, board.by_pillar, board.by_lead, board.by_body):
        for bar in bars:
            yield bar.label, bar.total, bar.url
            yield from ((f"{bar.label} / {s.label}", s.count, s.url) for s in bar.segments)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(DASHBOARD)["Location"] == f"/accounts/login/?next={DASHBOARD}"


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("co_chair_user", "/dashboard/"),
        ("secretariat_user", "/actions/"),
        ("member_user", "/actions/"),
    ],
)
def test_co_chairs_land_on_the_dashboard_and_others_on_the_register(client, request, persona, landing):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/")["Location"] == landing


@time_machine.travel(TODAY, tick=False)
def test_headline_figures_match_the_record_counted_by_hand(client, record, co_chair_user):
    client.force_login(co_chair_user)

    board = client.get(DASHBOARD).context["board"]

    assert board.total == 31
    assert [(f.key, f.count) for f in board.by_status] == [
        ("not_started", 14),
        ("planned", 12),
        ("in_progress", 3),
        ("completed", 2),
        ("on_hold", 0),
        ("discontinued", 0),
    ]
    assert board.completed_percent == 6
    # Open with a target date passed: the roundtable (24 Sep 2014), the biometrics workshop
    # (30 Jun 2014), the WGTIP work plan (30 Jun 2015), two victims' guides steps (2015).
    assert board.overdue.count == 5
    # Every open action was last updated on 6 August 2014.
    assert board.stale.count == 29
    assert board.updated_recently.count == 0
    # Nobody has recorded a review as held: review 12, due 6 August 2026, is overdue.
    assert (board.reviews.next_number, board.reviews.next_due, board.reviews.days_overdue) == (
        12,
        datetime.date(2026, 8, 6),
        113,
    )
    assert board.reviews.last_held is None


@time_machine.travel(TODAY, tick=False)
def test_charts_are_named_figures_of_links_after_their_key_with_average_progress_in_words(
    client, record, co_chair_user
):
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)

    html = response.text
    # Links nested in an image role were axe's nested-interactive: no image role is left.
    assert 'role="img"' not in html
    assert html.count('<figure class="card chart" aria-labelledby=') == 4
    assert html.index('id="chart-key"') < html.index("<figure")
    # Only the two completed actions have progress: 200 / 31.
    assert response.context["board"].average_progress == 6
    assert '<span class="figure__n">6%</span> average progress of the 31 actions' in html
    board = response.context["board"]
    bars = [len(chart) for chart in (board.by_theme, board.by_pillar, board.by_lead, board.by_body)]
    # Beside each bar: 12 themes, 4 pillars, 7 leads, 6 bodies.
    assert (bars, html.count('<span class="bar__progress">Average progress ')) == ([12, 4, 7, 6], 29)


@time_machine.travel(TODAY, tick=False)
def test_every_figure_bar_and_segment_links_to_exactly_its_actions(client, record, co_chair_user):
    client.force_login(co_chair_user)
    board = client.get(DASHBOARD).context["board"]

    links = list(_every_link(board))

    assert len(links) > 60
    for label, count, url in links:
        assert _register_count(client, url) == count, label


@time_machine.travel(TODAY, tick=False)
def test_narrowed_dashboard_links_keep_the_narrowing(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{DASHBOARD}?pillar=protection")
    board = response.context["board"]

    assert board.total == 9
    assert "By Jakarta Declaration pillar" not in response.content.decode()
    for label, count, url in _every_link(board):
        assert "pillar=protection" in url
        assert _register_count(client, url) == count, label


def test_charts_on_a_small_record_with_known_answers(client, co_chair_user):
    theme = ThemeFactory(title="Returns")
    initiative = InitiativeFactory(theme=theme)
    thailand = MemberFactory(name="Testland Thailand")
    for status, progress in [("planned", 0), ("in_progress", 40), ("in_progress", 60), ("completed", 100)]:
        ActionOwnerFactory(
            member=thailand, action=ActionFactory(initiative=initiative, status=status, progress=progress)
        )
    ActionFactory(initiative=InitiativeFactory(theme=ThemeFactory(title="Biometrics")), status="on_hold")
    client.force_login(co_chair_user)

    board = client.get(DASHBOARD).context["board"]

    returns = next(bar for bar in board.by_theme if bar.label == "Returns")
    assert (returns.total, returns.average_progress) == (4, 50)
    assert [(s.status, s.count, s.percent) for s in returns.segments] == [
        ("planned", 1, 25.0),
        ("in_progress", 2, 50.0),
        ("completed", 1, 25.0),
    ]
    assert [(bar.label, bar.total) for bar in board.by_lead] == [("Testland Thailand", 4)]
    assert board.completed_percent == 20


def test_lead_chart_of_many_members_shows_those_leading_most_largest_first(client, co_chair_user, monkeypatch):
    monkeypatch.setattr("actions.dashboard.BARS_LISTED", 2)
    for name, led in [("Test Fiji", 1), ("Test Nauru", 3), ("Test Palau", 2), ("Test Samoa", 1)]:
        member = MemberFactory(name=name)
        for _ in range(led):
            ActionOwnerFactory(member=member)
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)

    board = response.context["board"]
    assert [(bar.label, bar.total) for bar in board.by_lead] == [("Test Nauru", 3), ("Test Palau", 2)]
    assert board.leads_not_shown == 2
    assert "The 2 members with the most actions, largest first; 2 more are left out." in response.text


def test_a_filter_it_cannot_read_shows_the_whole_strategy_with_a_message(client, co_chair_user):
    ActionFactory()
    client.force_login(co_chair_user)

    response = client.get(f"{DASHBOARD}?lead=NOWHERE")

    assert response.status_code == 200
    assert response.context["board"].total == 1
    assert "That filter could not be understood" in response.content.decode()


@pytest.mark.parametrize("actions", [4, 40])
@pytest.mark.parametrize("review", ["", "2026"], ids=["since the last review", "review 12's period"])
@time_machine.travel(TODAY, tick=False)
def test_dashboard_costs_the_same_queries_however_many_actions_and_whichever_period(
    client, co_chair_user, django_assert_num_queries, actions, review
):
    lead = MemberFactory()
    initiative = InitiativeFactory()
    for number in range(actions):
        owner = ActionOwnerFactory(member=lead, action=ActionFactory(initiative=initiative, status="planned"))
        # Moves in both periods: started in review 12's, completed or put on hold since.
        for when, status, progress in [
            (datetime.datetime(2026, 3, 1, 3, tzinfo=datetime.UTC), "in_progress", number % 100),
            (datetime.datetime(2026, 10, 1, 3, tzinfo=datetime.UTC), "completed" if number % 2 else "on_hold", 100),
        ]:
            action_record_update(
                action=owner.action,
                author=None,
                status=status,
                progress=progress if status != "on_hold" else 0,
                target_date=None,
                note="Waiting for funds." if status == "on_hold" else "",
                recorded_at=when,
            )
    client.force_login(co_chair_user)

    # Counted afresh, as the record was made behind the tally's back (factories, and updates
    # recorded in the past): session, user; the strategies (which is shown, and the switch); the
    # record's version (the cache key), again for the tally, the tally (out of date). The count, in
    # a savepoint: the record's version, read and locked; the current strategy; seven GROUP BYs
    # (status, theme, pillar, lead, body, target day, day of last update); the strategy with its
    # last review held; the changes since it (the moves with their first actions, then those
    # actions' initiatives); the updates since it counted; the cells emptied and refilled, the tally
    # stored. What a status update cannot change: the schedule again, decisions without action and
    # those a later paragraph superseded or closed (both counts, then each list), next meetings and
    # past-but-planned meetings; Steering Group members without a focal point; actions without
    # mandate and their count; the names of themes, pillars, members and bodies. Then the cells, the
    # sums over days, the first actions of each move; the choice lists' version (the choices from
    # the cache). Review 12's period is counted apart: its moves and their actions' initiatives.
    # Last, the user's and groups' permissions and the pending proposals counted (the figure, proposals).
    with django_assert_num_queries(50 if review else 48):
        response = client.get(DASHBOARD, {"review": review})

    assert response.context["board"].total == actions
    assert sum(move.count for move in response.context["changes"].moves) == actions

    # From the caches (the changes under the period's own key): session, user, the
    # strategies, the record's version, the choice lists' version.
    # ... and the permissions and the pending proposals.
    with django_assert_num_queries(8):
        client.get(DASHBOARD, {"review": review})


@time_machine.travel(TODAY, tick=False)
def test_page_of_a_move_costs_the_same_queries_however_many_actions(client, co_chair_user, django_assert_num_queries):
    initiative = InitiativeFactory()
    for _ in range(60):
        action = ActionFactory(initiative=initiative, status="planned")
        action_record_update(action=action, author=None, status="in_progress", progress=5, target_date=None, note="")
    client.force_login(co_chair_user)
    client.get(DASHBOARD)

    # session, user; the strategies; the review schedule (the period); the move's actions
    # counted, then its first page of 50 with their initiatives.
    with django_assert_num_queries(6):
        response = client.get(reverse("dashboard:changes"), {"from": "planned", "to": "in_progress"})

    assert (response.context["paginator"].count, len(response.context["page_obj"])) == (60, 50)


def test_gaps_in_the_record_are_counted_in_full_and_the_first_listed(client, co_chair_user):
    initiative = InitiativeFactory()
    for number in range(1, 26):
        ActionFactory(initiative=initiative, number=number)
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)
    board = response.context["board"]

    assert board.actions_without_mandate_count == 25
    assert [action.number for action in board.actions_without_mandate] == list(range(1, 21))
    assert "The first 20 of 25, in the strategy's order." in response.content.decode()


def test_a_follow_up_decision_a_later_paragraph_superseded_needs_no_action_and_is_flagged(client, co_chair_user):
    standing = DecisionFactory(verb=Decision.Verb.AGREED)
    superseded = DecisionFactory(verb=Decision.Verb.TASKED)
    later = DecisionFactory(number="5", verb=Decision.Verb.DECIDED)
    ActionFactory().mandates.add(later)
    Lineage.objects.create(decision=later, kind=Lineage.Kind.SUPERSEDES, earlier_decision=superseded)
    client.force_login(co_chair_user)

    response = client.get(DASHBOARD)

    board = response.context["board"]
    assert (board.decisions_without_action, board.decisions_without_action_count) == ([standing], 1)
    assert (board.decisions_ended, board.decisions_ended_count) == ([superseded], 1)
    assert "Superseded or closed, needing no action (1)" in response.text
    assert f'<span class="tag tag--overdue">superseded by {escape(later.document.title)}, ¶5</span>' in response.text

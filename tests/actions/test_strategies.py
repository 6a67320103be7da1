"""Several strategies over time (issue 13, point 1): a second strategy supersedes the first,
and the dashboard, the register's filters, the reviews and the report of each show only its
own actions; the first's 2015 review answers as it did; an action carried over shows on both."""

import datetime
import importlib
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

import balitrack.middleware  # noqa: F401  (its sign-in receiver; see test_dashboard.py)
from actions.models import Action, ActionUpdate, Strategy
from actions.schedule import current_schedule, review_years, strategy_schedule
from actions.services import action_record_update, strategy_make_current
from actions.tally import DashboardTally
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    InitiativeFactory,
    MeetingFactory,
    StrategyFactory,
    ThemeFactory,
    supersede,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)
ENDORSED = datetime.date(2014, 8, 6)
# The second strategy, endorsed as the Adelaide Strategy was, at a meeting of February 2023.
ADELAIDE = datetime.date(2023, 2, 10)


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T09:00:00+07:00")


def _history(action: Action, *steps: tuple[str, str, int]) -> None:
    """A baseline at the endorsement, then each (day, status, progress) as an update of the record."""
    previous = ""
    previous_progress = None
    for day, status, progress in (("2014-08-06", "planned", 0), *steps):
        ActionUpdate.objects.create(
            action=action,
            recorded_at=_at(day),
            previous_status=previous,
            status=status,
            previous_progress=previous_progress,
            progress=progress,
        )
        previous, previous_progress = status, progress
    Action.objects.filter(pk=action.pk).update(status=previous, progress=previous_progress, updated_at=_at(day))


@pytest.fixture
def first():
    """The 2014 strategy, current, with three actions: two moved in its first review's period."""
    strategy = StrategyFactory(slug="strategy-2014", title="Strategy 2014", endorsed_on=ENDORSED)
    assert strategy.status == Strategy.Status.CURRENT
    theme = ThemeFactory(strategy=strategy, slug="t-2014", title="Information sharing", position=1)
    initiative = InitiativeFactory(theme=theme, slug="rilon", name="Expansion of RILON", position=1)
    rilon, guide, train = (
        ActionFactory(initiative=initiative, number=number, text=text)
        for number, text in enumerate(("Hold the RILON meeting", "Publish the RILON guide", "Train officers"), 1)
    )
    _history(rilon, ("2014-10-01", "in_progress", 40), ("2015-03-01", "completed", 100))
    _history(guide, ("2015-01-15", "in_progress", 20))
    _history(train)
    return strategy


@pytest.fixture
def second(first):
    return _adelaide_superseding(first)


def _adelaide_superseding(first: Strategy) -> Strategy:
    """The Adelaide strategy, superseding the first at the meeting that replaced it; its
    second action carries on the first strategy's RILON guide."""
    strategy = StrategyFactory(slug="adelaide-2023", title="Adelaide Strategy", endorsed_on=ADELAIDE)
    assert strategy.status == Strategy.Status.UPCOMING
    theme = ThemeFactory(strategy=strategy, slug="t-2023", title="Area of cooperation 1", position=1)
    initiative = InitiativeFactory(theme=theme, slug="returns", name="Returns and reintegration", position=1)
    ActionFactory(initiative=initiative, number=1, text="Map reintegration support")
    guide = Action.objects.get(text="Publish the RILON guide")
    carried = ActionFactory(initiative=initiative, number=2, text="Update the RILON guide", continues=guide)
    carried.full_clean()
    supersede(first, strategy, at=MeetingFactory(title="8th Ministerial Conference", slug="bp-mc-8-2023"))
    return strategy


def _report_body(client, year: int, **params: str) -> str:
    response = client.get(reverse("dashboard:review", args=[year]), params)
    assert response.status_code == 200
    # The same figures, whichever strategy is current: links name it once it is not.
    return re.sub(r"\?strategy=[\w-]+", "", str(response.context["body"]))


def _csv(client, year: int, **params: str) -> str:
    response = client.get(reverse("dashboard:review-csv", args=[year]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def _listed(response) -> set[str]:
    return {action.text for action in response.context["actions"]}


@time_machine.travel(TODAY, tick=False)
def test_the_first_strategys_2015_review_answers_with_the_same_figures_once_it_is_superseded(
    client, co_chair_user, first
):
    client.force_login(co_chair_user)
    body, csv = _report_body(client, 2015), _csv(client, 2015)
    assert "Hold the RILON meeting" in body

    second = _adelaide_superseding(first)

    assert _report_body(client, 2015, strategy=first.slug) == body
    assert _csv(client, 2015, strategy=first.slug) == csv
    # The current strategy has no review in 2015; nor the first's, unless named.
    assert client.get(reverse("dashboard:review", args=[2015])).status_code == 404
    # A superseded strategy's reviews end with its period: none falls due after 10 February 2023.
    assert review_years(first, today=TODAY.date()) == list(range(2015, 2023))
    assert client.get(reverse("dashboard:review", args=[2023]), {"strategy": first.slug}).status_code == 404
    assert second.status == Strategy.Status.CURRENT


@time_machine.travel(TODAY, tick=False)
def test_the_second_strategy_supersedes_the_first_at_the_meeting_that_replaced_it(first, second):
    first.refresh_from_db()
    assert (first.status, first.superseded_by, first.superseded_at.slug, first.ends_on) == (
        Strategy.Status.SUPERSEDED,
        second,
        "bp-mc-8-2023",
        ADELAIDE,
    )
    assert Strategy.objects.current() == second
    assert current_schedule(today=TODAY.date()).strategy == second
    schedule = strategy_schedule(today=TODAY.date(), slug=first.slug)
    assert schedule is not None and schedule.strategy == first


@time_machine.travel(TODAY, tick=False)
def test_each_strategys_dashboard_counts_only_its_own_actions(client, co_chair_user, first, second):
    client.force_login(co_chair_user)

    current = client.get(reverse("dashboard:index"))
    earlier = client.get(reverse("dashboard:index"), {"strategy": first.slug})

    assert (current.context["board"].strategy, current.context["board"].total) == (second, 2)
    assert [bar.label for bar in current.context["board"].by_theme] == ["Area of cooperation 1"]
    assert (earlier.context["board"].strategy, earlier.context["board"].total) == (first, 3)
    assert [bar.label for bar in earlier.context["board"].by_theme] == ["Information sharing"]
    page = earlier.content.decode()
    # It says which strategy it counts, that it was superseded, and every link stays in it.
    assert "Strategy 2014 (superseded by Adelaide Strategy at the 8th Ministerial Conference" in page
    assert 'data-review="superseded"' in page
    assert f'href="/actions/?strategy={first.slug}&amp;status=completed"' in page
    assert f'href="/reports/review/2015/?strategy={first.slug}"' in page
    # The switch: both strategies, the shown one marked.
    assert f'<a href="/dashboard/?strategy={first.slug}" aria-current="page">Strategy 2014</a>' in page
    assert '<a href="/dashboard/">Adelaide Strategy</a>' in page


@time_machine.travel(TODAY, tick=False)
def test_the_register_lists_the_current_strategys_actions_and_its_own_themes_unless_told_another(
    client, co_chair_user, first, second
):
    client.force_login(co_chair_user)

    current = client.get(reverse("actions:register"))
    earlier = client.get(reverse("actions:register"), {"strategy": first.slug})

    assert _listed(current) == {"Map reintegration support", "Update the RILON guide"}
    assert [str(theme) for theme in current.context["filter"].form.fields["theme"].queryset] == [
        "Area of cooperation 1"
    ]
    assert _listed(earlier) == {"Hold the RILON meeting", "Publish the RILON guide", "Train officers"}
    assert [str(theme) for theme in earlier.context["filter"].form.fields["theme"].queryset] == ["Information sharing"]
    assert [str(i) for i in earlier.context["filter"].form.fields["initiative"].queryset] == ["Expansion of RILON"]
    assert '3 actions <span class="results__of">of the Strategy 2014</span>' in earlier.content.decode()
    # A theme of the other strategy is refused, not silently empty.
    mixed = client.get(reverse("actions:register"), {"theme": "t-2014"})
    assert mixed.status_code == 200
    assert "theme" in mixed.context["filter"].form.errors
    both = client.get(reverse("actions:register"), {"strategy": first.slug, "theme": "t-2014", "status": "completed"})
    assert _listed(both) == {"Hold the RILON meeting"}
    # The CSV exports what the page lists.
    export = client.get(reverse("actions:export"), {"strategy": first.slug})
    rows = b"".join(export.streaming_content).decode()
    assert "Train officers" in rows and "Map reintegration support" not in rows


@time_machine.travel(TODAY, tick=False)
def test_each_strategys_review_report_shows_only_its_own_actions(client, co_chair_user, first, second):
    client.force_login(co_chair_user)

    current = _report_body(client, 2024)
    earlier = _report_body(client, 2015, strategy=first.slug)

    assert "Map reintegration support" in current and "Hold the RILON meeting" not in current
    assert "Hold the RILON meeting" in earlier and "Map reintegration support" not in earlier
    page = client.get(reverse("dashboard:review", args=[2015]), {"strategy": first.slug}).content.decode()
    assert "Strategy 2014: review 1" in page
    assert f'href="/reports/review/2016/?strategy={first.slug}"' in page
    # The switch leads to the other strategy's latest report, its period under way.
    assert 'href="/reports/review/2027/">Adelaide Strategy</a>' in page


@time_machine.travel(TODAY, tick=False)
def test_a_carried_over_action_shows_on_both_pages_and_keeps_its_history(client, co_chair_user, first, second):
    client.force_login(co_chair_user)
    guide = Action.objects.get(text="Publish the RILON guide")
    carried = Action.objects.get(text="Update the RILON guide")

    earlier_page = client.get(guide.get_absolute_url()).content.decode()
    later_page = client.get(carried.get_absolute_url()).content.decode()

    assert f'Carried into the Adelaide Strategy as <a href="{carried.get_absolute_url()}">' in earlier_page
    assert f'Continues <a href="{guide.get_absolute_url()}">' in later_page
    # The earlier action's history stays its own.
    assert guide.updates.count() == 2 and carried.updates.count() == 0
    # Its register links stay in its strategy.
    assert f'href="/actions/?initiative=rilon&amp;strategy={first.slug}"' in earlier_page


@time_machine.travel(TODAY, tick=False)
def test_an_update_of_a_superseded_strategys_action_moves_its_dashboard_and_not_the_current_tally(
    client, co_chair_user, secretariat_user, first, second
):
    client.force_login(co_chair_user)
    client.get(reverse("dashboard:index"))  # the tally counted, for the current strategy
    tally = DashboardTally.objects.get()
    assert tally.strategy == second
    train = Action.objects.get(text="Train officers")

    action_record_update(
        action=train, author=secretariat_user, status="in_progress", progress=10, target_date=None, note=""
    )

    after = DashboardTally.objects.get()
    # Marked true at the update's token without counting again; the counts are the same.
    assert after.counted_on == tally.counted_on and after.token != tally.token
    current = client.get(reverse("dashboard:index")).context["board"]
    earlier = client.get(reverse("dashboard:index"), {"strategy": first.slug}).context["board"]
    assert current.total == 2 and {f.key: f.count for f in current.by_status}["in_progress"] == 0
    assert {f.key: f.count for f in earlier.by_status}["in_progress"] == 2  # the guide, and now this one


@pytest.mark.parametrize("asked", ["no-such-strategy", "x" * 300])
def test_an_unknown_strategy_in_the_address_is_not_found_saying_so(client, co_chair_user, first, asked):
    client.force_login(co_chair_user)

    for name, args in (
        ("dashboard:index", []),
        ("dashboard:changes", []),
        ("actions:register", []),
        ("actions:export", []),
        ("dashboard:review", [2015]),
        ("dashboard:review-csv", [2015]),
    ):
        response = client.get(reverse(name, args=args), {"strategy": asked})
        assert response.status_code == 404, name


def test_only_one_strategy_is_current_at_a_time(first):
    other = StrategyFactory()
    other.status = Strategy.Status.CURRENT

    with pytest.raises(ValidationError, match="is the current strategy, and only one is at a time"):
        other.full_clean()
    with pytest.raises(IntegrityError, match="actions_strategy_one_current"), transaction.atomic():
        other.save(update_fields=["status"])


def test_a_superseded_strategy_names_what_replaced_it(first):
    first.status = Strategy.Status.SUPERSEDED

    with pytest.raises(ValidationError, match="names the strategy and the meeting that replaced it"):
        first.full_clean()


def test_a_superseded_strategy_is_not_made_current_again(first, second):
    first.refresh_from_db()

    with pytest.raises(ValidationError, match="is not made current again"):
        strategy_make_current(strategy=first)


def test_an_action_continues_only_one_of_an_earlier_strategy(first, second):
    own = Action.objects.get(text="Train officers")
    later = Action.objects.get(text="Map reintegration support")
    backwards = Action.objects.get(text="Hold the RILON meeting")

    own.continues = Action.objects.get(text="Hold the RILON meeting")
    with pytest.raises(ValidationError, match="earlier strategy"):
        own.full_clean()
    backwards.continues = later
    with pytest.raises(ValidationError, match="earlier strategy"):
        backwards.full_clean()
    backwards.continues = backwards
    with pytest.raises(ValidationError, match="cannot continue itself"):
        backwards.full_clean()


def test_the_admin_makes_a_strategy_current_superseding_the_one_before(client, superuser, first):
    endorsement = DecisionFactory(document__meeting=MeetingFactory(slug="bp-mc-8-2023"))
    upcoming = StrategyFactory(endorsed_on=ADELAIDE, endorsed_by=endorsement)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_strategy_changelist"),
        {"action": "make_current", "_selected_action": [upcoming.pk]},
        follow=True,
    )

    assert response.status_code == 200
    first.refresh_from_db()
    upcoming.refresh_from_db()
    assert (upcoming.status, first.status, first.superseded_by, first.superseded_at.slug) == (
        Strategy.Status.CURRENT,
        Strategy.Status.SUPERSEDED,
        upcoming,
        "bp-mc-8-2023",
    )


def test_the_migration_supersedes_each_earlier_strategy_by_the_next_endorsed():
    """Migration 0014's data step, on strategies made before a status existed: each is
    superseded by the one endorsed after it, at the meeting of that one's endorsement, its
    period ending that day; the last keeps the default, current (here the factory's)."""
    from django.apps import apps

    step = importlib.import_module("actions.migrations.0014_strategies").statuses_from_endorsement
    StrategyFactory(endorsed_on=ENDORSED)
    later = [
        StrategyFactory(endorsed_on=day, endorsed_by=DecisionFactory(document__meeting=MeetingFactory(slug=slug)))
        for day, slug in ((datetime.date(2019, 6, 1), "ahg-2019"), (ADELAIDE, "bp-mc-8-2023"))
    ]
    DashboardTally.objects.create(token="counted", counted_on="counted", changes={})

    step(apps, None)

    rows = Strategy.objects.order_by("endorsed_on").values_list(
        "status", "superseded_by", "superseded_at__slug", "ends_on"
    )
    assert list(rows) == [
        ("superseded", later[0].pk, "ahg-2019", datetime.date(2019, 6, 1)),
        ("superseded", later[1].pk, "bp-mc-8-2023", ADELAIDE),
        ("upcoming", None, None, None),
    ]
    # The dashboard counts afresh, for the current strategy alone.
    assert DashboardTally.objects.get().token == ""

"""The review report at any size (issue 15, point 1): a page bounded whatever the number of
actions, each initiative's actions on pages of their own, the print version made by a
worker, and a past period's page kept until its history changes."""

import csv
import datetime
import io
import re
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

import balitrack.middleware  # noqa: F401  (its sign-in receiver; see test_dashboard.py)
from actions import report_views, review
from actions.models import Action, ActionUpdate
from actions.record_version import record_changed
from actions.review_print import ReviewPrint, review_print_build
from actions.services import action_record_update
from actions.tasks import build_review_print
from tests.factories import ActionFactory, InitiativeFactory, StrategyFactory, ThemeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)
# The first review's period, 6 August 2014 to 6 August 2015: long past on TODAY.
YEAR = 2015


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T09:00:00+07:00")


@pytest.fixture
def initiatives(strategy):
    """Two themes, four initiatives: what the page's figures are made of, whatever the actions."""
    themes = [ThemeFactory(strategy=strategy, position=n) for n in (1, 2)]
    return [InitiativeFactory(theme=themes[n // 2], position=n % 2 + 1) for n in range(4)]


def _fill(initiatives, count: int, updates_each: int = 3) -> None:
    """`count` more actions spread over the initiatives, each planned at the endorsement and
    with `updates_each` updates in the first review's period, the last completing it."""
    made = Action.objects.count()
    actions = [
        ActionFactory.build(initiative=initiatives[n % len(initiatives)], number=made + n + 1, text=f"Action {n}")
        for n in range(count)
    ]
    Action.objects.bulk_create(actions)
    rows = []
    for action in Action.objects.filter(pk__in=[a.pk for a in actions]):
        rows.append(ActionUpdate(action=action, recorded_at=_at("2014-08-06"), status="planned", progress=0))
        for n in range(updates_each):
            last = n == updates_each - 1
            rows.append(
                ActionUpdate(
                    action=action,
                    recorded_at=_at("2014-09-01") + datetime.timedelta(days=10 * n),
                    previous_status="planned" if n == 0 else "in_progress",
                    status="completed" if last else "in_progress",
                    progress=100 if last else 10 * (n + 1),
                    note=f"Step {n + 1}.",
                )
            )
    ActionUpdate.objects.bulk_create(rows)
    record_changed()  # bulk writes send no signal: the record's token is replaced by hand


@time_machine.travel(TODAY, tick=False)
def test_the_page_costs_the_same_queries_and_size_at_201_and_600_actions(
    client, co_chair_user, initiatives, django_assert_num_queries
):
    client.force_login(co_chair_user)
    sizes = []
    for total in (201, 600):
        _fill(initiatives, total - Action.objects.count())
        # The session and its user; the strategies (which is shown, and the switch); the strategy
        # with its last review held; the review's row; the record's token; the themes; their
        # initiatives; each action's state at both ends; the period's updates by initiative; the
        # print asked for at this token (none).
        with django_assert_num_queries(11):
            response = client.get(reverse("dashboard:review", args=[YEAR]))
        assert response.status_code == 200
        sizes.append(len(response.content))
        page = response.content.decode()
        assert f"<strong>{total}</strong> actions in the strategy" in page
        assert f"<strong>{total * 3}</strong> updates recorded in the period" in page
        # Figures and links, no action's own row.
        assert "report__table" not in page
        assert page.count('href="/reports/review/2015/initiatives/') == 4

    # Only the figures' digits differ.
    assert abs(sizes[1] - sizes[0]) < 100
    assert max(sizes) < 30_000


@time_machine.travel(TODAY, tick=False)
def test_the_figures_by_initiative_count_each_action_at_both_ends(client, co_chair_user, strategy, initiatives):
    _fill(initiatives, 8)
    late = Action.objects.order_by("pk").first()
    assert late is not None
    # Not completed: still in progress at the end, past its target, and its last update before
    # February 2015.
    ActionUpdate.objects.filter(action=late, status="completed").update(
        status="in_progress", progress=50, target_date=datetime.date(2015, 1, 1)
    )
    record_changed()
    client.force_login(co_chair_user)

    page = client.get(reverse("dashboard:review", args=[YEAR])).content.decode()

    first = initiatives[0]
    row = re.search(rf"{first.name}</a></th>(.*?)</tr>", page)
    assert row is not None
    cells = re.findall(r'data-label="([^"]+)">(\d+)<', row.group(1))
    assert cells == [
        ("Actions", "2"),
        ("Moved", "2"),
        ("Completed", "1"),
        ("Overdue at end", "1"),
        ("No update for six months at end", "1"),
        ("Updates", "6"),
    ]
    assert "<strong>7</strong> actions completed in the period" in page


@time_machine.travel(TODAY, tick=False)
def test_an_initiative_page_shows_fifty_actions_with_their_latest_updates(
    client, member_user, initiatives, django_assert_num_queries
):
    _fill(initiatives[:1], 120, updates_each=7)
    client.force_login(member_user)
    url = reverse("dashboard:review-initiative", args=[YEAR, initiatives[0].slug])

    # The session and its user; the strategies; the strategy shown with its last review held; the
    # review's row; the initiative with its theme; the count of its actions; the page's actions;
    # their states at the start; the count of each one's updates in the period; the latest five of
    # them.
    with django_assert_num_queries(11):
        first = client.get(url)
    last = client.get(url + "?page=3")

    page = first.content.decode()
    assert page.count('<tr>\n      <td><a href="/actions/') == 50
    assert page.count('class="report__update">') == 50 * 5
    assert page.count("The latest 5 of 7: and 2 more, in the CSV.") == 50
    assert "1 to 50 on this page" in page
    assert "Page 1 of 3" in page
    assert last.content.decode().count('<tr>\n      <td><a href="/actions/') == 20
    # The latest five, oldest first: steps 3 to 7.
    assert re.findall(r"Step (\d)\.", page)[:5] == ["3", "4", "5", "6", "7"]


@pytest.mark.parametrize(
    ("asked", "shown", "says"),
    [
        ("0", 1, "Pages are numbered from 1: this is the first page."),
        ("-3", 1, "Pages are numbered from 1: this is the first page."),
        ("99999", 3, "There is no page 99999: these actions fill 3 pages; this is the last."),
        ("abc", 1, "“abc” is not a page number: this is the first page."),
        ("1.5", 1, "“1.5” is not a page number: this is the first page."),
        ("9" * 5000, 1, "is not a page number: this is the first page."),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_a_page_that_is_not_there_says_so_and_shows_the_nearest(client, member_user, initiatives, asked, shown, says):
    _fill(initiatives[:1], 120, updates_each=1)
    client.force_login(member_user)

    response = client.get(reverse("dashboard:review-initiative", args=[YEAR, initiatives[0].slug]), {"page": asked})

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert says in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_an_initiative_not_in_the_strategy_is_not_found(client, member_user, initiatives):
    elsewhere = InitiativeFactory(theme=ThemeFactory(strategy=StrategyFactory()))  # of another strategy
    client.force_login(member_user)

    for slug in ("no-such-initiative", elsewhere.slug):
        assert client.get(reverse("dashboard:review-initiative", args=[YEAR, slug])).status_code == 404
    assert client.get(reverse("dashboard:review-initiative", args=[2099, initiatives[0].slug])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_record_shows_every_action_inline_and_links_its_initiatives_to_them(
    client, record, co_chair_user, django_assert_num_queries
):
    client.force_login(co_chair_user)

    # The session and its user; the strategies; the strategy shown with its last review held; the
    # review's row; the record's token; the themes; their initiatives; each action's state at both
    # ends; the period's updates by initiative (none in 2015); then the detail: the actions with
    # their initiatives and themes; their states at the start; the count of their updates in the
    # period (none, so no query for the latest of them).
    with django_assert_num_queries(13):
        page = client.get(reverse("dashboard:review", args=[2015])).content.decode()

    assert page.count('<tr>\n      <td><a href="/actions/') == 31
    assert "/reports/review/2015/initiatives/" not in page
    anchors = re.findall(r'href="#initiative-([\w-]+)"', page)
    assert anchors and all(f'id="initiative-{slug}"' in page for slug in anchors)
    # Printed from the page, as before; the figures by initiative are on screen only.
    assert "data-print" in page
    assert 'class="card report__figures no-print"' in page


@time_machine.travel(TODAY, tick=False)
def test_a_past_period_is_kept_until_an_update_is_recorded_in_it(
    client, co_chair_user, strategy, initiatives, django_assert_num_queries
):
    _fill(initiatives, 4, updates_each=1)
    client.force_login(co_chair_user)
    url = reverse("dashboard:review", args=[YEAR])
    assert "<strong>4</strong> updates recorded in the period" in client.get(url).content.decode()

    # The session and its user; the strategies; the strategy shown with its last review
    # held; the review's row; the record's token; then the figures and the actions in
    # detail from the cache.
    with django_assert_num_queries(6):
        client.get(url)
    action = Action.objects.order_by("pk").first()
    assert action is not None
    action_record_update(
        action=action,
        author=None,
        status="in_progress",
        progress=60,
        target_date=None,
        note="Recorded late.",
        recorded_at=_at("2015-03-01"),
    )

    page = client.get(url).content.decode()
    assert "<strong>5</strong> updates recorded in the period" in page
    assert "Recorded late." in page


@time_machine.travel(TODAY, tick=False)
def test_a_report_too_large_to_print_from_its_page_is_printed_by_a_worker(
    client, co_chair_user, strategy, initiatives, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(report_views, "INLINE_DETAIL_LIMIT", 5)
    _fill(initiatives, 8, updates_each=7)
    client.force_login(co_chair_user)
    url = reverse("dashboard:review", args=[YEAR])
    print_url = reverse("dashboard:review-print", args=[YEAR])
    assert "Prepare the print version" in client.get(url).content.decode()

    with (
        mock.patch("actions.tasks.build_review_print.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.post(print_url).url == f"{url}#print"
        client.post(print_url)  # a second click queues nothing more
    (job,) = ReviewPrint.objects.all()
    delay.assert_called_once_with(job.pk)
    assert "is being prepared" in client.get(url).content.decode()
    assert client.get(print_url).url == f"{url}#print"  # not ready yet

    assert build_review_print.apply(args=[job.pk]).get().startswith("made: ")
    assert review_print_build(print_id=job.pk) == "not claimed: made, being made, or gone"

    assert 'href="/reports/review/2015/print/">Print version</a>' in client.get(url).content.decode()
    printed = client.get(print_url)
    html = printed.content.decode()
    assert printed.status_code == 200
    # Every action, with every update of the period (seven each, none left out).
    assert html.count('<tr>\n      <td><a href="/actions/') == 8
    assert html.count('class="report__update">') == 8 * 7
    assert "more, in the CSV" not in html
    assert 'id="print-footer"' in html and "Bangkok time" in html

    # A change to the record: the print no longer stands for it.
    record_changed()
    assert "Prepare the print version" in client.get(url).content.decode()
    assert client.get(print_url).status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_a_print_whose_worker_died_is_built_again_and_a_failed_one_can_be_asked_again(
    client, co_chair_user, strategy, initiatives, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(report_views, "INLINE_DETAIL_LIMIT", 5)
    _fill(initiatives, 8, updates_each=1)
    client.force_login(co_chair_user)
    print_url = reverse("dashboard:review-print", args=[YEAR])
    with mock.patch("actions.tasks.build_review_print.delay"), django_capture_on_commit_callbacks(execute=True):
        client.post(print_url)
    (job,) = ReviewPrint.objects.all()
    ReviewPrint.objects.filter(pk=job.pk).update(status=ReviewPrint.Status.BUILDING, claimed_at=TODAY)

    assert review_print_build(print_id=job.pk).startswith("not claimed")  # another worker is on it
    with time_machine.travel(TODAY + datetime.timedelta(minutes=11), tick=False):
        assert review_print_build(print_id=job.pk).startswith("made: ")

    ReviewPrint.objects.filter(pk=job.pk).update(status=ReviewPrint.Status.FAILED)
    assert "Try again" in client.get(reverse("dashboard:review", args=[YEAR])).content.decode()
    with (
        mock.patch("actions.tasks.build_review_print.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(print_url)
    delay.assert_called_once_with(job.pk)


@time_machine.travel(TODAY, tick=False)
def test_a_small_report_prints_from_its_page(client, co_chair_user, initiatives):
    _fill(initiatives, 3)
    client.force_login(co_chair_user)

    response = client.post(reverse("dashboard:review-print", args=[YEAR]))

    assert response.url == reverse("dashboard:review", args=[YEAR])
    assert not ReviewPrint.objects.exists()


@pytest.mark.parametrize(("total", "batch", "queries"), [(10, None, 10), (60, None, 10), (60, 25, 16)])
@time_machine.travel(TODAY, tick=False)
def test_the_csv_streams_every_action_in_batches_of_queries(
    client, member_user, initiatives, django_assert_num_queries, monkeypatch, total, batch, queries
):
    _fill(initiatives, total, updates_each=2)
    if batch:
        monkeypatch.setattr(review, "STREAM_BATCH", batch)
    client.force_login(member_user)

    # The session and its user; the strategies; the strategy shown with its last review
    # held; the review's row; the actions' ids in
    # the strategy's order; the initiatives with their themes; then for each batch of
    # actions (one of 2,000, or three of 25): the actions with the id of their last update
    # before the period; those updates; the batch's updates in the period with their authors.
    with django_assert_num_queries(queries):
        response = client.get(reverse("dashboard:review-csv", args=[YEAR]))
        body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")

    assert response.streaming
    _, *rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == total
    assert {row[8] for row in rows} == {"2"}
    # In the strategy's order: by theme, initiative and number, across the batches.
    expected = list(
        Action.objects.order_by("initiative__theme__position", "initiative__position", "number").values_list(
            "number", flat=True
        )
    )
    assert [int(row[2]) for row in rows] == expected


def test_the_print_task_gives_up_after_ten_minutes():
    # Soft: the build is marked failed and can be asked again; hard, 30 s later: the worker is
    # killed.
    assert (build_review_print.soft_time_limit, build_review_print.time_limit) == (600, 630)

"""The co-chairs' dashboard: where the strategy stands, worked out with aggregate queries.

Every figure carries the register link that lists exactly the actions it counts, so the
number a co-chair clicks is the list they get. The number of queries is fixed whatever
the number of actions and updates.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from actions import changes as changes_module
from actions.changes import (
    STATUS_ORDER,
    Changes,
    Move,
    Period,
    build_changes,
    since_last_review,
)
from actions.models import STRATEGY_ORDER, Action, ActionOwner, ActionUpdate, Strategy, Theme
from actions.record_version import record_version
from actions.schedule import ReviewSchedule, current_schedule, strategy_schedule
from actions.tally import DashboardTally, current_tally, tally_count, tally_figures
from meetings.models import Decision, Lineage, Meeting, Pillar
from members.models import Body, Member

RECENT = datetime.timedelta(days=90)
# A large record can have tens of thousands of gaps; the dashboard names the first and counts all.
GAPS_LISTED = 20
# The lead-member and body charts show the largest few: a large record has hundreds of
# each, and a bar and a table row for every one made the dashboard megabytes long.
BARS_LISTED = 20


@dataclass(frozen=True)
class Scope:
    """What the dashboard is narrowed to, as register filter parameters (lead, theme, pillar,
    and the strategy when it is not the current one), and the strategy it counts."""

    params: dict[str, str] = field(default_factory=dict)
    # None: every action (callers that predate several strategies, and a record with none).
    strategy: Strategy | None = field(default=None, compare=False)

    @property
    def narrowed(self) -> bool:
        """Narrowed within its strategy (a lead, theme or pillar): "in this view"."""
        return any(name != "strategy" for name in self.params)

    @property
    def is_current_strategy(self) -> bool:
        """Counting the current strategy unnarrowed: what the tally holds."""
        return not self.params

    def register_url(self, **extra: str) -> str:
        return f"{self._register_path}?{urlencode({**self.params, **extra})}"

    def dashboard_url(self, **extra: str) -> str:
        """The dashboard in this scope, with `extra` parameters that have a value."""
        query = urlencode({**self.params, **{name: value for name, value in extra.items() if value}})
        return f"{reverse('dashboard:index')}?{query}" if query else reverse("dashboard:index")

    def changes_url(self, period: Period) -> Callable[[str, str], str]:
        """How to link to every action of one move over `period`, within this scope."""
        path = reverse("dashboard:changes")
        review = {"review": period.value} if period.value else {}

        def url(then: str, now: str) -> str:
            return f"{path}?{urlencode({**self.params, **review, 'from': then, 'to': now})}"

        return url

    @cached_property
    def _register_path(self) -> str:
        # Once per dashboard, not once per link: a large record's charts have thousands.
        return reverse("actions:register")


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str
    key: str = ""


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    percent: float
    url: str


@dataclass(frozen=True)
class Bar:
    """One row of a chart: its actions by status, and their average progress."""

    label: str
    url: str
    total: int
    average_progress: int
    segments: list[Segment]

    @property
    def cells(self) -> list[tuple[str, Segment | None]]:
        """The table's columns, one per status: its label, and the segment (None where it has none)."""
        by_status = {segment.status: segment for segment in self.segments}
        return [(label, by_status.get(status)) for status, label in Action.Status.choices]

    # The bar and its table row as HTML, written here rather than in actions/_chart.html: the
    # charts are redrawn after every status update, and a few dozen bars through the template
    # engine were most of the first dashboard after one (as the template had them).
    def item_html(self) -> SafeString:
        segments = format_html_join(
            "",
            '<a class="seg seg--{}" style="flex-grow: {}" href="{}" title="{}: {} {}">'
            '<span class="visually-hidden">{}: </span>{}<span class="visually-hidden"> {}</span></a>',
            (
                (s.status, s.count, s.url, self.label, s.count, s.label.lower(), self.label, s.count, s.label.lower())
                for s in self.segments
            ),
        )
        return format_html(
            '<li class="bar">\n<a class="bar__label" href="{}">{}</a>\n'
            '<span class="bar__total">{} action{}</span>\n<span class="bar__track">{}</span>\n'
            '<span class="bar__progress">Average progress {}</span>\n</li>',
            self.url,
            self.label,
            self.total,
            "" if self.total == 1 else "s",
            segments,
            _progress_html(self.average_progress),
        )

    def row_html(self) -> SafeString:
        cells = format_html_join(
            "",
            '<td data-label="{}">{}</td>',
            (
                (label, format_html('<a href="{}">{}</a>', segment.url, segment.count) if segment else "0")
                for label, segment in self.cells
            ),
        )
        return format_html(
            '<tr>\n<th scope="row"><a href="{}">{}</a></th>\n{}\n<td data-label="All"><a href="{}">{}</a></td>\n'
            '<td data-label="Average progress">{}%</td>\n</tr>',
            self.url,
            self.label,
            cells,
            self.url,
            self.total,
            self.average_progress,
        )


def _progress_html(value: int) -> SafeString:
    """As actions/_progress.html draws it."""
    return format_html(
        '<span class="progress" aria-hidden="true"><span class="progress__bar" style="width: {}%"></span></span> '
        '<span class="progress__figure">{}%</span>',
        value,
        value,
    )


@dataclass
class Dashboard:
    total: int
    # The mean of the actions' progress, in whole per cent.
    average_progress: int
    by_status: list[Figure]
    completed_percent: int
    completed_url: str
    overdue: Figure
    updated_recently: Figure
    stale: Figure
    by_theme: list[Bar]
    by_pillar: list[Bar]
    by_lead: list[Bar]
    by_body: list[Bar]
    # How many members and bodies the charts leave out (BARS_LISTED).
    leads_not_shown: int
    bodies_not_shown: int
    # The updates recorded since the last review (or the endorsement), baselines included:
    # the review reminders give the figure. The dashboard shows the moves instead (cached_changes).
    changes_count: int
    strategy: Strategy | None
    # The last review held, the next one and whether it is overdue; None without a strategy.
    reviews: ReviewSchedule | None
    next_meetings: list[Meeting]
    meetings_past_but_planned: int
    decisions_without_action: list[Decision]
    decisions_without_action_count: int
    # Follow-up decisions with no action that a later paragraph superseded or closed: they
    # need none, and are listed apart, flagged, so the gap above counts only what stands.
    decisions_ended: list[Decision]
    decisions_ended_count: int
    # Members whom review reminders concern but who have no one to send them to.
    members_without_focal_point: list[Member]
    actions_without_mandate: list[Action]
    actions_without_mandate_count: int
    # The changes since the last review, when made from the tally (the whole strategy's).
    changes: Changes | None = None


def cached_dashboard(
    *, actions: "QuerySet[Action]", scope: Scope, today: datetime.date, key: str | None = None
) -> Dashboard:
    """The dashboard from the cache while the record and the day are unchanged; made and
    cached otherwise. `key`, when the caller has read it already (dashboard_cache_key).

    The whole strategy's is made from the tally that status updates keep current
    (actions.tally), so after an update nothing is counted again; a narrowed one is counted
    over the actions it is narrowed to."""
    key = key or dashboard_cache_key(scope=scope, today=today)
    if not scope.is_current_strategy:
        return _cached(key, lambda: build_dashboard(actions=actions, scope=scope, today=today))
    return _cached(key, lambda: tallied_dashboard(today=today))


def cached_charts(*, key: str, board: Dashboard, scope: Scope) -> SafeString:
    """The charts as HTML, cached under the dashboard's key: with hundreds of members and
    bodies, rendering their bars and tables costs more than counting them."""
    context = {"board": board, "scope": scope, "statuses": Action.Status.choices}
    return SafeString(_cached(f"{key}:charts", lambda: render_to_string("actions/_dashboard_charts.html", context)))


def cached_changes(
    *, key: str, actions: "QuerySet[Action]", scope: Scope, period: Period, board: Dashboard | None = None
) -> Changes:
    """The changes over `period`, cached under the dashboard's key and the period: the
    picker's every choice is a summary of its own, and a change to the record replaces the key.
    The whole strategy's since the last review come with its tallied `board`."""
    if board is not None and board.changes is not None and board.changes.period == period and scope.is_current_strategy:
        return board.changes
    return _cached(
        f"{key}:changes:{period.value}",
        lambda: build_changes(
            actions=actions_in_scope(actions, scope), period=period, move_url=scope.changes_url(period)
        ),
    )


T = TypeVar("T")


def _cached(key: str, build: Callable[[], T]) -> T:
    cache = caches["dashboard"]
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value


def dashboard_cache_key(*, scope: Scope, today: datetime.date) -> str:
    """Changes with the record, the day (overdue and stale figures count from it) and the scope.
    The version is read before anything is built, so a change committed meanwhile leaves
    what is built under the old key, where no one looks again."""
    scope_key = "&".join(f"{name}={value}" for name, value in sorted(scope.params.items()))
    return hashlib.sha256(f"{record_version()}|{today.isoformat()}|{scope_key}".encode()).hexdigest()


@dataclass
class Settled:
    """What a status update cannot change: the review schedule, meetings, mandate coverage,
    and the names of what the charts count by. The tallied dashboard caches it under the
    token of the tally's last count afresh, so after an update it is not read again."""

    reviews: ReviewSchedule | None
    next_meetings: list[Meeting]
    meetings_past_but_planned: int
    decisions_without_action: list[Decision]
    decisions_without_action_count: int
    decisions_ended: list[Decision]
    decisions_ended_count: int
    members_without_focal_point: list[Member]
    actions_without_mandate: list[Action]
    actions_without_mandate_count: int
    # For the tally's charts, per dimension: id -> (register filter value, label, order).
    labels: dict[str, dict[str, tuple[str, str, Any]]] = field(default_factory=dict)


def build_dashboard(*, actions: "QuerySet[Action]", scope: Scope, today: datetime.date) -> Dashboard:
    """The dashboard over `actions` (the whole register, or the part the scope narrows to),
    counted afresh."""
    in_scope = actions_in_scope(actions, scope)
    # Likewise the owner rows: unnarrowed, "action_id IN (every action)" costs the lead and
    # body charts a second probe of the actions per owner row (270 -> 177 ms at 100,000).
    owners = ActionOwner.objects.filter(action__in=in_scope) if scope.params else _owners_of(scope.strategy)
    recent_since = today - RECENT
    still_open = ~Q(status__in=Action.CLOSED_STATUSES)
    # One pass over the actions for every headline figure. The conditions are those of the
    # register's filters (ActionQuerySet.overdue, .stale, "last updated between"), so each
    # figure's link lists exactly what it counts.
    headline = in_scope.aggregate(
        total=Count("pk"),
        average=Avg("progress"),
        overdue=Count("pk", filter=still_open & Q(target_date__lt=today)),
        stale=Count(
            "pk", filter=still_open & (Q(updated_at__isnull=True) | Q(updated_at__lt=Action.stale_since(today)))
        ),
        recent=Count("pk", filter=Q(updated_at__date__gte=recent_since)),
        **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in Action.Status},
    )
    status_counts: dict[str, int] = {status.value: headline[f"status_{status}"] for status in Action.Status}
    settled = _settled(in_scope, today=today, strategy=scope.strategy)
    updates_since = ActionUpdate.objects.all()
    if scope.params or scope.strategy is not None:
        updates_since = updates_since.filter(action__in=in_scope)
    if settled.reviews:
        # A bound on recorded_at itself rather than on its date, so the index on it is used.
        updates_since = updates_since.filter(recorded_at__gte=since_last_review(settled.reviews).start_cut)
    by_lead, leads_not_shown = _largest_bars(
        owners.filter(role__in=ActionOwner.LEADING_ROLES, member__isnull=False),
        param="lead",
        key="member__code",
        label="member__name",
        order="member__name",
        scope=scope,
    )
    by_body, bodies_not_shown = _largest_bars(
        owners.filter(body__isnull=False),
        param="group",
        key="body__code",
        label="body__name",
        order="body__name",
        scope=scope,
    )
    return _dashboard(
        scope=scope,
        today=today,
        settled=settled,
        status_counts=status_counts,
        average=headline["average"] or 0,
        overdue=headline["overdue"],
        stale=headline["stale"],
        recent=headline["recent"],
        by_theme=_bars(
            in_scope,
            param="theme",
            key="initiative__theme__slug",
            label="initiative__theme__title",
            order="initiative__theme__position",
            scope=scope,
        ),
        by_pillar=_bars(
            in_scope.filter(pillars__isnull=False),
            param="pillar",
            key="pillars__code",
            label="pillars__name",
            order="pillars__order",
            scope=scope,
        ),
        by_lead=(by_lead, leads_not_shown),
        by_body=(by_body, bodies_not_shown),
        changes_count=updates_since.count(),
    )


def tallied_dashboard(*, today: datetime.date) -> Dashboard:
    """The whole strategy's dashboard from the tally: no action is counted while every change
    since its last count afresh was a status update. Its changes since the last review come
    with it (Dashboard.changes)."""
    tally = current_tally(token=record_version(), today=today)
    settled = _cached_settled(tally, today)
    period = since_last_review(settled.reviews) if settled.reviews else None
    start_cut = period.start_cut.isoformat() if period else None
    if tally.changes["start_cut"] != start_cut:
        # A review held since the last count (on a day now reached) begins a new period.
        tally = tally_count(today=today)
        settled = _cached_settled(tally, today)
    figures = tally_figures(today=today)
    scope = Scope()
    by_status: dict[str, list[int]] = figures["status"].get("", {})
    total = sum(n for n, _ in by_status.values())
    progress = sum(p for _, p in by_status.values())
    board = _dashboard(
        scope=scope,
        today=today,
        settled=settled,
        status_counts={status: n for status, (n, _) in by_status.items()},
        average=progress / total if total else 0,
        overdue=figures["overdue"],
        stale=figures["stale"],
        recent=figures["recent"],
        by_theme=_tallied_bars(figures["theme"], settled.labels["theme"], param="theme", scope=scope)[0],
        by_pillar=_tallied_bars(figures["pillar"], settled.labels["pillar"], param="pillar", scope=scope)[0],
        by_lead=_tallied_bars(figures["lead"], settled.labels["lead"], param="lead", scope=scope, largest=True),
        by_body=_tallied_bars(figures["body"], settled.labels["body"], param="group", scope=scope, largest=True),
        changes_count=tally.changes["updates"],
    )
    if period is not None:
        board.changes = _tallied_changes(tally.changes, period, scope)
    return board


def _dashboard(
    *,
    scope: Scope,
    today: datetime.date,
    settled: Settled,
    status_counts: dict[str, int],
    average: float,
    overdue: int,
    stale: int,
    recent: int,
    by_theme: list[Bar],
    by_pillar: list[Bar],
    by_lead: tuple[list[Bar], int],
    by_body: tuple[list[Bar], int],
    changes_count: int,
) -> Dashboard:
    total = sum(status_counts.values())
    return Dashboard(
        total=total,
        average_progress=round(average),
        by_status=[
            Figure(label, status_counts.get(status, 0), scope.register_url(status=status), key=status)
            for status, label in Action.Status.choices
        ],
        completed_percent=round(100 * status_counts.get(Action.Status.COMPLETED, 0) / total) if total else 0,
        completed_url=scope.register_url(status=Action.Status.COMPLETED),
        overdue=Figure("Overdue", overdue, scope.register_url(overdue="on")),
        updated_recently=Figure(
            "Updated in the last 90 days", recent, scope.register_url(updated_after=(today - RECENT).isoformat())
        ),
        stale=Figure("No update for over six months", stale, scope.register_url(stale="on")),
        by_theme=by_theme,
        by_pillar=by_pillar,
        by_lead=by_lead[0],
        by_body=by_body[0],
        leads_not_shown=by_lead[1],
        bodies_not_shown=by_body[1],
        changes_count=changes_count,
        strategy=settled.reviews.strategy if settled.reviews else None,
        reviews=settled.reviews,
        next_meetings=settled.next_meetings,
        meetings_past_but_planned=settled.meetings_past_but_planned,
        decisions_without_action=settled.decisions_without_action,
        decisions_without_action_count=settled.decisions_without_action_count,
        decisions_ended=settled.decisions_ended,
        decisions_ended_count=settled.decisions_ended_count,
        members_without_focal_point=settled.members_without_focal_point,
        actions_without_mandate=settled.actions_without_mandate,
        actions_without_mandate_count=settled.actions_without_mandate_count,
    )


def _cached_settled(tally: DashboardTally, today: datetime.date) -> Settled:
    key = hashlib.sha256(f"settled|{tally.counted_on}|{today.isoformat()}".encode()).hexdigest()
    strategy_id = tally.strategy_id
    actions = Action.objects.of_strategy(strategy_id) if strategy_id else Action.objects.none()
    return _cached(key, lambda: _settled(actions, today=today, labels=True))


def _owners_of(strategy: Strategy | None) -> "QuerySet[ActionOwner]":
    if strategy is None:
        return ActionOwner.objects.all()
    return ActionOwner.objects.filter(action__initiative__theme__strategy=strategy)


def _settled(
    in_scope: "QuerySet[Action]", *, today: datetime.date, strategy: Strategy | None = None, labels: bool = False
) -> Settled:
    # The same schedule the reminder scan and the review report read, in the strategy's own
    # query: the current strategy's unless told another.
    reviews = strategy_schedule(today=today, slug=strategy.slug) if strategy else current_schedule(today=today)
    unlinked = Decision.objects.filter(verb__in=Decision.FOLLOW_UP_VERBS, actions__isnull=True)
    ended = Exists(Lineage.objects.filter(earlier_decision=OuterRef("pk"), kind__in=Lineage.ENDS_MANDATE))
    decisions_without_action, decisions_ended = unlinked.filter(~ended), unlinked.filter(ended)
    # Both counts in one query.
    unlinked_counts = unlinked.aggregate(standing=Count("pk", filter=~ended), ended=Count("pk", filter=ended))
    # "id NOT IN (mandated ids)": PostgreSQL hashes the mandated ids once (an index-only
    # scan of the mandates' unique index) instead of probing them per action.
    without_mandate = in_scope.exclude(pk__in=Action.mandates.through.objects.values("action_id"))
    return Settled(
        reviews=reviews,
        next_meetings=list(
            Meeting.objects.filter(status=Meeting.Status.PLANNED, start_date__gte=today).order_by("start_date")[:5]
        ),
        meetings_past_but_planned=Meeting.objects.filter(status=Meeting.Status.PLANNED, start_date__lt=today).count(),
        # Record-wide: these are gaps in the record itself, whatever the dashboard is narrowed to.
        decisions_without_action=list(
            decisions_without_action.select_related("document__meeting").order_by("document__date", "position")[
                :GAPS_LISTED
            ]
        ),
        decisions_without_action_count=unlinked_counts["standing"],
        decisions_ended=list(
            decisions_ended.select_related("document__meeting")
            .prefetch_related(Decision.ending_links())
            .order_by("document__date", "position")[:GAPS_LISTED]
        ),
        decisions_ended_count=unlinked_counts["ended"],
        members_without_focal_point=list(
            Member.objects.to_remind(settings.REMINDER_FORUMS).without_focal_point().order_by("name")
        ),
        actions_without_mandate=list(
            without_mandate.select_related("initiative").order_by(*STRATEGY_ORDER)[:GAPS_LISTED]
        ),
        actions_without_mandate_count=without_mandate.count(),
        labels=_labels() if labels else {},
    )


def _labels() -> dict[str, dict[str, tuple[str, str, Any]]]:
    """What the tally's charts name their bars by, as the counted charts do (four small queries)."""
    return {
        "theme": {
            str(pk): (slug, title, position)
            for pk, slug, title, position in Theme.objects.values_list("pk", "slug", "title", "position")
        },
        "pillar": {
            str(pk): (code, name, order)
            for pk, code, name, order in Pillar.objects.values_list("pk", "code", "name", "order")
        },
        "lead": {str(pk): (code, name, name) for pk, code, name in Member.objects.values_list("pk", "code", "name")},
        "body": {str(pk): (code, name, name) for pk, code, name in Body.objects.values_list("pk", "code", "name")},
    }


def _tallied_bars(
    counts: dict[str, dict[str, list[int]]],
    labels: dict[str, tuple[str, str, Any]],
    *,
    param: str,
    scope: Scope,
    largest: bool = False,
) -> tuple[list[Bar], int]:
    """The bars of one dimension from the tally's counts, as _bars or _largest_bars makes them."""
    totals: dict[str, dict[str, Any]] = {}
    for pk, statuses in counts.items():
        value, label, order = labels[pk]
        totals[value] = {
            "label": label,
            "order": order,
            "statuses": {status: n for status, (n, _) in statuses.items()},
            "n": sum(n for n, _ in statuses.values()),
            "progress": sum(p for _, p in statuses.values()),
        }
    return _cut(totals, param=param, scope=scope, largest=largest)


def _tallied_changes(changes: dict[str, Any], period: Period, scope: Scope) -> Changes:
    """The moves since the last review from the tally, with the first actions of each (one query)."""
    listed = changes_module.LISTED_PER_MOVE
    first = {key: [entry[-1] for entry in kept[:listed]] for key, kept in changes["listed"].items()}
    actions = Action.objects.select_related("initiative").in_bulk([pk for pks in first.values() for pk in pks])
    move_url = scope.changes_url(period)
    moves = []
    for key, count in changes["moves"].items():
        then, now = key.split(">")
        moves.append(
            Move(then=then, now=now, count=count, actions=[actions[pk] for pk in first[key]], url=move_url(then, now))
        )
    moves.sort(key=lambda move: (STATUS_ORDER[move.then], STATUS_ORDER[move.now]))
    return Changes(period=period, moves=moves, updated_unchanged=changes["unchanged"])


def actions_in_scope(actions: "QuerySet[Action]", scope: Scope) -> "QuerySet[Action]":
    """`actions` (the scope filter's result) as a plain query of the actions table."""
    # Unnarrowed, the strategy's actions by their initiatives: no "id IN (all ids)" for
    # PostgreSQL to hash first.
    if scope.params:
        return Action.objects.filter(pk__in=actions.values("pk"))
    return Action.objects.of_strategy(scope.strategy) if scope.strategy else Action.objects.all()


def _bars(rows: Any, *, param: str, key: str, label: str, order: str, scope: Scope) -> list[Bar]:
    """One bar per value of `key`, in the dimension's own order; each bar and segment links
    to the register with `param=value` added to the scope. `rows` are actions, or owner
    rows of actions."""
    totals = _totals(rows, param=param, key=key, label=label, order=order, scope=scope)
    return _built(sorted(totals.items(), key=_in_order), param=param, scope=scope)


def _largest_bars(rows: Any, *, param: str, key: str, label: str, order: str, scope: Scope) -> tuple[list[Bar], int]:
    """As _bars when there are few; otherwise the BARS_LISTED with the most actions, largest
    first. Returns the bars and how many were left out."""
    totals = _totals(rows, param=param, key=key, label=label, order=order, scope=scope)
    return _cut(totals, param=param, scope=scope, largest=True)


def _cut(totals: dict[str, dict[str, Any]], *, param: str, scope: Scope, largest: bool) -> tuple[list[Bar], int]:
    """The bars in the dimension's order; with `largest`, above BARS_LISTED, the largest
    first. Returns the bars and how many were left out."""
    kept = sorted(totals.items(), key=_in_order)
    if largest and len(kept) > BARS_LISTED:
        # Cut before the bars are built: each carries a register link per status.
        kept = sorted(kept, key=lambda item: (-item[1]["n"], item[1]["label"]))[:BARS_LISTED]
    return _built(kept, param=param, scope=scope), len(totals) - len(kept)


def _totals(rows: Any, *, param: str, key: str, label: str, order: str, scope: Scope) -> dict[str, dict[str, Any]]:
    """Each value of `key` with its label, order, actions by status and their progress, from
    a single GROUP BY query over (key, status).

    A chart of the dimension the dashboard is narrowed to would have one row: left out."""
    if param in scope.params:
        return {}
    through = "" if rows.model is Action else "action__"
    grouped = (
        rows.values(key, label, order, f"{through}status")
        .annotate(n=Count("pk"), progress_sum=Sum(f"{through}progress"))
        .order_by()
    )
    totals: dict[str, dict[str, Any]] = {}
    for row in grouped:
        bar = totals.setdefault(
            row[key], {"label": row[label], "order": row[order], "statuses": {}, "n": 0, "progress": 0}
        )
        bar["statuses"][row[f"{through}status"]] = row["n"]
        bar["n"] += row["n"]
        bar["progress"] += row["progress_sum"] or 0
    return totals


def _in_order(item: tuple[str, dict[str, Any]]) -> tuple[Any, str]:
    return item[1]["order"], item[1]["label"]


def _built(totals: list[tuple[str, dict[str, Any]]], *, param: str, scope: Scope) -> list[Bar]:
    return [
        Bar(
            label=bar["label"],
            url=scope.register_url(**{param: value}),
            total=bar["n"],
            average_progress=round(bar["progress"] / bar["n"]),
            segments=list(_segments(bar["statuses"], bar["n"], scope, {param: value})),
        )
        for value, bar in totals
    ]


def _segments(statuses: dict[str, int], total: int, scope: Scope, params: dict[str, str]) -> Iterable[Segment]:
    for status, label in Action.Status.choices:
        count = statuses.get(status, 0)
        if count:
            yield Segment(
                status, label, count, round(100 * count / total, 1), scope.register_url(**params, status=status)
            )

"""The co-chairs' dashboard: where the strategy stands, worked out with aggregate queries.

Every figure carries the register link that lists exactly the actions it counts, so the
number a co-chair clicks is the list they get. The number of queries is fixed whatever
the number of actions and updates.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.urls import reverse

from actions.models import STRATEGY_ORDER, Action, ActionOwner, ActionUpdate, Strategy
from meetings.models import Decision, Meeting
from members.models import Member

RECENT = datetime.timedelta(days=90)
CHANGES_LISTED = 15


@dataclass(frozen=True)
class Scope:
    """What the dashboard is narrowed to, as register filter parameters (lead, theme, pillar)."""

    params: dict[str, str] = field(default_factory=dict)

    def register_url(self, **extra: str) -> str:
        return f"{reverse('actions:register')}?{urlencode({**self.params, **extra})}"


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


@dataclass
class Dashboard:
    total: int
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
    changes: list[ActionUpdate]
    changes_count: int
    strategy: Strategy | None
    last_review: datetime.date | None
    next_review: datetime.date | None
    next_meetings: list[Meeting]
    meetings_past_but_planned: int
    decisions_without_action: list[Decision]
    # Members whom review reminders concern but who have no one to send them to.
    members_without_focal_point: list[Member]
    actions_without_mandate: list[Action]


def build_dashboard(*, actions: "QuerySet[Action]", scope: Scope, today: datetime.date) -> Dashboard:
    """The dashboard over `actions` (the whole register, or the part the scope narrows to)."""
    in_scope = Action.objects.filter(pk__in=actions.values("pk"))
    recent_since = today - RECENT
    headline = in_scope.aggregate(
        total=Count("pk"),
        average=Avg("progress"),
        overdue=Count("pk", filter=Q(pk__in=in_scope.overdue(today).values("pk"))),
        stale=Count("pk", filter=Q(pk__in=in_scope.stale(today).values("pk"))),
        # The same test as the register's "last updated between" filter, so the link lists these.
        recent=Count("pk", filter=Q(updated_at__date__gte=recent_since)),
    )
    status_counts = dict(in_scope.values_list("status").annotate(n=Count("pk")).order_by())
    total = headline["total"]

    strategy = Strategy.objects.order_by("-endorsed_on").first()
    last_review = strategy.last_review_due(today) if strategy else None
    changes = ActionUpdate.objects.filter(action__in=in_scope).select_related("action__initiative", "author")
    if last_review:
        changes = changes.filter(recorded_at__date__gte=last_review)

    return Dashboard(
        total=total,
        by_status=[
            Figure(label, status_counts.get(status, 0), scope.register_url(status=status), key=status)
            for status, label in Action.Status.choices
        ],
        completed_percent=round(100 * status_counts.get(Action.Status.COMPLETED, 0) / total) if total else 0,
        completed_url=scope.register_url(status=Action.Status.COMPLETED),
        overdue=Figure("Overdue", headline["overdue"], scope.register_url(overdue="on")),
        updated_recently=Figure(
            "Updated in the last 90 days",
            headline["recent"],
            scope.register_url(updated_after=recent_since.isoformat()),
        ),
        stale=Figure("No update for over six months", headline["stale"], scope.register_url(stale="on")),
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
        by_lead=_bars(
            ActionOwner.objects.filter(action__in=in_scope, role__in=ActionOwner.LEADING_ROLES, member__isnull=False),
            param="lead",
            key="member__code",
            label="member__name",
            order="member__name",
            scope=scope,
        ),
        by_body=_bars(
            ActionOwner.objects.filter(action__in=in_scope, body__isnull=False),
            param="group",
            key="body__code",
            label="body__name",
            order="body__name",
            scope=scope,
        ),
        changes=list(changes.order_by("-recorded_at")[:CHANGES_LISTED]),
        changes_count=changes.count(),
        strategy=strategy,
        last_review=last_review,
        next_review=strategy.next_review_due(today) if strategy else None,
        next_meetings=list(
            Meeting.objects.filter(status=Meeting.Status.PLANNED, start_date__gte=today).order_by("start_date")[:5]
        ),
        meetings_past_but_planned=Meeting.objects.filter(status=Meeting.Status.PLANNED, start_date__lt=today).count(),
        # Record-wide: these are gaps in the record itself, whatever the dashboard is narrowed to.
        decisions_without_action=list(
            Decision.objects.filter(verb__in=Decision.FOLLOW_UP_VERBS, actions__isnull=True)
            .select_related("document__meeting")
            .order_by("document__date", "position")
        ),
        members_without_focal_point=list(
            Member.objects.to_remind(settings.REMINDER_FORUMS).without_focal_point().order_by("name")
        ),
        actions_without_mandate=list(
            in_scope.filter(mandates__isnull=True).select_related("initiative").order_by(*STRATEGY_ORDER)
        ),
    )


def _bars(rows: Any, *, param: str, key: str, label: str, order: str, scope: Scope) -> list[Bar]:
    """One bar per value of `key`, from a single GROUP BY query over (key, status); each bar
    and segment links to the register with `param=value` added to the scope. `rows` are
    actions, or owner rows of actions.

    A chart of the dimension the dashboard is narrowed to would have one row: left out."""
    if param in scope.params:
        return []
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
    return [
        Bar(
            label=bar["label"],
            url=scope.register_url(**{param: value}),
            total=bar["n"],
            average_progress=round(bar["progress"] / bar["n"]),
            segments=list(_segments(bar["statuses"], bar["n"], scope, {param: value})),
        )
        for value, bar in sorted(totals.items(), key=lambda item: (item[1]["order"], item[1]["label"]))
    ]


def _segments(statuses: dict[str, int], total: int, scope: Scope, params: dict[str, str]) -> Iterable[Segment]:
    for status, label in Action.Status.choices:
        count = statuses.get(status, 0)
        if count:
            yield Segment(
                status, label, count, round(100 * count / total, 1), scope.register_url(**params, status=status)
            )

"""The co-chairs' dashboard and the annual review report: read-only pages over the register."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.changes import Period, every_period, moved, period_asked
from actions.dashboard import (
    Scope,
    actions_in_scope,
    cached_changes,
    cached_charts,
    cached_dashboard,
    dashboard_cache_key,
)
from actions.filters import ActionFilter
from actions.models import STRATEGY_ORDER, Action
from actions.review import ReviewReport, build_review_report
from actions.schedule import ReviewSchedule, current_schedule, review_years
from balitrack.lib.csv_export import stream_csv
from members.roles import Role, has_role

# The dashboard narrows to one lead member, theme or pillar, using the register's own filters.
SCOPE_FILTERS = ("lead", "theme", "pillar")
CHANGES_PER_PAGE = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Co-chairs land on the dashboard; everyone else on the register."""
    return redirect("dashboard:index" if has_role(request.user, Role.CO_CHAIRS) else "actions:register")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    actions, scope, scope_filter = _scope(request)
    key = dashboard_cache_key(scope=scope, today=today)
    board = cached_dashboard(actions=actions, scope=scope, today=today, key=key)
    # The period comes from the schedule the cached dashboard holds: no query of its own.
    period = _period(request, board.reviews)
    context = {
        "board": board,
        "charts": cached_charts(key=key, board=board, scope=scope),
        "changes": cached_changes(key=key, actions=actions, scope=scope, period=period) if period else None,
        "periods": every_period(board.reviews) if board.reviews else [],
        "scope": scope,
        "scope_filter": scope_filter,
        "statuses": Action.Status.choices,
        "today": today,
    }
    return render(request, "actions/dashboard.html", context)


@require_GET
def dashboard_changes(request: HttpRequest) -> HttpResponse:
    """Every action of one move of the dashboard's changes: from one status to another over a
    period, in the dashboard's scope, a page at a time (the dashboard names the first few)."""
    actions, scope, _ = _scope(request)
    reviews = current_schedule(today=timezone.localdate())
    period = _period(request, reviews)
    then, now = request.GET.get("from", ""), request.GET.get("to", "")
    if period is None or then not in Action.Status.values or now not in Action.Status.values or then == now:
        messages.error(request, "Those changes could not be understood; the dashboard shows them all.")
        return redirect("dashboard:index")
    in_move = moved(actions_in_scope(actions, scope), period, then=then, now=now)
    page = Paginator(in_move.select_related("initiative").order_by(*STRATEGY_ORDER), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "period": period,
        "then": Action.Status(then),
        "now": Action.Status(now),
        "scope": scope,
        "dashboard_url": scope.dashboard_url(review=period.value),
        "paginator": page.paginator,
        "query_without_page": scope.changes_url(period)(then, now).partition("?")[2],
    }
    return render(request, "actions/action_changes.html", context)


def _scope(request: HttpRequest) -> tuple["QuerySet[Action]", Scope, ActionFilter]:
    """The actions the dashboard is narrowed to (lead, theme, pillar), with the register's filters."""
    data = {name: request.GET[name] for name in SCOPE_FILTERS if request.GET.get(name)}
    scope_filter = ActionFilter(data, queryset=Action.objects.all(), request=request)
    if scope_filter.is_valid():
        return scope_filter.qs, Scope(data), scope_filter
    messages.error(request, "That filter could not be understood; the dashboard shows the whole strategy.")
    return Action.objects.all(), Scope(), scope_filter


def _period(request: HttpRequest, reviews: ReviewSchedule | None) -> Period | None:
    """The period of ?review=YEAR (since the last review without it); None with no strategy."""
    if reviews is None:
        return None
    period, error = period_asked(reviews, request.GET.get("review"))
    if error:
        messages.error(request, error)
    return period


@require_GET
def review_report(request: HttpRequest, year: int) -> HttpResponse:
    report = _report_or_404(year)
    context = {
        "report": report,
        "review_years": review_years(report.strategy, today=timezone.localdate()),
        "printed_at": timezone.localtime(),
    }
    return render(request, "actions/review_report.html", context)


@require_GET
def review_report_csv(request: HttpRequest, year: int) -> StreamingHttpResponse:
    report = _report_or_404(year)
    header = [
        "theme",
        "initiative",
        "action number",
        "action",
        f"status on {report.start}",
        f"progress on {report.start} (%)",
        f"status on {report.end}",
        f"progress on {report.end} (%)",
        "updates in the period",
        "overdue at end",
        "no update for six months at end",
        "latest note",
    ]
    rows = (
        [
            entry.action.initiative.theme.title,
            entry.action.initiative.name,
            entry.action.number,
            entry.action.text,
            entry.at_start.get_status_display() if entry.at_start else "Not yet recorded",
            entry.at_start.progress if entry.at_start else "",
            entry.at_end.get_status_display() if entry.at_end else "Not yet recorded",
            entry.at_end.progress if entry.at_end else "",
            len(entry.updates),
            "yes" if entry.overdue_at_end else "",
            "yes" if entry.stale_at_end else "",
            entry.at_end.note if entry.at_end else "",
        ]
        for entry in report.actions
    )
    return stream_csv(f"balitrack-review-{year}.csv", header, rows)


def _report_or_404(year: int) -> ReviewReport:
    schedule = current_schedule(today=timezone.localdate())
    report = build_review_report(schedule=schedule, year=year) if schedule else None
    if report is None:
        raise Http404(f"No review of the strategy falls due in {year}.")
    return report

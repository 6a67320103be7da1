"""The co-chairs' dashboard and the annual review report: read-only pages over the register."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.dashboard import Scope, cached_charts, cached_dashboard, dashboard_cache_key
from actions.filters import ActionFilter
from actions.models import Action
from actions.review import ReviewReport, build_review_report
from actions.schedule import current_schedule, review_years
from balitrack.lib.csv_export import stream_csv
from members.roles import Role, has_role

# The dashboard narrows to one lead member, theme or pillar, using the register's own filters.
SCOPE_FILTERS = ("lead", "theme", "pillar")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Co-chairs land on the dashboard; everyone else on the register."""
    return redirect("dashboard:index" if has_role(request.user, Role.CO_CHAIRS) else "actions:register")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = {name: request.GET[name] for name in SCOPE_FILTERS if request.GET.get(name)}
    scope_filter = ActionFilter(data, queryset=Action.objects.all(), request=request)
    if scope_filter.is_valid():
        actions, scope = scope_filter.qs, Scope(data)
    else:
        messages.error(request, "That filter could not be understood; the dashboard shows the whole strategy.")
        actions, scope = Action.objects.all(), Scope()
    key = dashboard_cache_key(scope=scope, today=today)
    board = cached_dashboard(actions=actions, scope=scope, today=today, key=key)
    context = {
        "board": board,
        "charts": cached_charts(key=key, board=board, scope=scope),
        "scope": scope,
        "scope_filter": scope_filter,
        "statuses": Action.Status.choices,
        "today": today,
    }
    return render(request, "actions/dashboard.html", context)


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

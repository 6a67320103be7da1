"""The co-chairs' dashboard and the annual review report: read-only pages over the register."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

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
from actions.models import STRATEGY_ORDER, Action, Initiative, Strategy
from actions.record_version import record_version
from actions.review import (
    ReviewPeriod,
    grouped,
    iter_review_actions,
    review_detail,
    review_period,
    review_summary,
)
from actions.review_print import ReviewPrint, review_print_for, review_print_request
from actions.schedule import ReviewSchedule, review_years, strategy_schedule
from actions.strategy_switch import StrategyAsked, strategy_asked, strategy_params, strategy_query
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
    asked = strategy_asked(request)
    actions, scope, scope_filter = _scope(request, asked.strategy)
    key = dashboard_cache_key(scope=scope, today=today)
    board = cached_dashboard(actions=actions, scope=scope, today=today, key=key)
    # The period comes from the schedule the cached dashboard holds: no query of its own.
    period = _period(request, board.reviews)
    context = {
        "board": board,
        "charts": cached_charts(key=key, board=board, scope=scope),
        "changes": cached_changes(key=key, actions=actions, scope=scope, period=period, board=board)
        if period
        else None,
        "periods": every_period(board.reviews) if board.reviews else [],
        "scope": scope,
        "scope_filter": scope_filter,
        "statuses": Action.Status.choices,
        "today": today,
        "strategy": asked.strategy,
        "strategy_query": strategy_query(asked.strategy),
        # Each strategy's dashboard, unnarrowed: a lead or theme of one is not another's.
        "strategy_links": asked.links(lambda strategy: Scope(strategy_params(strategy)).dashboard_url()),
    }
    return render(request, "actions/dashboard.html", context)


@require_GET
def dashboard_changes(request: HttpRequest) -> HttpResponse:
    """Every action of one move of the dashboard's changes: from one status to another over a
    period, in the dashboard's scope, a page at a time (the dashboard names the first few)."""
    asked = strategy_asked(request)
    actions, scope, _ = _scope(request, asked.strategy)
    reviews = _schedule_of(asked.strategy)
    period = _period(request, reviews)
    then, now = request.GET.get("from", ""), request.GET.get("to", "")
    if period is None or then not in Action.Status.values or now not in Action.Status.values or then == now:
        messages.error(request, "Those changes could not be understood; the dashboard shows them all.")
        return redirect(Scope(strategy_params(asked.strategy)).dashboard_url())
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


def _scope(request: HttpRequest, strategy: Strategy | None) -> tuple["QuerySet[Action]", Scope, ActionFilter]:
    """The actions the dashboard is narrowed to (lead, theme, pillar) within `strategy`, with
    the register's filters; the strategy is in the scope's parameters unless it is the current one."""
    base = strategy_params(strategy)
    data = {**base, **{name: request.GET[name] for name in SCOPE_FILTERS if request.GET.get(name)}}
    scope_filter = ActionFilter(data, queryset=Action.objects.all(), request=request, default_strategy=strategy)
    if scope_filter.is_valid():
        return scope_filter.qs, Scope(data, strategy=strategy), scope_filter
    messages.error(request, "That filter could not be understood; the dashboard shows the whole strategy.")
    unnarrowed = Action.objects.of_strategy(strategy) if strategy else Action.objects.all()
    return unnarrowed, Scope(base, strategy=strategy), scope_filter


def _schedule_of(strategy: Strategy | None) -> ReviewSchedule | None:
    return strategy_schedule(today=timezone.localdate(), slug=strategy.slug) if strategy else None


def _period(request: HttpRequest, reviews: ReviewSchedule | None) -> Period | None:
    """The period of ?review=YEAR (since the last review without it); None with no strategy."""
    if reviews is None:
        return None
    period, error = period_asked(reviews, request.GET.get("review"))
    if error:
        messages.error(request, error)
    return period


# Up to this many actions, the report shows every action in detail on its page, and prints
# from it (the real record has 31); above it, each initiative's actions are a page of their
# own and the print version is made by a worker. Either way a page's size is bounded.
INLINE_DETAIL_LIMIT = 200
DETAIL_PER_PAGE = 50
# The latest updates of the period shown for each action; the CSV and the print have them all.
UPDATES_SHOWN = 5
# A past period's report changes only with its history (an update recorded with a past
# date), which replaces the record's token: kept a day, as a backstop.
REPORT_CACHE_SECONDS = 24 * 60 * 60


@require_GET
def review_report(request: HttpRequest, year: int) -> HttpResponse:
    asked = strategy_asked(request)
    period = _period_or_404(year, asked)
    # Read before anything is built: a change committed meanwhile leaves what is built under
    # the old token, where no one looks again.
    version = record_version()
    body = _report_body(period, version)
    print_job: ReviewPrint | None = None
    if body.actions > INLINE_DETAIL_LIMIT:
        print_job = review_print_for(strategy=period.strategy, year=year, version=version) or ReviewPrint(status="")
        if print_job.pk and print_job.status != ReviewPrint.Status.DONE and not print_job.is_pending:
            print_job.status = ReviewPrint.Status.FAILED  # given up: the page offers to ask again
    context = {
        "period": period,
        "body": body.html,
        "action_count": body.actions,
        "print_job": print_job,
        "review_years": review_years(period.strategy, today=timezone.localdate()),
        "printed_at": timezone.localtime(),
        "strategy_query": strategy_query(period.strategy),
        "strategy_links": asked.links(_latest_report_url),
    }
    return render(request, "actions/review_report.html", context)


@dataclass(frozen=True)
class ReportBody:
    html: SafeString
    actions: int


def _report_body(period: ReviewPeriod, version: str) -> ReportBody:
    """The summary, and every action in detail when there are few enough: cached under the
    record's token once the period is past, built afresh while it runs."""

    def build() -> ReportBody:
        summary = review_summary(period)
        detail = None
        if summary.action_count <= INLINE_DETAIL_LIMIT:
            actions = (
                Action.objects.filter(initiative__theme__strategy=period.strategy)
                .select_related("initiative__theme")
                .order_by(*STRATEGY_ORDER)
            )
            detail = grouped(review_detail(period, actions, updates_shown=UPDATES_SHOWN))
        context = {
            "summary": summary,
            "detail": detail,
            "per_page": DETAIL_PER_PAGE,
            "strategy_query": strategy_query(period.strategy),
        }
        html = render_to_string("actions/_review_report_body.html", context)
        return ReportBody(SafeString(html), summary.action_count)

    if not period.is_past:
        return build()
    key = f"review-report:{period.strategy.pk}:{period.year}:{version}:{INLINE_DETAIL_LIMIT}"
    cache = caches["dashboard"]
    body: ReportBody | None = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, REPORT_CACHE_SECONDS)
    return body


@require_GET
def review_report_initiative(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    """One initiative's actions over a review's period, a page at a time, each with its
    latest updates: the report's detail when it is too large to show on one page."""
    period = _period_or_404(year, strategy_asked(request))
    initiative = get_object_or_404(
        Initiative.objects.select_related("theme"), slug=slug, theme__strategy=period.strategy
    )
    paginator = Paginator(initiative.actions.order_by("number"), DETAIL_PER_PAGE)
    number, error = _page_number(request.GET.get("page"), paginator)
    if error:
        messages.error(request, error)
    page = paginator.page(number)
    context = {
        "period": period,
        "initiative": initiative,
        "page_obj": page,
        "paginator": paginator,
        "entries": review_detail(period, page.object_list, updates_shown=UPDATES_SHOWN),
        "updates_shown": UPDATES_SHOWN,
        "query_without_page": urlencode(strategy_params(period.strategy)),
        "strategy_query": strategy_query(period.strategy),
    }
    return render(request, "actions/review_report_initiative.html", context)


def _page_number(asked: str | None, paginator: Paginator) -> tuple[int, str]:
    """The page to show for ?page=, and what to tell the reader when it names none: the
    first page for a page that is not a number or below 1, the last for one past the end."""
    if asked is None:
        return 1, ""
    try:
        number = int(asked)
    except ValueError:
        return 1, f"“{asked[:20]}” is not a page number: this is the first page."
    if number < 1:
        return 1, "Pages are numbered from 1: this is the first page."
    if number > paginator.num_pages:
        pages = paginator.num_pages
        return pages, f"There is no page {number}: these actions fill {pages} page{pluralize(pages)}; this is the last."
    return number, ""


@require_http_methods(["GET", "POST"])
def review_report_print(request: HttpRequest, year: int) -> HttpResponse:
    """The print version of a report too large to print from its page. POST asks for it (a
    worker makes it); GET serves it once made, or goes back to the report, which says how
    it stands."""
    period = _period_or_404(year, strategy_asked(request))
    version = record_version()
    report_url = reverse("dashboard:review", args=[year]) + strategy_query(period.strategy)
    if Action.objects.filter(initiative__theme__strategy=period.strategy).count() <= INLINE_DETAIL_LIMIT:
        messages.info(request, "This report prints from its own page: use its Print button.")
        return redirect(report_url)
    if request.method == "POST":
        review_print_request(strategy=period.strategy, year=year, version=version)
        return redirect(f"{report_url}#print")
    job = review_print_for(strategy=period.strategy, year=year, version=version)
    if job is None or job.status != ReviewPrint.Status.DONE:
        messages.info(request, "The print version of the record as it stands is not ready: see below.")
        return redirect(f"{report_url}#print")
    html = ReviewPrint.objects.filter(pk=job.pk).values_list("html", flat=True).get()
    return HttpResponse(html)


@require_GET
def review_report_csv(request: HttpRequest, year: int) -> StreamingHttpResponse:
    period = _period_or_404(year, strategy_asked(request))
    header = [
        "theme",
        "initiative",
        "action number",
        "action",
        f"status on {period.start}",
        f"progress on {period.start} (%)",
        f"status on {period.end}",
        f"progress on {period.end} (%)",
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
            entry.updates_in_period,
            "yes" if entry.overdue_at_end else "",
            "yes" if entry.stale_at_end else "",
            entry.at_end.note if entry.at_end else "",
        ]
        # A batch of actions at a time, as the response streams: never the whole record in memory.
        for entry in iter_review_actions(period)
    )
    name = f"{year}" if period.strategy.is_current else f"{year}-{period.strategy.slug}"
    return stream_csv(f"balitrack-review-{name}.csv", header, rows)


def _period_or_404(year: int, asked: StrategyAsked) -> ReviewPeriod:
    schedule = _schedule_of(asked.strategy)
    period = review_period(schedule=schedule, year=year) if schedule else None
    if period is None:
        raise Http404(f"No review of {asked.strategy or 'the strategy'} falls due in {year}.")
    return period


def _begun(period: tuple[datetime.date, datetime.date] | None, today: datetime.date) -> bool:
    return period is not None and period[0] <= today


def _latest_report_url(strategy: Strategy) -> str:
    """A strategy's latest review report whose period has begun: the switch's link on a report."""
    today = timezone.localdate()
    begun = [year for year in review_years(strategy, today=today) if _begun(strategy.review_period(year), today)]
    year = begun[-1] if begun else strategy.review_due(1).year
    return reverse("dashboard:review", args=[year]) + strategy_query(strategy)

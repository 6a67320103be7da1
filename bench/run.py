"""BaliTrack's benchmark: every page behind the production server, beside its floor and its peer.

    python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/balitrack_scale

against a database filled by `manage.py generate_scale_data`. In one run it:

1. counts each page's queries in this process (Django's test client, CaptureQueriesContext,
   same database, same settings) and times those exact statements run straight through
   psycopg2: the database's share of the page's floor;
2. starts gunicorn as the Procfile does (DEBUG off, behind an assumed HTTPS proxy on
   loopback), signs in through the real sign-in form, and measures every page with wrk at
   concurrency 1, 8 and 16 (saturation);
3. downloads the whole register as CSV, timing the first byte and the last while sampling
   the gunicorn workers' memory;
4. times the review-reminder scan over 1,000 recipients (inside a transaction that is
   rolled back: the database is left as it was);
5. writes bench/results/benchmark.json and the generated section of BENCHMARKS.md.

Status updates are the one thing it leaves behind: each POST measured adds a real history
row (status and progress unchanged, a "Benchmark" note), as a user's would.
"""

import argparse
import datetime
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCHMARKS_MD,
    HOST,
    RESULTS,
    Browser,
    collect_static,
    ensure_wrk,
    production_server,
    save_json,
    server_environment,
    setup_django,
    write_section,
)
from bench.measure import (
    Page,
    RollBack,
    dashboard_after_update,
    measure_full_csv,
    post_form,
    run_wrk,
    slow_page,
    time_reminder_scan,
    wait_until_idle,
)
from bench.report import data_size, floors, machine_facts, markdown, pending_migrations, targets, versions

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/balitrack_scale"
# The accounts generate_scale_data makes.
DEFAULT_SECRETARIAT = "bench-secretariat"
DEFAULT_PASSWORD = "balitrack-bench-password"
CONCURRENCIES = {"c1": (1, 1), "c8": (2, 8), "sat": (2, 16)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--duration", type=int, default=10, help="Seconds of each wrk run (default 10).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--username", default=DEFAULT_SECRETARIAT, help="A Secretariat account (staff).")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--floor-runs", type=int, default=15, help="Runs of each page's SQL for its floor.")
    parser.add_argument("--recipients", type=int, default=1000, help="Reminder recipients for the scan.")
    parser.add_argument(
        "--reminder-forums",
        default="BP",
        help="REMINDER_FORUMS for the scan (default BP: every member of the synthetic record, whose "
        "1,000 focal points then are the recipients).",
    )
    parser.add_argument("--reminder-sends", type=int, default=10, help="Reminders sent (and timed) after the scan.")
    parser.add_argument("--no-markdown", action="store_true", help="Write the JSON only, not BENCHMARKS.md.")
    parser.add_argument(
        "--markdown-only",
        action="store_true",
        help="Measure nothing: write BENCHMARKS.md again from bench/results/benchmark.json.",
    )
    args = parser.parse_args()
    if args.markdown_only:
        saved = json.loads((RESULTS / "benchmark.json").read_text())
        saved["targets"] = targets(saved)
        write_section("bench/run.py", markdown(saved))
        return

    started = time.monotonic()
    wrk = ensure_wrk()
    env = server_environment(args.database_url, args.port)
    setup_django(env)
    from django.utils import timezone

    collect_static(env)

    report: dict[str, Any] = {
        "command": _command_line(),
        "started_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "duration_per_run_s": args.duration,
    }
    report["machine"] = machine_facts()
    report["versions"] = versions(wrk)
    report["data"] = data_size()
    say(f"Data: {report['data']['actions']:,} actions, {report['data']['action updates']:,} updates.")
    report["pending_migrations"] = pending_migrations(env)

    user = _user(args.username)
    choice = choose_pages(user)
    report["chosen"] = choice["facts"]
    report["labels"] = {page.key: page.label for page in choice["pages"]}
    pages: list[Page] = choice["pages"]

    say("Counting queries per page in-process and timing their SQL straight through psycopg2...")
    captured = capture_queries(pages, user, choice["post_probe"])
    report["queries"] = {key: len(statements) for key, statements in captured.items()}
    report["sql_ms"] = {}
    for key, statements in captured.items():
        report["sql_ms"][key] = time_sql(args.database_url, statements, args.floor_runs)
        say(f"  {key}: {len(statements)} queries, {report['sql_ms'][key]:.1f} ms of SQL")

    with production_server(env, args.port, RESULTS / "gunicorn.log") as server:
        report["server"] = " ".join(server.command[2:]).removeprefix("exec ")
        report["workers"] = len(server.worker_pids())
        browser = Browser(args.port)
        browser.sign_in(args.username, args.password)
        report["pages"] = {}
        cookie = browser.cookie_header()
        for page in pages:
            say(f"{page.label} ({page.path})")
            first = browser.request("GET", page.path)
            if first.status != page.expected_status:
                raise SystemExit(f"{page.path} answered {first.status}, not {page.expected_status}.")
            if first.seconds > args.duration / 4:
                # wrk would see hardly an answer within its run, and the requests it abandons
                # would go on eating the workers: time a few requests by hand instead.
                say(f"  {first.seconds:.1f} s a request: timed by hand, not with wrk")
                report["pages"][page.key] = slow_page(browser, page.path, args.port)
            else:
                for _ in range(4):  # warm every worker's caches a little
                    browser.request("GET", page.path)
                report["pages"][page.key] = {}
                for name, (threads, connections) in CONCURRENCIES.items():
                    report["pages"][page.key][name] = run_wrk(
                        wrk, server.base + page.path, cookie, threads, connections, args.duration
                    )
                    wait_until_idle(browser, args.port)
            save_json("benchmark.json", report)  # a run that breaks later keeps what it measured

        say("wrk: status-update POST")
        report["pages"]["post"] = {}
        since = timezone.now()
        for name, (threads, connections) in CONCURRENCIES.items():
            pool = post_pool(browser.csrf_token(), size=args.duration * 600, exclude=choice["action_id"])
            report["pages"]["post"][name] = run_wrk(
                wrk,
                server.base + "/",
                cookie,
                threads,
                connections,
                args.duration,
                script="post.lua",
                extra_env={"BENCH_POOL": str(pool), "BENCH_ORIGIN": browser.origin, "BENCH_THREADS": str(threads)},
            )
            pool.unlink()
            wait_until_idle(browser, args.port)
        time.sleep(2)  # requests still in flight when wrk stopped its clock finish on the server
        report["post_check"] = check_posts(report["pages"]["post"], since)

        say("Dashboard right after a status update (the cached dashboard must be rebuilt)...")
        report["dashboard_after_update"] = dashboard_after_update(browser, choice["dashboard_probe_ids"])

        say("CSV export of the whole register...")
        report["csv_full"] = measure_full_csv(server.worker_pids, browser, args.port, report["data"]["actions"])
        log = (RESULTS / "gunicorn.log").read_text(errors="replace")
        report["csv_full"]["worker_timeouts_in_log"] = log.count("WORKER TIMEOUT")
        save_json("benchmark.json", report)

    say(f"Reminder scan over {args.recipients} recipients (rolled back afterwards)...")
    report["reminders"] = time_reminder_scan(args.recipients, args.reminder_sends, args.reminder_forums.split(","))
    report["floors"] = floors(report)
    report["targets"] = targets(report)
    report["elapsed_s"] = round(time.monotonic() - started)
    save_json("benchmark.json", report)
    if not args.no_markdown:
        write_section("bench/run.py", markdown(report))
    say(f"Done in {report['elapsed_s']} s; figures in {BENCHMARKS_MD.name} and bench/results/benchmark.json.")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def _command_line() -> str:
    return " ".join(["python bench/run.py", *sys.argv[1:]])


def _user(username: str) -> Any:
    from django.contrib.auth.models import User

    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise SystemExit(f"No account {username!r}: run manage.py generate_scale_data first.") from None
    if not user.is_staff or not user.has_perm("actions.add_actionupdate"):
        raise SystemExit(f"{username} must be a Secretariat user with staff access (for the admin peer).")
    return user


def choose_pages(user: Any) -> dict[str, Any]:
    """The pages, with the heaviest realistic arguments the data offers."""
    from django.conf import settings
    from django.db.models import Count

    from actions.models import Action, ActionOwner, ActionUpdate
    from meetings.models import Meeting
    from members.models import Member

    status = Action.Status.IN_PROGRESS.value
    lead = (
        ActionOwner.objects.filter(role__in=ActionOwner.LEADING_ROLES, member__isnull=False)
        .values("member__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert lead is not None, "No action has a lead member."
    lead_code = lead["member__code"]
    total = Action.objects.count()
    last_page = max(1, math.ceil(total / settings.PAGE_SIZE))
    word = _search_word()
    busiest = ActionUpdate.objects.values("action_id").annotate(n=Count("id")).order_by("-n").first()
    assert busiest is not None, "No status update in the record."
    action_id = busiest["action_id"]
    meeting = Meeting.objects.annotate(n=Count("documents__decisions")).order_by("-n", "pk").first()
    assert meeting is not None
    member = Member.objects.annotate(n=Count("action_roles")).order_by("-n", "pk").first()
    assert member is not None
    filtered = urllib.parse.urlencode({"lead": lead_code, "status": status})
    pages = [
        Page("bare", "bare signed-in view (/ redirects)", "/", 302),
        Page("register", "register", "/actions/"),
        Page("register_status", "register, status filter", f"/actions/?status={status}"),
        Page("register_filtered", "register, lead country + status", f"/actions/?{filtered}"),
        Page("register_search", "register, text search", f"/actions/?q={urllib.parse.quote(word)}"),
        Page("register_last", "register, last page", f"/actions/?page={last_page}"),
        Page("action", "action page", f"/actions/{action_id}/"),
        Page("meeting", "meeting page", f"/meetings/{meeting.slug}/"),
        Page("member", "member page", f"/members/{member.code}/"),
        Page("dashboard", "dashboard", "/dashboard/"),
        Page("csv", "CSV export, lead country + status", f"/actions/export.csv?{filtered}"),
        # The API's actions beside the register: the same FilterSet, a cursor page of 50 in JSON.
        Page("api_actions", "API actions, first page", "/api/v1/actions/"),
        Page("api_actions_filtered", "API actions, lead country + status", f"/api/v1/actions/?{filtered}"),
        Page("api_actions_search", "API actions, text search", f"/api/v1/actions/?q={urllib.parse.quote(word)}"),
        Page("admin_status", "admin change list, status filter", f"/admin/actions/action/?status__exact={status}"),
        Page(
            "admin_filtered",
            "admin change list, lead + status",
            f"/admin/actions/action/?lead={lead_code}&status__exact={status}",
        ),
    ]
    probe = Action.objects.exclude(pk=action_id).order_by("-pk").first()
    assert probe is not None
    facts = {
        "status filter": status,
        "lead country": f"{lead_code} (leads or co-leads {lead['n']:,} actions, the most of any member)",
        "actions matching lead + status": Action.objects.led_by(Member.objects.get(code=lead_code))
        .filter(status=status)
        .count(),
        "search word": f"{word!r} ({Action.objects.search(word).count():,} matching actions)",
        "last page": last_page,
        "action": f"#{action_id} ({busiest['n']:,} status updates, the most of any action)",
        "meeting": f"{meeting.slug} ({meeting.n:,} decisions, the most of any meeting)",  # type: ignore[attr-defined]
        "member": f"{member.code} ({member.n:,} parts in actions, the most of any member)",  # type: ignore[attr-defined]
    }
    dashboard_probe_ids = list(Action.objects.exclude(pk=action_id).order_by("pk").values_list("pk", flat=True)[:10])
    return {
        "pages": pages,
        "facts": facts,
        "action_id": action_id,
        "post_probe": probe,
        "dashboard_probe_ids": dashboard_probe_ids,
    }


def _search_word() -> str:
    """A word of some action's text that a few hundred actions share, not every one."""
    from collections import Counter

    from actions.models import Action

    texts = Action.objects.order_by("?").values_list("text", flat=True)[:400]
    counts = Counter(word.lower() for text in texts for word in set(re.findall(r"[A-Za-z]{6,}", text)))
    # Words in roughly one action in twenty of the sample.
    candidates = sorted((n, word) for word, n in counts.items() if n >= 10)
    return candidates[0][1] if candidates else "trafficking"


def capture_queries(pages: list[Page], user: Any, probe: Any) -> dict[str, list[str]]:
    """Each page's SQL, exactly as sent, from a second request (the first warms caches)."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    captured: dict[str, list[str]] = {}
    for page in pages:
        for attempt in range(2):
            with CaptureQueriesContext(connection) as context:
                response = client.get(page.path, secure=True)
                if response.streaming:
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.status_code != page.expected_status:
                raise SystemExit(f"In-process {page.path} answered {response.status_code}.")
            if attempt == 1:
                captured[page.key] = [query["sql"] for query in context.captured_queries]
    # The POST is rolled back, so that its statements can be replayed for the floor.
    probe.refresh_from_db()
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as context:
            response = client.post(f"/actions/{probe.pk}/update-status/", post_form(probe, "x"), secure=True)
            if response.status_code != 302:
                raise SystemExit(f"The in-process status update answered {response.status_code}.")
            captured["post"] = [query["sql"] for query in context.captured_queries]
            raise RollBack
    except RollBack:
        pass
    return captured


DECLARE = re.compile(r'^DECLARE\s+"[^"]+"\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+', re.S | re.I)


def time_sql(database_url: str, statements: list[str], runs: int) -> float:
    """Median milliseconds to run the page's statements and fetch every row, straight
    through psycopg2, in a transaction rolled back each time (the POST's writes included)."""
    import psycopg2

    budget = time.monotonic() + 8  # seconds per page at most, after three runs
    # A server-side cursor (the CSV export) is read in full here: the rows are the work.
    plain = [DECLARE.sub("", sql) for sql in statements]
    connection = psycopg2.connect(database_url)
    timings = []
    try:
        with connection.cursor() as cursor:
            for run in range(runs + 1):
                if run > 2 and time.monotonic() > budget:
                    break
                started = time.perf_counter()
                for sql in plain:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
                connection.rollback()
    finally:
        connection.close()
    return round(statistics.median(timings[1:]), 2)


def check_posts(runs: dict[str, dict[str, Any]], since: datetime.datetime) -> dict[str, Any]:
    """Every POST answered was saved once: no answer but 302, no action given two rows.
    wrk does not count requests still in flight when its clock stops, though the server
    saves them, so up to one row per connection may exceed the answers counted."""
    from django.db.models import Count

    from actions.models import ActionUpdate

    per_action = (
        ActionUpdate.objects.filter(recorded_at__gte=since, note__startswith="Benchmark update")
        .values("action_id")
        .annotate(n=Count("id"))
    )
    rows = sum(entry["n"] for entry in per_action)
    twice = sum(1 for entry in per_action if entry["n"] > 1)
    answered = sum(figures["requests"] for figures in runs.values())
    in_flight = sum(connections for _, connections in CONCURRENCIES.values())
    refused = sum(figures["bad_status"] + figures["socket_errors"] for figures in runs.values())
    exhausted = sum(figures.get("pool_exhausted_threads", 0) for figures in runs.values())
    return {
        "posts answered": answered,
        "history rows added": rows,
        "actions given two rows": twice,
        "every POST saved once": refused == 0
        and twice == 0
        and exhausted == 0
        and answered <= rows <= answered + in_flight,
    }


def post_pool(csrf_token: str, *, size: int, exclude: int) -> Path:
    """Actions not posted to in this run yet, each with the version its form shows now."""
    from actions.models import Action

    candidates = (
        Action.objects.exclude(pk=exclude)
        .exclude(status_note__startswith="Benchmark update")
        .order_by("?")
        .only("pk", "status", "progress", "target_date", "version")[:size]
    )
    handle, name = tempfile.mkstemp(prefix="balitrack-post-pool-", suffix=".tsv")
    with os.fdopen(handle, "w") as pool:
        for action in candidates:
            body = urllib.parse.urlencode(post_form(action, csrf_token))
            pool.write(f"/actions/{action.pk}/update-status/\t{body}\n")
    return Path(name)


if __name__ == "__main__":
    main()

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
import csv
import datetime
import io
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCH,
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/balitrack_scale"
# The accounts generate_scale_data makes.
DEFAULT_SECRETARIAT = "bench-secretariat"
DEFAULT_PASSWORD = "balitrack-bench-password"
CONCURRENCIES = {"c1": (1, 1), "c8": (2, 8), "sat": (2, 16)}

# Issue 6, point 5 (milliseconds at concurrency 8 unless said).
TARGET_REGISTER_P95 = 150.0
TARGET_ACTION_P95 = 100.0
TARGET_DASHBOARD_P95 = 300.0
TARGET_FLOOR_RATIO = 3.0
TARGET_CSV_FIRST_BYTE = 1.0
TARGET_CSV_TOTAL = 15.0
TARGET_CSV_MEMORY_MB = 50.0


@dataclass
class Page:
    key: str
    label: str
    path: str
    expected_status: int = 200
    method: str = "GET"


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
    args = parser.parse_args()

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
        report["csv_full"] = measure_full_csv(server.worker_pids, browser, args.port)

    say(f"Reminder scan over {args.recipients} recipients (rolled back afterwards)...")
    report["reminders"] = time_reminder_scan(args.recipients, args.reminder_sends, args.reminder_forums.split(","))
    report["floors"] = floors(report)
    report["targets"] = targets(report)
    report["elapsed_s"] = round(time.monotonic() - started)
    save_json("benchmark.json", report)
    if not args.no_markdown:
        write_section("bench/run.py", markdown(report, pages))
    say(f"Done in {report['elapsed_s']} s; figures in {BENCHMARKS_MD.name} and bench/results/benchmark.json.")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def _command_line() -> str:
    return "python bench/run.py " + " ".join(sys.argv[1:])


# --- what is measured -------------------------------------------------------------


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
            response = client.post(f"/actions/{probe.pk}/update-status/", _post_form(probe, "x"), secure=True)
            if response.status_code != 302:
                raise SystemExit(f"The in-process status update answered {response.status_code}.")
            captured["post"] = [query["sql"] for query in context.captured_queries]
            raise _RollBack
    except _RollBack:
        pass
    return captured


def _post_form(action: Any, csrf_token: str) -> dict[str, str]:
    """The status form as the action page fills it: same status, progress and target date,
    the version shown, and a note."""
    return {
        "csrfmiddlewaretoken": csrf_token,
        "status": action.status,
        "progress": str(action.progress),
        "target_date": action.target_date.isoformat() if action.target_date else "",
        "note": f"Benchmark update of {action.pk} at version {action.version}.",
        "version": str(action.version),
    }


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


def run_wrk(
    wrk: str,
    url: str,
    cookie: str,
    threads: int,
    connections: int,
    duration: int,
    *,
    script: str = "page.lua",
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    env = dict(os.environ, BENCH_COOKIE=cookie, **(extra_env or {}))
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "60s"]
    command += ["-s", str(BENCH / "wrk" / script), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    raw = json.loads(line.removeprefix("BENCHJSON "))
    seconds = raw["duration_us"] / 1e6
    if raw["requests"] == 0:
        # Not one answer within the run: the latency is at least the run's length.
        bound = duration * 1000
        raw.update(p50_us=bound * 1000, p95_us=bound * 1000, p99_us=bound * 1000, max_us=bound * 1000)
    errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "bad_status": raw["bad_status"],
        "socket_errors": errors,
        "kb_per_request": round(raw["bytes"] / max(1, raw["requests"]) / 1024, 1),
        "no_answer_within_run": raw["requests"] == 0,
        **({"pool_exhausted_threads": raw["pool_exhausted_threads"]} if "pool_exhausted_threads" in raw else {}),
    }


def wait_until_idle(browser: Browser, port: int, workers: int = 3) -> None:
    """Wait until every worker is free: requests wrk abandoned when its clock stopped are
    still served, and must not slow the next measurement. One probe per worker, at once;
    a sync worker serves one connection at a time, so all answer quickly only when all are free."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        probes = [Browser(port, cookies=dict(browser.cookies)) for _ in range(workers)]
        answers: list[float] = []

        threads = [threading.Thread(target=_probe, args=(client, answers)) for client in probes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(answers) == workers and max(answers) < 0.5:
            return
        time.sleep(0.5)
    raise SystemExit("The workers stayed busy for ten minutes.")


def _probe(client: Browser, answers: list[float]) -> None:
    answers.append(client.request("GET", "/").seconds)
    client.close()


def slow_page(browser: Browser, path: str, port: int) -> dict[str, Any]:
    """A page too slow for wrk's runs: three requests one after another (c1), then eight at
    once, one connection each (c8, which also stands for saturation)."""
    answers = [browser.request("GET", path) for _ in range(3)]
    single = [answer.seconds * 1000 for answer in answers]
    size_kb = round(len(answers[0].body) / 1024, 1)
    clients = [Browser(port, cookies=dict(browser.cookies), timeout=600) for _ in range(8)]
    together: list[float] = []
    statuses = [answer.status for answer in answers]

    def fetch(client: Browser) -> None:
        answer = client.request("GET", path)
        together.append(answer.seconds * 1000)
        statuses.append(answer.status)
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=fetch, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    bad = sum(1 for status in statuses if status >= 400)

    def figures(timings: list[float], rps: float, missing: int) -> dict[str, Any]:
        return {
            "requests": len(timings),
            "rps": round(rps, 2),
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(max(timings), 1),  # of so few samples, the slowest
            "p99_ms": round(max(timings), 1),
            "max_ms": round(max(timings), 1),
            "bad_status": bad,
            "socket_errors": missing,
            "kb_per_request": size_kb,
            "timed_by_hand": True,
        }

    c1 = figures(single, 1000 / statistics.mean(single), 0)
    c8 = figures(together, len(together) / elapsed, 8 - len(together))
    return {"c1": c1, "c8": c8, "sat": c8}


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
            body = urllib.parse.urlencode(_post_form(action, csrf_token))
            pool.write(f"/actions/{action.pk}/update-status/\t{body}\n")
    return Path(name)


def dashboard_after_update(browser: Browser, action_ids: list[int]) -> dict[str, Any]:
    """Record an update, then open the dashboard: the first view after each update."""
    from actions.models import Action

    timings: list[float] = []
    budget = time.monotonic() + 90
    for pk in action_ids:
        if len(timings) >= 3 and time.monotonic() > budget:
            break
        action = Action.objects.get(pk=pk)
        answer = browser.request("POST", f"/actions/{pk}/update-status/", _post_form(action, browser.csrf_token()))
        if answer.status != 302:
            raise SystemExit(f"Status update of {pk} answered {answer.status}.")
        page = browser.request("GET", "/dashboard/")
        if page.status != 200:
            raise SystemExit(f"Dashboard answered {page.status}.")
        timings.append(page.seconds * 1000)
    hot = [browser.request("GET", "/dashboard/").seconds * 1000 for _ in range(min(3, len(timings)))]
    return {
        "samples": len(timings),
        "after_update_p50_ms": round(statistics.median(timings), 1),
        "after_update_max_ms": round(max(timings), 1),
        "unchanged_p50_ms": round(statistics.median(hot), 1),
    }


def _memory(pid: int) -> dict[str, int]:
    figures = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":", 1)
                figures[name] = int(value.split()[0])
    except FileNotFoundError:
        pass
    return figures


def measure_full_csv(worker_pids: Any, browser: Browser, port: int) -> dict[str, Any]:
    """Download every action as CSV: first byte, last byte, and the workers' memory growth
    (VmRSS sampled every 20 ms, and VmHWM before and after)."""
    import http.client

    pids = worker_pids()
    before = {pid: _memory(pid) for pid in pids}
    peak = {pid: before[pid].get("VmRSS", 0) for pid in pids}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], _memory(pid).get("VmRSS", 0))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    started = time.perf_counter()
    connection.request(
        "GET", "/actions/export.csv", headers={"Cookie": browser.cookie_header(), "X-Forwarded-Proto": "https"}
    )
    response = connection.getresponse()
    chunks = [response.read1(65536)]
    first_byte = time.perf_counter() - started
    while chunk := response.read1(65536):
        chunks.append(chunk)
    total = time.perf_counter() - started
    stop.set()
    sampler.join()
    connection.close()
    after = {pid: _memory(pid) for pid in pids}
    body = b"".join(chunks)
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    growth = {pid: peak[pid] - before[pid].get("VmRSS", 0) for pid in pids}
    serving = max(growth, key=lambda pid: growth[pid])
    return {
        "status": response.status,
        "rows": rows,
        "megabytes": round(len(body) / 1e6, 1),
        "first_byte_s": round(first_byte, 3),
        "total_s": round(total, 2),
        "rows_per_s": round(rows / total),
        "rss_growth_mb": round(growth[serving] / 1024, 1),
        "hwm_growth_mb": round((after[serving].get("VmHWM", 0) - before[serving].get("VmHWM", 0)) / 1024, 1),
        "rss_before_mb": round(before[serving].get("VmRSS", 0) / 1024, 1),
    }


class _RollBack(Exception):
    pass


def time_reminder_scan(recipients: int, sends: int, forums: list[str]) -> dict[str, Any]:
    """The daily scan on a day a review reminder falls due, with `recipients` focal points
    of the members it reminds; then a few sends (to the in-memory outbox). All rolled back."""
    from django.conf import settings
    from django.core import mail
    from django.db import transaction
    from django.test import override_settings
    from django.utils import timezone

    from actions.models import Strategy
    from members.models import FocalPoint, Member
    from reminders.models import Reminder
    from reminders.services import reminder_send, reminders_scan

    result: dict[str, Any] = {"forums": forums}
    try:
        with transaction.atomic(), override_settings(REMINDER_FORUMS=forums):
            strategy = Strategy.objects.order_by("-endorsed_on").first()
            if strategy is None:
                return {"skipped": "no strategy in the record"}
            number = 1
            while strategy.review_due(number) < timezone.localdate():
                number += 1
            today = strategy.review_due(number) - datetime.timedelta(days=7)
            members = list(Member.objects.to_remind(settings.REMINDER_FORUMS).order_by("pk"))
            if not members:
                return {"skipped": "no member is seated in the reminded forums"}
            existing = FocalPoint.objects.filter(member__in=members, is_active=True).count()
            result["focal points added"] = max(0, recipients - existing)
            FocalPoint.objects.bulk_create(
                FocalPoint(
                    member=members[n % len(members)],
                    name=f"Recipient {n}",
                    email=f"recipient-{n}@example.org",
                )
                for n in range(max(0, recipients - existing))
            )
            result["date"] = today.isoformat()
            result["members reminded"] = len(members)
            result["recipients"] = FocalPoint.objects.filter(member__in=members, is_active=True).count()
            queued: list[int] = []
            started = time.perf_counter()
            scan = reminders_scan(today=today, dispatch=queued.append)
            result["scan_s"] = round(time.perf_counter() - started, 2)
            by_kind = {kind: Reminder.objects.filter(pk__in=queued, kind=kind).count() for kind in Reminder.Kind}
            result["recorded"] = len(scan.created)
            result["queued"] = {str(kind.label): count for kind, count in by_kind.items()}
            mail.outbox = []
            timings = []
            review_ids = list(
                Reminder.objects.filter(pk__in=queued, kind=Reminder.Kind.REVIEW).values_list("pk", flat=True)[
                    : max(1, sends // 2)
                ]
            )
            digest_ids = list(
                Reminder.objects.filter(pk__in=queued, kind=Reminder.Kind.DIGEST).values_list("pk", flat=True)[
                    : max(1, sends // 2)
                ]
            )
            per_kind: dict[str, list[float]] = {"review": [], "digest": []}
            for kind, ids in (("review", review_ids), ("digest", digest_ids)):
                budget = time.monotonic() + 45
                for reminder_id in ids:
                    if per_kind[kind] and time.monotonic() > budget:
                        break
                    started = time.perf_counter()
                    reminder_send(reminder_id=reminder_id, today=today)
                    per_kind[kind].append((time.perf_counter() - started) * 1000)
                    timings.append(per_kind[kind][-1])
            result["sent"] = len(mail.outbox)
            result["send_ms_median"] = {kind: round(statistics.median(t), 1) for kind, t in per_kind.items() if t}
            estimate = sum(
                by_kind[kind] * statistics.median(per_kind[name]) / 1000
                for kind, name in ((Reminder.Kind.REVIEW, "review"), (Reminder.Kind.DIGEST, "digest"))
                if per_kind[name]
            )
            result["all_sends_estimated_s"] = round(estimate, 1)
            raise _RollBack
    except _RollBack:
        pass
    return result


# --- figures and targets ------------------------------------------------------------


def floors(report: dict[str, Any]) -> dict[str, Any]:
    """Floor = the bare signed-in view's median (a request through every middleware, the
    session and the user) + the database time of the page's queries beyond the bare view's."""
    bare = report["pages"]["bare"]["c1"]["p50_ms"]
    bare_sql = report["sql_ms"]["bare"]
    result = {}
    for key, figures in report["pages"].items():
        if key == "bare":
            continue
        floor = bare + max(0.0, report["sql_ms"][key] - bare_sql)
        result[key] = {
            "floor_ms": round(floor, 2),
            "ratio_c1_median": round(figures["c1"]["p50_ms"] / floor, 2),
        }
    return result


def _check(name: str, value: float, limit: float, unit: str = "ms") -> dict[str, Any]:
    met = value <= limit
    by = f"{limit - value:.1f} {unit} to spare" if met else f"over by {value - limit:.1f} {unit} ({value / limit:.1f}×)"
    return {"target": name, "measured": f"{value:.1f} {unit}", "met": met, "by": by}


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    pages, csv_full = report["pages"], report["csv_full"]
    checks = [
        _check("register p95 ≤ 150 ms (c8)", pages["register"]["c8"]["p95_ms"], TARGET_REGISTER_P95),
        _check("register, status p95 ≤ 150 ms (c8)", pages["register_status"]["c8"]["p95_ms"], TARGET_REGISTER_P95),
        _check(
            "register, lead + status p95 ≤ 150 ms (c8)", pages["register_filtered"]["c8"]["p95_ms"], TARGET_REGISTER_P95
        ),
        _check(
            "register, status p95 ≤ admin change list, status p95 (c8)",
            pages["register_status"]["c8"]["p95_ms"],
            pages["admin_status"]["c8"]["p95_ms"],
        ),
        _check(
            "register, lead + status p95 ≤ admin change list, lead + status p95 (c8)",
            pages["register_filtered"]["c8"]["p95_ms"],
            pages["admin_filtered"]["c8"]["p95_ms"],
        ),
        _check("action page p95 ≤ 100 ms (c8)", pages["action"]["c8"]["p95_ms"], TARGET_ACTION_P95),
        _check("dashboard p95 ≤ 300 ms (c8)", pages["dashboard"]["c8"]["p95_ms"], TARGET_DASHBOARD_P95),
        _check(
            "dashboard, first view after a status update ≤ 300 ms (slowest of the samples)",
            report["dashboard_after_update"]["after_update_max_ms"],
            TARGET_DASHBOARD_P95,
        ),
    ]
    for key, floor in report["floors"].items():
        if key.startswith("admin"):
            continue
        checks.append(
            _check(f"{key} within 3× its floor (c1 medians)", floor["ratio_c1_median"], TARGET_FLOOR_RATIO, "×")
        )
    checks += [
        _check("CSV export: first byte within 1 s", csv_full["first_byte_s"], TARGET_CSV_FIRST_BYTE, "s"),
        _check(f"CSV export: {csv_full['rows']:,} rows ≤ 15 s", csv_full["total_s"], TARGET_CSV_TOTAL, "s"),
        _check("CSV export: worker memory growth ≤ 50 MB", csv_full["rss_growth_mb"], TARGET_CSV_MEMORY_MB, "MB"),
    ]
    return checks


def machine_facts() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1]
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg(),
    }


def versions(wrk: str) -> dict[str, str]:
    import django
    import gunicorn
    import psycopg2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk_version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split()[1]
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "gunicorn": gunicorn.__version__,
        "psycopg2": psycopg2.__version__.split()[0],
        "wrk": wrk_version,
    }


def data_size() -> dict[str, int]:
    from django.contrib.auth.models import User

    from actions.models import Action, ActionOwner, ActionUpdate, Initiative
    from meetings.models import Decision, Meeting
    from members.models import Body, FocalPoint, Member

    models = {
        "actions": Action,
        "action updates": ActionUpdate,
        "action owners": ActionOwner,
        "initiatives": Initiative,
        "members": Member,
        "bodies": Body,
        "meetings": Meeting,
        "decisions": Decision,
        "focal points": FocalPoint,
        "users": User,
    }
    counts = {name: model.objects.count() for name, model in models.items()}  # type: ignore[attr-defined]
    counts["action-decision mandates"] = Action.mandates.through.objects.count()
    return counts


def pending_migrations(env: dict[str, str]) -> str:
    """The benchmark never migrates a shared database; it says when one is behind."""
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--plan"],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    return "none" if check.returncode == 0 else check.stdout.strip()


# --- BENCHMARKS.md ------------------------------------------------------------------


def markdown(report: dict[str, Any], pages: list[Page]) -> str:
    machine, data = report["machine"], report["data"]
    lines = [
        "## Latest run of bench/run.py",
        "",
        f"Taken {report['started_at']} with `{report['command']}` ({report['elapsed_s']} s in all, "
        f"wrk runs of {report['duration_per_run_s']} s). Generated by the script: rerun it rather than edit.",
        "",
        f"**Machine**: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, Linux "
        f"{machine['kernel']}; load average at start {_loads(machine['load_average_at_start'])}. "
        "A shared 2-core machine: other engineers' tests ran now and then during the run, and wrk, "
        "gunicorn and PostgreSQL share the same two cores, so every figure is pessimistic and a little noisy.",
        "",
        "**Versions**: " + ", ".join(f"{name} {version}" for name, version in report["versions"].items()) + ".",
        "",
        f"**Server**: `{report['server']}` ({report['workers']} sync workers, as the Procfile says), DEBUG off, "
        "behind an assumed HTTPS proxy (every request carries `X-Forwarded-Proto: https`), signed in as a "
        "Secretariat user through the real sign-in form.",
        "",
        "**Data**: " + ", ".join(f"{count:,} {name}" for name, count in data.items()) + ".",
        f" Migrations not applied: {report['pending_migrations']}.",
        "",
        "**Chosen arguments** (the heaviest the data offers): "
        + "; ".join(f"{name}: {value}" for name, value in report["chosen"].items())
        + ".",
        "",
        "### Pages",
        "",
        "Latency in ms from wrk. c1 = one connection, c8 = eight, sat = sixteen (saturation: three "
        "workers on two cores). Floor = bare signed-in view's c1 median + the page's own SQL run "
        "straight through psycopg2 (median of repeated runs, beyond the bare view's own queries). "
        "Ratio = c1 median ÷ floor. Queries = per request, counted in-process on the same database.",
        "",
        "| page | queries | SQL ms | floor ms | c1 p50 | c1 p95 | c8 p50 | c8 p95 | rps c8 | rps sat | ratio | KB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    labels = {page.key: page.label for page in pages} | {"post": "status-update POST (saved, 302)"}
    for key, figures in report["pages"].items():
        floor = report["floors"].get(key, {})
        c1, c8, sat = figures["c1"], figures["c8"], figures["sat"]
        by_hand = " †" if c1.get("timed_by_hand") else ""
        lines.append(
            f"| {labels[key]}{by_hand} | {report['queries'][key]} | {report['sql_ms'][key]:.1f} | "
            f"{floor.get('floor_ms', c1['p50_ms']):.1f} | {c1['p50_ms']:.1f} | {c1['p95_ms']:.1f} | "
            f"{c8['p50_ms']:.1f} | {c8['p95_ms']:.1f} | {c8['rps']:.0f} | {sat['rps']:.0f} | "
            f"{floor.get('ratio_c1_median', 1.0):.1f}× | {c1['kb_per_request']} |"
        )
    errors = sum(f["bad_status"] + f["socket_errors"] for page in report["pages"].values() for f in page.values())
    lines += [
        "",
        "† Too slow for wrk's runs (a single request took over a quarter of a run): timed by hand, "
        "three requests one after another for c1 (p95 = the slowest), eight at once on eight "
        "connections for c8 (p95 = the slowest; rps = 8 ÷ the time the eight took, which also "
        "stands for saturation).",
    ]
    post = report["post_check"]
    after = report["dashboard_after_update"]
    lines += [
        "",
        f"Errors over all wrk runs (non-2xx/3xx answers, socket errors, timeouts): {errors}. "
        f"POSTs: {post['posts answered']:,} answered, {post['history rows added']:,} history rows added "
        f"({'each saved exactly once' if post['every POST saved once'] else 'MISMATCH'}; wrk leaves out "
        "requests in flight when its clock stops, which the server still saves); each POST carried the "
        "version its form would show, so none was a conflict.",
        "",
        f"**Peer**: register ÷ admin change list, same filter, c1 medians: status "
        f"{_ratio(report, 'register_status', 'admin_status', 'c1', 'p50_ms')}, lead + status "
        f"{_ratio(report, 'register_filtered', 'admin_filtered', 'c1', 'p50_ms')}; c8 p95: status "
        f"{_ratio(report, 'register_status', 'admin_status', 'c8', 'p95_ms')}, lead + status "
        f"{_ratio(report, 'register_filtered', 'admin_filtered', 'c8', 'p95_ms')}.",
        "",
        f"**Dashboard after a status update** ({after['samples']} times: POST an update, then open the "
        f"dashboard): median {after['after_update_p50_ms']} ms, slowest {after['after_update_max_ms']} ms; "
        f"opened again with nothing changed: median {after['unchanged_p50_ms']} ms.",
        "",
    ]
    csv_full = report["csv_full"]
    lines += [
        "### CSV export of the whole register",
        "",
        f"{csv_full['rows']:,} rows, {csv_full['megabytes']} MB (HTTP {csv_full['status']}): first byte after "
        f"{csv_full['first_byte_s']} s, last after {csv_full['total_s']} s ({csv_full['rows_per_s']:,} rows/s). "
        f"Serving worker's memory: VmRSS peak {csv_full['rss_growth_mb']} MB above its "
        f"{csv_full['rss_before_mb']} MB before the download (sampled every 20 ms), VmHWM grew "
        f"{csv_full['hwm_growth_mb']} MB.",
        "",
    ]
    reminders = report["reminders"]
    lines += ["### Reminder scan", ""]
    if "skipped" in reminders:
        lines.append(f"Skipped: {reminders['skipped']}.")
    else:
        lines.append(
            f"On {reminders['date']} (7 days before a review), {reminders['recipients']:,} active focal points "
            f"of the {reminders['members reminded']} members reminded (`REMINDER_FORUMS="
            f"{','.join(reminders['forums'])}`): the scan (`reminders_scan`, recording "
            f"and queuing) took **{reminders['scan_s']} s** and recorded {reminders['recorded']:,} reminders "
            f"({', '.join(f'{n:,} {kind.lower()}' for kind, n in reminders['queued'].items())}). Sending, "
            f"to the in-memory outbox: median {reminders['send_ms_median']} ms per reminder over "
            f"{reminders['sent']} sends, so about {reminders['all_sends_estimated_s']} s for all of them. "
            f"{reminders['focal points added']} focal points were added to reach that count; they, the "
            "reminders and the sends were rolled back afterwards."
        )
    lines += [
        "",
        "### Targets (issue 6, point 5)",
        "",
        "| target | measured | met | by how much |",
        "|---|--:|:-:|---|",
    ]
    for check in report["targets"]:
        lines.append(
            f"| {check['target']} | {check['measured']} | {'yes' if check['met'] else '**no**'} | {check['by']} |"
        )
    explain = RESULTS / "explain.md"
    if explain.exists():
        lines += ["", "### Query plans", "", "From `bench/results/explain.md` (bench/explain.py):", ""]
        lines.append(explain.read_text().strip())
    return "\n".join(lines)


def _loads(averages: list[float]) -> str:
    return ", ".join(f"{average:.2f}" for average in averages)


def _ratio(report: dict[str, Any], page: str, peer: str, level: str, figure: str) -> str:
    value = report["pages"][page][level][figure] / report["pages"][peer][level][figure]
    return f"{value:.2f}"


if __name__ == "__main__":
    main()

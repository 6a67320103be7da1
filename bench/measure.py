"""How bench/run.py measures: wrk runs, pages too slow for wrk, the wait for idle workers,
the dashboard after an update, the full CSV export with the workers' memory, and the
reminder scan. Django must be set up (bench.common.setup_django) before these are called."""

import csv
import datetime
import io
import json
import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import BENCH, HOST, Browser


@dataclass
class Page:
    key: str
    label: str
    path: str
    expected_status: int = 200
    method: str = "GET"


def post_form(action: Any, csrf_token: str) -> dict[str, str]:
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


def dashboard_after_update(browser: Browser, action_ids: list[int]) -> dict[str, Any]:
    """Record an update, then open the dashboard: the first view after each update."""
    from actions.models import Action

    timings: list[float] = []
    budget = time.monotonic() + 90
    for pk in action_ids:
        if len(timings) >= 3 and time.monotonic() > budget:
            break
        action = Action.objects.get(pk=pk)
        answer = browser.request("POST", f"/actions/{pk}/update-status/", post_form(action, browser.csrf_token()))
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


def measure_full_csv(worker_pids: Any, browser: Browser, port: int, expected_rows: int) -> dict[str, Any]:
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
    cut_off = ""
    try:
        while chunk := response.read1(65536):
            chunks.append(chunk)
    except (http.client.HTTPException, OSError) as error:
        # The worker died mid-download (gunicorn kills a sync worker after its timeout).
        cut_off = f"{type(error).__name__}: the download broke off"
    total = time.perf_counter() - started
    stop.set()
    sampler.join()
    connection.close()
    after = {pid: _memory(pid) for pid in pids}
    body = b"".join(chunks)
    # Whole rows only: a broken-off download ends in the middle of one.
    complete = body[: body.rfind(b"\n") + 1] if cut_off else body
    rows = sum(1 for _ in csv.reader(io.StringIO(complete.decode("utf-8-sig", "replace")))) - 1
    growth = {pid: peak[pid] - before[pid].get("VmRSS", 0) for pid in pids}
    serving = max(growth, key=lambda pid: growth[pid])
    return {
        "status": response.status,
        "rows": rows,
        "expected_rows": expected_rows,
        "cut_off": cut_off,
        "megabytes": round(len(body) / 1e6, 1),
        "first_byte_s": round(first_byte, 3),
        "total_s": round(total, 2),
        "rows_per_s": round(rows / total),
        "rss_growth_mb": round(growth[serving] / 1024, 1),
        "hwm_growth_mb": round((after[serving].get("VmHWM", 0) - before[serving].get("VmHWM", 0)) / 1024, 1),
        "rss_before_mb": round(before[serving].get("VmRSS", 0) / 1024, 1),
    }


class RollBack(Exception):
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
            raise RollBack
    except RollBack:
        pass
    return result

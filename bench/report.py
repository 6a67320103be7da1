"""What bench/run.py reports: floors and ratios, the issue's targets met or missed, the
machine, versions and data size, and the generated section of BENCHMARKS.md."""

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import BENCH, RESULTS

# Issue 6, point 5 (milliseconds at concurrency 8 unless said).
TARGET_REGISTER_P95 = 150.0
TARGET_ACTION_P95 = 100.0
TARGET_DASHBOARD_P95 = 300.0
TARGET_FLOOR_RATIO = 3.0
TARGET_CSV_FIRST_BYTE = 1.0
TARGET_CSV_TOTAL = 15.0
TARGET_CSV_MEMORY_MB = 50.0


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
        _check(
            f"CSV export: {csv_full['expected_rows']:,} rows ≤ 15 s"
            + (f" (broke off after {csv_full['rows']:,} rows)" if csv_full["cut_off"] else ""),
            csv_full["total_s"],
            TARGET_CSV_TOTAL,
            "s",
        ),
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


def markdown(report: dict[str, Any]) -> str:
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
    labels = report["labels"] | {"post": "status-update POST (saved, 302)"}
    for key, figures in report["pages"].items():
        floor = report["floors"].get(key, {})
        c1, c8, sat = figures["c1"], figures["c8"], figures["sat"]
        by_hand = " †" if c1.get("timed_by_hand") else ""
        lines.append(
            f"| {labels[key]}{by_hand} | {report['queries'][key]} | {report['sql_ms'][key]:.1f} | "
            f"{floor.get('floor_ms', c1['p50_ms']):.1f} | {c1['p50_ms']:.1f} | {c1['p95_ms']:.1f} | "
            f"{c8['p50_ms']:.1f} | {c8['p95_ms']:.1f} | {c8['rps']:.1f} | {sat['rps']:.1f} | "
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
        (
            f"**The download broke off** ({csv_full['cut_off']}) after {csv_full['rows']:,} of "
            f"{csv_full['expected_rows']:,} rows; gunicorn's log shows {csv_full['worker_timeouts_in_log']} "
            "WORKER TIMEOUT(s) over the whole run: the Procfile's gunicorn keeps its default 30 s "
            "timeout, and a sync worker still streaming after 30 s is killed. "
            if csv_full["cut_off"]
            else ""
        )
        + f"{csv_full['rows']:,} rows, {csv_full['megabytes']} MB (HTTP {csv_full['status']}): first byte after "
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
            + (
                f"{reminders['focal points added']} focal points were added to reach that count; they, the "
                "reminders and the sends were rolled back afterwards."
                if reminders["focal points added"]
                else "The reminders and the sends were rolled back afterwards."
            )
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

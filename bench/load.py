"""Load held: several signed-in users at once for a few minutes, then proof that nothing broke
and nothing was lost.

    python bench/load.py                 # 3 minutes on a fresh copy of the Bali Process record
    python bench/load.py --duration 60   # shorter

By default it builds its own database, `balitrack_load` (dropped and created again: it holds
nothing else), migrates it and loads the real record from fixtures/. With --database-url it
uses an existing database as it is instead (which must have been migrated).

Six Secretariat officers mix reading with status updates on the same four actions, each
opening the action page, taking a moment, and saving with the version the form showed, so
officers overtake one another and conflicts really happen; a co-chair and a member read.
gunicorn runs as the Procfile starts it, DEBUG off, on loopback. At the end it checks:

- no error: no 5xx, no 4xx other than a conflict's 409, no connection error;
- no lost update: each POST answered "saved" is exactly one history row with its note, each
  POST answered 409 left no row, and each action's version rose by exactly the number of
  updates saved for it during the run.

It prints the figures, writes bench/results/load.json and the "bench/load.py" section of
BENCHMARKS.md, and exits non-zero if a check failed.
"""

import argparse
import datetime
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    RESULTS,
    ROOT,
    Browser,
    collect_static,
    form_value,
    percentile,
    production_server,
    save_json,
    server_environment,
    setup_django,
    write_section,
)

LOAD_DATABASE = "balitrack_load"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
OFFICERS = 6
SHARED_ACTIONS = 4


@dataclass
class Tally:
    """What one simulated user saw. Each user has its own, so no locking is needed."""

    reads: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    saved: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def main() -> None:
    parser = argparse.ArgumentParser(description="A bounded load run with mixed reads and status updates.")
    parser.add_argument("--duration", type=int, default=180, help="Seconds of load (default 180).")
    parser.add_argument("--database-url", help=f"Use this database as it is instead of a fresh {LOAD_DATABASE}.")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-markdown", action="store_true")
    args = parser.parse_args()

    database_url = args.database_url or fresh_database()
    env = server_environment(database_url, args.port)
    setup_django(env)
    collect_static(env)
    password = secrets.token_urlsafe(18)
    officers, readers = make_users(password)
    shared, reads = choose_pages()
    versions_before = versions(shared)
    run_id = secrets.token_hex(4)

    with production_server(env, args.port, RESULTS / "gunicorn-load.log") as server:
        browsers = {}
        for username in officers + readers:
            browser = Browser(args.port, timeout=30)
            browser.sign_in(username, password)
            browser.request("GET", "/actions/")  # a member's first visit opens on their own country
            browsers[username] = browser
        started_at = _now()
        print(
            f"{len(officers)} officers and {len(readers)} readers for {args.duration} s on {server.base}...", flush=True
        )
        deadline = time.monotonic() + args.duration
        tallies: dict[str, Tally] = {name: Tally() for name in browsers}
        threads = [
            threading.Thread(
                target=officer,
                args=(browsers[name], tallies[name], shared, reads, deadline, random.Random(f"{args.seed}-{name}")),
                kwargs={"label": f"load {run_id} {name}"},
            )
            for name in officers
        ] + [
            threading.Thread(
                target=reader,
                args=(browsers[name], tallies[name], reads, deadline, random.Random(f"{args.seed}-{name}")),
            )
            for name in readers
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began

    result = check(tallies, shared, versions_before, started_at)
    result.update(
        database="the real Bali Process record (fixtures/), fresh database balitrack_load"
        if not args.database_url
        else "existing database (see command)",
        command=" ".join(["python bench/load.py", *sys.argv[1:]]),
        taken=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        users=f"{len(officers)} Secretariat officers updating {len(shared)} shared actions and reading, "
        f"{len(readers)} readers (a co-chair and a member)",
        seconds=round(elapsed, 1),
        server=" ".join(server.command[2:]).removeprefix("exec "),
    )
    save_json("load.json", result)
    print_result(result)
    if not args.no_markdown:
        write_section("bench/load.py", markdown(result))
    sys.exit(0 if result["held"] else 1)


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def fresh_database() -> str:
    """A database of its own, made anew each run: the record from fixtures/, migrated."""
    url = f"{POSTGRES}/{LOAD_DATABASE}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", LOAD_DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", LOAD_DATABASE], check=True)
    env = dict(os.environ, DATABASE_URL=url)
    for command in (["migrate", "--no-input", "-v0"], ["load_record", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    return url


def make_users(password: str) -> tuple[list[str], list[str]]:
    """Six Secretariat officers, a co-chair and a member (Indonesia, or the first member),
    all with this run's password."""
    from django.contrib.auth.models import Group, User

    from members.models import Member, Profile
    from members.roles import Role

    def user(username: str, role: Role, *, staff: bool = False) -> str:
        account, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        account.set_password(password)
        account.is_staff = staff
        account.is_active = True
        account.save()
        account.groups.set([Group.objects.get(name=role.value)])
        return username

    officers = [user(f"load-officer-{n}", Role.SECRETARIAT, staff=True) for n in range(1, OFFICERS + 1)]
    cochair = user("load-cochair", Role.CO_CHAIRS)
    member = user("load-member", Role.MEMBERS)
    country = Member.objects.filter(code="ID").first() or Member.objects.order_by("pk").first()
    Profile.objects.update_or_create(user=User.objects.get(username=member), defaults={"member": country})
    return officers, [cochair, member]


def choose_pages() -> tuple[list[int], list[str]]:
    from actions.models import Action
    from meetings.models import Meeting
    from members.models import Member

    shared = list(Action.objects.order_by("pk").values_list("pk", flat=True)[:SHARED_ACTIONS])
    others = list(Action.objects.order_by("-pk").values_list("pk", flat=True)[:6])
    meetings = list(Meeting.objects.order_by("pk").values_list("slug", flat=True)[:4])
    members = list(Member.objects.order_by("pk").values_list("code", flat=True)[:4])
    reads = [
        "/actions/",
        "/actions/?status=in_progress",
        "/actions/?q=trafficking",
        "/actions/?sort=-updated",
        "/actions/export.csv?status=in_progress",
        "/dashboard/",
        "/meetings/",
        "/members/",
        "/groups/",
        *(f"/actions/{pk}/" for pk in shared + others),
        *(f"/meetings/{slug}/" for slug in meetings),
        *(f"/members/{urllib.parse.quote(code)}/" for code in members),
    ]
    return shared, reads


def versions(actions: list[int]) -> dict[int, int]:
    from actions.models import Action

    return dict(Action.objects.filter(pk__in=actions).values_list("pk", "version"))


def _read(browser: Browser, tally: Tally, path: str) -> None:
    try:
        answer = browser.request("GET", path)
    except OSError as error:
        tally.errors.append(f"GET {path}: {type(error).__name__}: {error}")
        return
    tally.statuses[answer.status] += 1
    tally.reads.append(answer.seconds)
    if answer.status >= 400:
        tally.errors.append(f"GET {path}: HTTP {answer.status}")


def officer(
    browser: Browser,
    tally: Tally,
    shared: list[int],
    reads: list[str],
    deadline: float,
    rng: random.Random,
    *,
    label: str,
) -> None:
    """Half reads, half status updates: open the action, think, save with the form's version."""
    sequence = 0
    while time.monotonic() < deadline:
        if rng.random() < 0.5:
            _read(browser, tally, rng.choice(reads))
            continue
        pk = rng.choice(shared)
        try:
            page = browser.request("GET", f"/actions/{pk}/")
        except OSError as error:
            tally.errors.append(f"GET /actions/{pk}/: {type(error).__name__}: {error}")
            continue
        tally.statuses[page.status] += 1
        tally.reads.append(page.seconds)
        if page.status != 200:
            tally.errors.append(f"GET /actions/{pk}/: HTTP {page.status}")
            continue
        version = form_value(page.text, "version")
        token = form_value(page.text, "csrfmiddlewaretoken")
        time.sleep(rng.uniform(0, 0.3))  # reading the page, typing the note
        sequence += 1
        note = f"{label} #{sequence}"
        form = {
            "csrfmiddlewaretoken": token,
            "status": "in_progress",
            "progress": str(rng.randint(1, 99)),
            "target_date": "",
            "note": note,
            "version": version,
        }
        try:
            answer = browser.request("POST", f"/actions/{pk}/update-status/", form)
        except OSError as error:
            tally.errors.append(f"POST /actions/{pk}/: {type(error).__name__}: {error}")
            continue
        tally.statuses[answer.status] += 1
        tally.posts.append(answer.seconds)
        if answer.status == 302:
            tally.saved.append((pk, note))
        elif answer.status == 409 and re.search(r"changed|updated", answer.text, re.I):
            tally.conflicts.append((pk, note))
        else:
            tally.errors.append(f"POST /actions/{pk}/update-status/: HTTP {answer.status}")


def reader(browser: Browser, tally: Tally, reads: list[str], deadline: float, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        _read(browser, tally, rng.choice(reads))
        time.sleep(rng.uniform(0, 0.1))


def check(
    tallies: dict[str, Tally], shared: list[int], before: dict[int, int], started_at: datetime.datetime
) -> dict[str, Any]:
    from django.db.models import Count

    from actions.models import ActionUpdate

    saved = [entry for tally in tallies.values() for entry in tally.saved]
    conflicts = [entry for tally in tallies.values() for entry in tally.conflicts]
    errors = [error for tally in tallies.values() for error in tally.errors]
    statuses: Counter[int] = Counter()
    for tally in tallies.values():
        statuses.update(tally.statuses)
    notes = dict(
        ActionUpdate.objects.filter(note__in=[note for _, note in saved + conflicts])
        .values("note")
        .annotate(n=Count("id"))
        .values_list("note", "n")
    )
    saved_not_once = [note for _, note in saved if notes.get(note, 0) != 1]
    refused_but_stored = [note for _, note in conflicts if notes.get(note, 0) != 0]
    after = versions(shared)
    rows_since = dict(
        ActionUpdate.objects.filter(action_id__in=shared, recorded_at__gte=started_at)
        .values("action_id")
        .annotate(n=Count("id"))
        .values_list("action_id", "n")
    )
    saved_per_action = Counter(pk for pk, _ in saved)
    per_action = {
        pk: {
            "saved": saved_per_action[pk],
            "history rows added": rows_since.get(pk, 0),
            "version rose by": after[pk] - before[pk],
        }
        for pk in shared
    }
    versions_agree = all(
        entry["saved"] == entry["history rows added"] == entry["version rose by"] for entry in per_action.values()
    )
    reads = [seconds for tally in tallies.values() for seconds in tally.reads]
    posts = [seconds for tally in tallies.values() for seconds in tally.posts]
    held = (
        not errors
        and not saved_not_once
        and not refused_but_stored
        and versions_agree
        and bool(saved)
        and bool(conflicts)
    )
    return {
        "held": held,
        "requests": len(reads) + len(posts),
        "reads": len(reads),
        "posts": len(posts),
        "saved": len(saved),
        "conflicts (409)": len(conflicts),
        "errors": len(errors),
        "first errors": errors[:10],
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "saved POSTs not exactly one history row": len(saved_not_once),
        "refused POSTs that left a row": len(refused_but_stored),
        "per action": per_action,
        "versions agree": versions_agree,
        "read_ms": _spread(reads),
        "post_ms": _spread(posts),
    }


def _spread(seconds: list[float]) -> dict[str, float]:
    milliseconds = [value * 1000 for value in seconds]
    return {
        "p50": round(statistics.median(milliseconds), 1) if milliseconds else 0.0,
        "p95": round(percentile(milliseconds, 0.95), 1),
        "max": round(max(milliseconds, default=0.0), 1),
    }


def print_result(result: dict[str, Any]) -> None:
    for key, value in result.items():
        print(f"{key}: {value}")
    print("LOAD HELD" if result["held"] else "LOAD NOT HELD", flush=True)


def markdown(result: dict[str, Any]) -> str:
    rate = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    lines = [
        "## Load held (issue 7, point 8): latest run of bench/load.py",
        "",
        f"Taken {result['taken']} with `{result['command']}`, on {result['database']}; server `{result['server']}` "
        "(DEBUG off, loopback). Generated by the script: rerun it rather than edit.",
        "",
        f"{result['users']}, for {result['seconds']} s: **{result['requests']:,} requests** ({rate:.1f}/s): "
        f"{result['reads']:,} page reads (p50 {result['read_ms']['p50']} ms, p95 {result['read_ms']['p95']} ms, "
        f"slowest {result['read_ms']['max']} ms) and {result['posts']:,} status-update POSTs (p50 "
        f"{result['post_ms']['p50']} ms, p95 {result['post_ms']['p95']} ms): {result['saved']:,} saved, "
        f"{result['conflicts (409)']:,} refused as conflicts (409, the officer shown the other change).",
        "",
        "| check | result |",
        "|---|---|",
        f"| errors (5xx, unexpected 4xx, connection errors) | {result['errors']} |",
        f"| answers by status | {', '.join(f'{status}: {n:,}' for status, n in result['statuses'].items())} |",
        "| saved POSTs that are not exactly one history row with their note | "
        f"{result['saved POSTs not exactly one history row']} |",
        f"| POSTs refused as conflicts that left a row | {result['refused POSTs that left a row']} |",
        "| each action's version rose by its updates saved in the run | "
        + ("yes" if result["versions agree"] else "**no**")
        + ": "
        + "; ".join(
            f"#{pk}: {entry['saved']} saved, {entry['history rows added']} rows, version +{entry['version rose by']}"
            for pk, entry in result["per action"].items()
        )
        + " |",
        "",
        f"**{'Held' if result['held'] else 'NOT held'}**: "
        + ("zero errors and zero lost updates." if result["held"] else "see bench/results/load.json for what failed."),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Load held: several signed-in users at once for a few minutes, then proof that nothing broke
and nothing was lost.

    python bench/load.py                 # 3 minutes on a fresh copy of the Bali Process record
    python bench/load.py --duration 60   # shorter

By default it builds its own database, `balitrack_load` (or --database NAME; dropped and
created again: it holds nothing else), migrates it and loads the real record from fixtures/.
With --database-url it uses an existing database as it is instead (which must have been
migrated).

Six Secretariat officers mix reading with status updates on the same four actions, each
opening the action page, taking a moment, and saving with the version the form showed, so
officers overtake one another and conflicts really happen, and now and then sign out and in
again through the form; a co-chair and a member read. gunicorn runs as the Procfile starts
it, DEBUG off, on loopback, behind the HTTPS proxy it assumes (TRUSTED_PROXY_COUNT=1): every
user's requests carry the X-Forwarded-For the proxy would add, each user at an address of
their own.

Meanwhile an attacker, one client, guesses the officers' passwords (and made-up names) as fast
as it can, and runs the broadest searches a signed-in member may send. Its X-Forwarded-For
names made-up addresses: mostly written in front of its own, which the proxy appends (what
an honest proxy forwards), sometimes alone (as from many addresses). At the end it checks:

- no error: no 5xx, no 4xx other than a conflict's 409, no connection error, for anybody;
- nobody locked out: every officer's sign-in during the run succeeded, while the attacker
  was locked out (429) and no lock names an officer's address;
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
# Each user's address behind the proxy (documentation ranges, RFC 5737): officers and
# readers at 203.0.113.x, the attacker at 198.51.100.66, its made-up addresses in 192.0.2.x.
ATTACKER_AT = "198.51.100.66"
# A signed-in officer signs out and in again about this often.
SIGN_IN_AGAIN_SECONDS = 20.0
# The broadest searches a signed-in user may send: one letter matches nearly every action,
# six words is the most the register takes, and longer ones must be refused, not run.
BROAD_SEARCHES = [
    "/actions/?q=a",
    "/actions/?q=a+e+i+o+u+t",
    "/actions/export.csv?q=a+e+i+o+u+t",
    "/actions/?q=" + "+".join("abcdefg"),
    "/actions/export.csv?q=" + "+".join("a" * 100),
]


@dataclass
class Tally:
    """What one simulated user saw. Each user has its own, so no locking is needed."""

    reads: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    saved: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    sign_ins: int = 0


@dataclass
class AttackTally:
    """What the attacker got: the answers to its guesses and to its searches."""

    guesses: Counter[int] = field(default_factory=Counter)
    searches: Counter[int] = field(default_factory=Counter)
    search_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(description="A bounded load run with mixed reads and status updates.")
    parser.add_argument("--duration", type=int, default=180, help="Seconds of load (default 180).")
    parser.add_argument(
        "--database", default=LOAD_DATABASE, help=f"The fresh database's name (default {LOAD_DATABASE})."
    )
    parser.add_argument("--database-url", help="Use this database as it is instead of a fresh one.")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-markdown", action="store_true")
    args = parser.parse_args()

    database_url = args.database_url or fresh_database(args.database)
    env = server_environment(database_url, args.port)
    env["TRUSTED_PROXY_COUNT"] = "1"
    setup_django(env)
    collect_static(env)
    password = secrets.token_urlsafe(18)
    officers, readers = make_users(password)
    attacker_account = make_attacker(password)
    addresses = {name: f"203.0.113.{number}" for number, name in enumerate(officers + readers, start=1)}
    shared, reads = choose_pages()
    versions_before = versions(shared)
    run_id = secrets.token_hex(4)

    with production_server(env, args.port, RESULTS / "gunicorn-load.log") as server:
        browsers = {}
        for username in officers + readers:
            browser = Browser(args.port, timeout=30, forwarded_for=addresses[username])
            browser.sign_in(username, password)
            browser.request("GET", "/actions/")  # a member's first visit opens on their own country
            browsers[username] = browser
        # The attacker's own account, signed in before it starts guessing from the same address.
        searcher = Browser(args.port, timeout=60, forwarded_for=ATTACKER_AT)
        searcher.sign_in(attacker_account, password)
        started_at = _now()
        print(
            f"{len(officers)} officers and {len(readers)} readers for {args.duration} s on {server.base}...", flush=True
        )
        deadline = time.monotonic() + args.duration
        tallies: dict[str, Tally] = {name: Tally() for name in browsers}
        attack = AttackTally()
        threads = [
            threading.Thread(
                target=officer,
                args=(browsers[name], tallies[name], shared, reads, deadline, random.Random(f"{args.seed}-{name}")),
                kwargs={"label": f"load {run_id} {name}", "username": name, "password": password},
            )
            for name in officers
        ] + [
            threading.Thread(
                target=reader,
                args=(browsers[name], tallies[name], reads, deadline, random.Random(f"{args.seed}-{name}")),
            )
            for name in readers
        ]
        threads.append(
            threading.Thread(
                target=attacker,
                args=(args.port, searcher, officers, attack, deadline, random.Random(f"{args.seed}-attacker")),
            )
        )
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began

    result = check(tallies, shared, versions_before, started_at)
    result.update(check_attack(attack, addresses))
    result["held"] = result["held"] and result["attack held"]
    result.update(
        database=f"the real Bali Process record (fixtures/), fresh database {args.database}"
        if not args.database_url
        else "existing database (see command)",
        command=" ".join(["python bench/load.py", *sys.argv[1:]]),
        taken=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        users=f"{len(officers)} Secretariat officers updating {len(shared)} shared actions, reading and signing in "
        f"again, {len(readers)} readers (a co-chair and a member), and an attacker guessing the officers' "
        "passwords and running broad searches, all behind the proxy (TRUSTED_PROXY_COUNT=1)",
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


def fresh_database(name: str) -> str:
    """A database of its own, made anew each run: the record from fixtures/, migrated."""
    url = f"{POSTGRES}/{name}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
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


def make_attacker(password: str) -> str:
    """A member's account the attacker holds, with this run's password: signed in, it may search."""
    from django.contrib.auth.models import Group, User

    from members.models import Member, Profile
    from members.roles import Role

    account, _ = User.objects.get_or_create(username="load-attacker")
    account.set_password(password)
    account.is_active = True
    account.save()
    account.groups.set([Group.objects.get(name=Role.MEMBERS.value)])
    Profile.objects.update_or_create(user=account, defaults={"member": Member.objects.order_by("pk").first()})
    return account.username


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
    username: str,
    password: str,
) -> None:
    """Half reads, half status updates: open the action, think, save with the form's version.
    Every SIGN_IN_AGAIN_SECONDS or so, sign out and in again through the form."""
    sequence = 0
    next_sign_in = time.monotonic() + rng.uniform(0, SIGN_IN_AGAIN_SECONDS)
    while time.monotonic() < deadline:
        if time.monotonic() >= next_sign_in:
            next_sign_in += SIGN_IN_AGAIN_SECONDS
            sign_in_again(browser, tally, username, password)
            continue
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


def sign_in_again(browser: Browser, tally: Tally, username: str, password: str) -> None:
    """Sign out, then in through the form, as an officer back from a break: refused is an error."""
    try:
        browser.request("POST", "/accounts/logout/", {"csrfmiddlewaretoken": browser.csrf_token()})
        page = browser.request("GET", "/accounts/login/")
        form = {"csrfmiddlewaretoken": form_value(page.text, "csrfmiddlewaretoken"), "username": username}
        answer = browser.request("POST", "/accounts/login/", form | {"password": password})
    except OSError as error:
        tally.errors.append(f"sign-in of {username}: {type(error).__name__}: {error}")
        return
    tally.statuses[answer.status] += 1
    tally.sign_ins += 1
    if answer.status != 302 or "sessionid" not in browser.cookies:
        tally.errors.append(f"sign-in of {username}: HTTP {answer.status} (locked out)")


def attacker(
    port: int,
    searcher: Browser,
    officers: list[str],
    tally: AttackTally,
    deadline: float,
    rng: random.Random,
) -> None:
    """Two guesses for each broad search, with no pause: the officers' usernames and made-up
    ones, wrong passwords, from made-up addresses in X-Forwarded-For."""
    guesser = Browser(port, timeout=60)
    while time.monotonic() < deadline:
        if rng.random() < 1 / 3:
            path = rng.choice(BROAD_SEARCHES)
            try:
                answer = searcher.request("GET", path)
            except OSError as error:
                tally.errors.append(f"GET {path}: {type(error).__name__}: {error}")
                continue
            tally.searches[answer.status] += 1
            tally.search_ms.append(answer.seconds * 1000)
            if answer.status >= 500:
                tally.errors.append(f"GET {path}: HTTP {answer.status}")
            continue
        made_up = f"192.0.2.{rng.randint(1, 254)}"
        # Mostly what the proxy forwards when the attacker writes its own header (the proxy
        # appends the attacker's real address); sometimes a made-up address alone, as from a
        # client the proxy saw at that address.
        guesser.forwarded_for = f"{made_up}, {ATTACKER_AT}" if rng.random() < 0.8 else made_up
        username = rng.choice(officers) if rng.random() < 0.7 else f"admin{rng.randint(1, 999)}"
        try:
            page = guesser.request("GET", "/accounts/login/")
            token = form_value(page.text, "csrfmiddlewaretoken")
            answer = guesser.request(
                "POST",
                "/accounts/login/",
                {"csrfmiddlewaretoken": token, "username": username, "password": secrets.token_urlsafe(9)},
            )
        except (OSError, ValueError) as error:
            tally.errors.append(f"guess: {type(error).__name__}: {error}")
            continue
        tally.guesses[answer.status] += 1
        if answer.status >= 500:
            tally.errors.append(f"guess at {username}: HTTP {answer.status}")


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
        "officer sign-ins": sum(tally.sign_ins for tally in tallies.values()),
        "officer sign-ins refused": sum(1 for error in errors if error.startswith("sign-in of")),
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


def check_attack(tally: AttackTally, addresses: dict[str, str]) -> dict[str, Any]:
    """What the attacker got, and whose sign-in is locked at the end: its addresses only."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Count, Sum

    from accounts.models import SignInFailure

    pairs = (
        AccessAttempt.objects.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    locked_pairs = [(pair["username"], pair["ip_address"]) for pair in pairs]
    failures_by_address = dict(
        SignInFailure.objects.values("address").annotate(n=Count("id")).values_list("address", "n")
    )
    locked_addresses = sorted(a for a, n in failures_by_address.items() if n >= settings.SIGN_IN_ADDRESS_LIMIT)
    ours = set(addresses.values())
    officers_locked = [pair for pair in locked_pairs if pair[1] in ours] + [a for a in locked_addresses if a in ours]
    return {
        "attack held": not tally.errors and not officers_locked and tally.guesses[429] > 0,
        "attacker guesses": sum(tally.guesses.values()),
        "attacker guesses by status": {str(status): n for status, n in sorted(tally.guesses.items())},
        "attacker searches": sum(tally.searches.values()),
        "attacker searches by status": {str(status): n for status, n in sorted(tally.searches.items())},
        "attacker search_ms": _spread([ms / 1000 for ms in tally.search_ms]),
        "attacker errors (5xx, connection)": len(tally.errors),
        "attacker first errors": tally.errors[:10],
        "locked pairs at the end": len(locked_pairs),
        "locked pairs at the attacker address": sum(1 for _, ip in locked_pairs if ip == ATTACKER_AT),
        "failures counted at the attacker address": failures_by_address.get(ATTACKER_AT, 0),
        "locked addresses at the end": locked_addresses,
        "locks naming a user address": officers_locked,
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
        "## Load held (issue 7, point 8; issue 14's attacker): latest run of bench/load.py",
        "",
        f"Taken {result['taken']} with `{result['command']}`, on {result['database']}; server `{result['server']}` "
        "(DEBUG off, loopback). Generated by the script: rerun it rather than edit.",
        "",
        f"{result['users']}, for {result['seconds']} s: **{result['requests']:,} requests** ({rate:.1f}/s): "
        f"{result['reads']:,} page reads (p50 {result['read_ms']['p50']} ms, p95 {result['read_ms']['p95']} ms, "
        f"slowest {result['read_ms']['max']} ms) and {result['posts']:,} status-update POSTs (p50 "
        f"{result['post_ms']['p50']} ms, p95 {result['post_ms']['p95']} ms): {result['saved']:,} saved, "
        f"{result['conflicts (409)']:,} refused as conflicts (409, the officer shown the other change); "
        f"{result['officer sign-ins']} sign-ins of officers through the form during the run.",
        "",
        f"The attacker made {result['attacker guesses']:,} wrong guesses (answers "
        f"{', '.join(f'{status}: {n:,}' for status, n in result['attacker guesses by status'].items())}) and "
        f"{result['attacker searches']:,} broad searches (answers "
        f"{', '.join(f'{status}: {n:,}' for status, n in result['attacker searches by status'].items())}; "
        f"p50 {result['attacker search_ms']['p50']} ms, slowest {result['attacker search_ms']['max']} ms).",
        "",
        "| check | result |",
        "|---|---|",
        f"| errors (5xx, unexpected 4xx, connection errors) | {result['errors']} |",
        f"| officers' sign-ins refused (locked out) | {result['officer sign-ins refused']} "
        f"of {result['officer sign-ins']} |",
        f"| the attacker's errors (5xx, connection errors) | {result['attacker errors (5xx, connection)']} |",
        f"| locks at the end: pairs (username, address) | {result['locked pairs at the end']}, "
        f"{result['locked pairs at the attacker address']} at the attacker's own address, the rest at "
        "made-up ones |",
        f"| locks at the end: addresses (30 failures within the hour) | "
        f"{', '.join(result['locked addresses at the end']) or 'none'} "
        f"({result['failures counted at the attacker address']} failures counted at the attacker's) |",
        f"| locks naming an officer's or a reader's address | {len(result['locks naming a user address'])} |",
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
        + (
            "zero errors, nobody but the attacker locked out, and zero lost updates."
            if result["held"]
            else "see bench/results/load.json for what failed."
        ),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

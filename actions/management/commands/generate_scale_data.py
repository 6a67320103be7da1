"""Fill an empty database with a large synthetic record, to measure BaliTrack at scale."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.scale_data import (
    BENCH_CO_CHAIR,
    BENCH_MEMBER,
    BENCH_PASSWORD,
    BENCH_SECRETARIAT,
    RecordNotEmpty,
    generate,
    iter_summary,
)


class Command(BaseCommand):
    help = (
        "Build a synthetic record (members, bodies, meetings, decisions, strategies, actions with owners, "
        "pillars, mandates and ten years of status updates) deterministically from --seed, in a database "
        "of its own: it refuses a database that holds any action. Also makes the accounts "
        f"{BENCH_SECRETARIAT} (Secretariat, staff), {BENCH_CO_CHAIR} (Co-Chairs) and {BENCH_MEMBER} "
        f"(Members, for the member leading most actions), password {BENCH_PASSWORD!r} unless --password says."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actions", type=int, default=100_000)
        parser.add_argument("--updates", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=BENCH_PASSWORD, help="Password of the bench-* accounts.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per COPY or INSERT.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["actions"] < 1 or options["updates"] < 0 or options["batch_size"] < 1:
            raise CommandError("--actions and --batch-size must be at least 1, --updates at least 0.")
        started = time.monotonic()
        try:
            counts = generate(
                actions=options["actions"],
                updates=options["updates"],
                seed=options["seed"],
                password=options["password"],
                batch_size=options["batch_size"],
                log=self.stdout.write,
            )
        except RecordNotEmpty as error:
            raise CommandError(
                f"{error} The synthetic record goes into a database of its own, never beside the real "
                "record: create one (createdb balitrack_scale), point DATABASE_URL at it and migrate."
            ) from error
        for line in iter_summary(counts):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
        for username in (BENCH_SECRETARIAT, BENCH_CO_CHAIR, BENCH_MEMBER):
            self.stdout.write(f"  {username:<18} password {options['password']}")

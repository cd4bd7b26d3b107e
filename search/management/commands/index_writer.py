import argparse
import signal

from django.core.management.base import BaseCommand, CommandError

from newspaper import freed_memory
from search.writer import BATCH, QUIET, IndexWriter


class Command(BaseCommand):
    help = (
        "The one writer of the search index: writes the articles queued in the outbox (imports, "
        "corrections, renames) in batches, until stopped. make run and docker-compose start it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--drain", action="store_true", help="write until the outbox is empty, then exit")
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--batch", type=int, default=BATCH, help=f"articles per commit during imports ({BATCH})")
        parser.add_argument("--quiet", type=float, default=QUIET, help=argparse.SUPPRESS)
        parser.add_argument(
            "--check-every",
            type=float,
            default=3600,
            help="seconds between comparisons of the index with the database when idle (0: never)",
        )

    def handle(self, *args, **options):
        freed_memory.map_large_blocks()  # a merge's big arrays go back to the system when freed
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stop)
        writer = IndexWriter(batch=options["batch"], most=4 * options["batch"], quiet=options["quiet"])
        drain = options["drain"]
        failing = writer.run(
            drain=drain,
            parent=options["parent"],
            check_every=0 if drain or options["parent"] else options["check_every"],
            stop=lambda: bool(stopping),
        )
        if options["verbosity"] >= 1 and drain:
            self.stdout.write(f"index writer: {writer.written} articles written")
        if failing:
            raise CommandError(f"{failing} articles could not be written to the index (see the admin's 待写入索引)")

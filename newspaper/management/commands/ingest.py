from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newspaper.ingest import Status, ingest_sources
from newspaper.management.commands._args import parse_date
from newspaper.outbox import WriterForCommand
from newspaper.sources import count_sources, iter_sources


class Command(BaseCommand):
    help = (
        "Import OCR text dumps: files, folders (recursively) and .zip archives. One page per "
        "transaction; the index writer makes them searchable alongside (started here when none "
        "is running), and the command returns once they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--date", type=parse_date, help="issue date for dumps without one (YYYY-MM-DD)")
        parser.add_argument("--page", type=int, help="page number for dumps without one")
        parser.add_argument("--dry-run", action="store_true", help="parse and check everything, store nothing")
        parser.add_argument("--no-wait", action="store_true", help="return once stored, before they are searchable")

    def handle(self, *args, **options):
        # Streamed: a dump's bytes are read when its turn comes (an archive of 150k pages is 3 GB).
        total = count_sources(options["paths"])
        if not total:
            raise CommandError("no dumps found in " + " ".join(options["paths"]))
        sources = iter_sources(options["paths"])
        counts: Counter[str] = Counter()
        bar = tqdm(total=total, unit="page", disable=total < 5 or options["verbosity"] == 0, file=self.stderr)
        dry_run = options["dry_run"]
        with WriterForCommand(self.stderr, start=not dry_run) as writer:
            for outcome in ingest_sources(sources, date=options["date"], page=options["page"], dry_run=dry_run):
                bar.update()
                counts[outcome.status] += 1
                if outcome.failed:
                    bar.write(self.style.ERROR(outcome.line()), file=self.stderr, end="")
                elif options["verbosity"] >= 1:
                    bar.write(outcome.line(), file=self.stdout, end="")
                    for warning in outcome.warnings if options["verbosity"] >= 2 else []:
                        bar.write(f"  warning: {warning}", file=self.stdout, end="")
                    for line in outcome.kept_lines():
                        bar.write(line, file=self.stdout, end="")
            left = None if dry_run or options["no_wait"] else writer.wait()
        summary = ", ".join(
            f"{counts[s]} {s}" for s in (Status.CREATED, Status.UPDATED, Status.UNCHANGED, Status.FAILED)
        )
        prefix = "dry run, nothing stored: " if dry_run else ""
        self.stdout.write(f"{prefix}{counts.total()} dumps: {summary}")
        if left and left["waiting"]:
            self.stderr.write(
                self.style.WARNING(
                    f"{left['waiting']} articles are stored but not yet searchable: writing them to the index "
                    f"failed ({left['error']}); the index writer retries them"
                )
            )
        if counts[Status.FAILED]:
            raise CommandError(f"{counts[Status.FAILED]} of {counts.total()} dumps failed")

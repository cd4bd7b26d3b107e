from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newspaper.ingest import BatchIndexer, Status, iter_sources
from newspaper.management.commands._args import parse_date


class Command(BaseCommand):
    help = "Import OCR text dumps: files, folders (recursively) and .zip archives. One page per transaction."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--date", type=parse_date, help="issue date for dumps without one (YYYY-MM-DD)")
        parser.add_argument("--page", type=int, help="page number for dumps without one")
        parser.add_argument("--dry-run", action="store_true", help="parse and check everything, store nothing")

    def handle(self, *args, **options):
        sources = list(iter_sources(options["paths"]))
        if not sources:
            raise CommandError("no dumps found in " + " ".join(options["paths"]))
        counts: Counter[str] = Counter()
        bar = tqdm(sources, unit="page", disable=len(sources) < 5 or options["verbosity"] == 0, file=self.stderr)
        with BatchIndexer() as batch:
            for source in bar:
                outcome = batch.ingest(source, date=options["date"], page=options["page"], dry_run=options["dry_run"])
                counts[outcome.status] += 1
                if outcome.failed:
                    bar.write(self.style.ERROR(outcome.line()), file=self.stderr, end="")
                elif options["verbosity"] >= 1:
                    bar.write(outcome.line(), file=self.stdout, end="")
                    for warning in outcome.warnings if options["verbosity"] >= 2 else []:
                        bar.write(f"  warning: {warning}", file=self.stdout, end="")
        summary = ", ".join(
            f"{counts[s]} {s}" for s in (Status.CREATED, Status.UPDATED, Status.UNCHANGED, Status.FAILED)
        )
        prefix = "dry run, nothing stored: " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{len(sources)} dumps: {summary}")
        if batch.failed:
            self.stderr.write(
                self.style.WARNING(
                    f"{batch.failed} articles are stored but not yet searchable: queued for the index worker"
                )
            )
        if counts[Status.FAILED]:
            raise CommandError(f"{counts[Status.FAILED]} of {len(sources)} dumps failed")

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newspaper.ingest import reparse_page
from newspaper.models import Page


class Command(BaseCommand):
    help = "Parse the stored raw text of pages again (after the parser improved) and update them in place."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="only pages of this issue date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        pages = Page.objects.select_related("issue").order_by("issue__date", "number")
        if options["date"]:
            pages = pages.filter(issue__date=options["date"])
        counts: Counter[str] = Counter()
        for page in tqdm(list(pages), unit="page", disable=options["verbosity"] == 0, file=self.stderr):
            outcome = reparse_page(page, dry_run=options["dry_run"])
            counts[outcome.status] += 1
            if outcome.failed:
                self.stderr.write(outcome.line())
        self.stdout.write(f"{sum(counts.values())} pages: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} pages failed")

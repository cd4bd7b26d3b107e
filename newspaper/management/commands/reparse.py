from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newspaper.ingest import reparse_page
from newspaper.models import Page
from newspaper.outbox import WriterForCommand


class Command(BaseCommand):
    help = "Parse the stored raw text of pages again (after the parser improved) and update them in place."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="only pages of this issue date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        pages = Page.objects.order_by("issue__date", "number")
        if options["date"]:
            pages = pages.filter(issue__date=options["date"])
        counts: Counter[str] = Counter()
        kept = 0
        with WriterForCommand(self.stderr) as writer:
            # one page's raw text in memory at a time
            for pk in tqdm(
                list(pages.values_list("pk", flat=True)),
                unit="page",
                disable=options["verbosity"] == 0,
                file=self.stderr,
            ):
                outcome = reparse_page(Page.objects.select_related("issue").get(pk=pk), dry_run=options["dry_run"])
                counts[outcome.status] += 1
                if outcome.failed:
                    self.stderr.write(outcome.line())
                if outcome.kept:  # what an editor corrected stays: say so, article by article
                    kept += len(outcome.kept)
                    self.stdout.write(outcome.source + ":\n" + "\n".join(outcome.kept_lines()))
            if not options["dry_run"]:
                writer.wait()
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        corrections = f"; kept the corrections of {kept} articles (see above)" if kept else ""
        self.stdout.write(f"{sum(counts.values())} pages: {summary}{corrections}")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} pages failed")

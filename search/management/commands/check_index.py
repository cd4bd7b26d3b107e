from django.core.management.base import BaseCommand, CommandError
from haystack import connections

from newspaper.outbox import WriterForCommand
from search import consistency


class Command(BaseCommand):
    help = (
        "Compare the search index with the database article by article (present, and written from "
        "the current version). Exits non-zero when they differ; --repair queues what differs and "
        "waits until the index writer has written it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="queue what differs and wait until it is written")
        parser.add_argument(
            "--full", action="store_true", help="also recompute every entry's content from the database (slower)"
        )

    def handle(self, *args, **options):
        backend = connections["default"].get_backend()
        found = consistency.compare(backend, full=options["full"])
        if not found.matches and options["repair"]:
            self.stdout.write(found.line())
            with WriterForCommand(self.stderr) as writer:
                queued = consistency.repair(found)
                self.stdout.write(f"queued {queued} articles for the index writer")
                writer.wait()
            found = consistency.compare(backend, full=options["full"])
        self.stdout.write(found.line())
        if not found.matches:
            raise CommandError("the search index differs from the database")

from django.core.management.base import BaseCommand
from haystack import connections

from search import engine


class Command(BaseCommand):
    help = (
        "Merge the search index into one segment. Commits merge segments in tiers of ten, so an "
        "archive keeps a few dozen segments at most; one segment makes a term's lookup cheapest. "
        "Run it at a quiet hour: it rewrites the whole index and holds the writer lock meanwhile."
    )

    def handle(self, *args, **options):
        backend = connections["default"].get_backend()
        backend.setup()
        before = len(backend.index.refresh().reader().leaf_readers())
        backend.index.optimize()
        engine.forget()
        self.stdout.write(f"search index merged: {before} segments → 1")

from django.core.management.base import BaseCommand
from haystack import connections

from search import engine


class Command(BaseCommand):
    help = (
        "Merge the search index into one segment. Commits only merge tiny segments, so a large "
        "archive accumulates one segment per ~1,000 imported articles; run this at a quiet hour "
        "(it rewrites the whole index in one process and holds the writer lock meanwhile)."
    )

    def handle(self, *args, **options):
        backend = connections["default"].get_backend()
        backend.setup()
        before = len(backend.index.refresh().reader().leaf_readers())
        backend.index.optimize()
        engine.forget()
        self.stdout.write(f"search index merged: {before} segments → 1")

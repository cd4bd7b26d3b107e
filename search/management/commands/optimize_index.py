from django.core.management.base import BaseCommand
from haystack import connections

from newspaper import freed_memory
from search import engine
from search.whoosh_private import segment_readers
from search.writer import WriterLock


class Command(BaseCommand):
    help = (
        "Merge the search index into one segment. Commits merge segments in tiers of ten, so an "
        "archive keeps a few dozen segments at most; one segment makes a term's lookup cheapest. "
        "Run it at a quiet hour: it rewrites the whole index, holding the index writer's lock."
    )

    def handle(self, *args, **options):
        freed_memory.map_large_blocks()  # a merge's big arrays go back to the system when freed
        backend = connections["default"].get_backend()
        backend.setup()
        with WriterLock(backend.path):
            with backend.index.refresh().reader() as reader:
                before = len(segment_readers(reader))
            backend.index.optimize()
        engine.forget()
        self.stdout.write(f"search index merged: {before} segments → 1")

from django.core.management.base import BaseCommand
from haystack import connections

from search import consistency
from search.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Make the search index follow the database: rebuild it when it was written by an earlier "
        "version with other field types, or holds nothing; otherwise queue for the index writer "
        "whatever check_index finds missing, stale or extra."
    )

    def handle(self, *args, **options):
        backend = connections["default"].get_backend()
        if not backend.written_with_current_schema():
            self.stdout.write("search index written by an earlier version: rebuilding")
            rebuild()
            return
        found = consistency.compare(backend)
        if found.matches:
            self.stdout.write(f"search index up to date ({found.articles} articles)")
            return
        if len(found.missing) == found.articles:
            self.stdout.write(f"search index holds none of the {found.articles} articles: rebuilding")
            rebuild()
            return
        self.stdout.write(found.line())
        self.stdout.write(f"queued {consistency.repair(found)} articles for the index writer")

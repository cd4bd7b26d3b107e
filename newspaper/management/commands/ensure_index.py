from django.core.management import call_command
from django.core.management.base import BaseCommand
from haystack import connections
from haystack.query import SearchQuerySet

from newspaper.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild the search index when it does not hold every article (e.g. a new DATA_DIR) or was "
        "written by an earlier version with other field types."
    )

    def handle(self, *args, **options):
        if not connections["default"].get_backend().written_with_current_schema():
            self.stdout.write("search index written by an earlier version: rebuilding")
            call_command("rebuild_index", interactive=False, verbosity=0, batchsize=2000)
            return
        stored, indexed = Article.objects.count(), SearchQuerySet().models(Article).count()
        if stored == indexed:
            self.stdout.write(f"search index up to date ({indexed} articles)")
            return
        self.stdout.write(f"search index holds {indexed} of {stored} articles: rebuilding")
        call_command("rebuild_index", interactive=False, verbosity=0, batchsize=2000)

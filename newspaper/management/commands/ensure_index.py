from django.core.management import call_command
from django.core.management.base import BaseCommand
from haystack.query import SearchQuerySet

from newspaper.models import Article


class Command(BaseCommand):
    help = "Rebuild the search index when it does not hold every article (e.g. a new DATA_DIR)."

    def handle(self, *args, **options):
        stored, indexed = Article.objects.count(), SearchQuerySet().models(Article).count()
        if stored == indexed:
            self.stdout.write(f"search index up to date ({indexed} articles)")
            return
        self.stdout.write(f"search index holds {indexed} of {stored} articles: rebuilding")
        call_command("rebuild_index", interactive=False, verbosity=0)

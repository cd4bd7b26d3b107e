from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from newspaper.ingest import retag, topic_rows, topic_rules
from newspaper.models import Article
from search.indexing import index_articles, signals_paused

BATCH = 200


class Command(BaseCommand):
    help = "Apply the topic rules again to every article whose topics are not locked, and update the index."

    def handle(self, *args, **options):
        topics = topic_rows()
        rules = topic_rules(topics)
        ids = list(Article.objects.filter(topics_locked=False).values_list("pk", flat=True))
        bar = tqdm(total=len(ids), unit="article", disable=options["verbosity"] == 0, file=self.stderr)
        for start in range(0, len(ids), BATCH):
            chunk = Article.objects.filter(pk__in=ids[start : start + BATCH]).select_related("page__issue")
            with transaction.atomic(), signals_paused():
                articles = list(chunk)
                for article in articles:
                    retag(article, rules, topics)
                index_articles(articles)
            bar.update(len(articles))
        bar.close()
        locked = Article.objects.filter(topics_locked=True).count()
        self.stdout.write(f"retagged {len(ids)} articles ({locked} locked, left as they are)")

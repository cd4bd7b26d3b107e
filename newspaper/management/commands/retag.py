from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from newspaper import outbox
from newspaper.ingest import topic_rows, topic_rules
from newspaper.models import Article
from newspaper.store import retag

BATCH = 200


class Command(BaseCommand):
    help = "Apply the topic rules again to every article whose topics are not locked, and update the index."

    def handle(self, *args, **options):
        topics = topic_rows()
        rules = topic_rules(topics)
        ids = list(Article.objects.filter(topics_locked=False).values_list("pk", flat=True))
        bar = tqdm(total=len(ids), unit="article", disable=options["verbosity"] == 0, file=self.stderr)
        changed = 0
        with outbox.WriterForCommand(self.stderr) as writer:
            for start in range(0, len(ids), BATCH):
                chunk = Article.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related("topics")
                with transaction.atomic(), outbox.signals_paused():
                    retagged = [a.pk for a in chunk if retag(a, rules, topics)]
                    outbox.queue_articles(Article.objects.filter(pk__in=retagged), bulk=True)
                changed += len(retagged)
                bar.update(BATCH)
            bar.close()
            writer.wait()
        locked = Article.objects.filter(topics_locked=True).count()
        self.stdout.write(f"retagged {len(ids)} articles: {changed} changed ({locked} locked, left as they are)")

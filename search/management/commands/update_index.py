from django.core.management.base import BaseCommand

from newspaper import outbox
from newspaper.models import Article


class Command(BaseCommand):
    help = "Queue every article for the index writer (haystack's update_index, through the one writer)."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", default=True)
        parser.add_argument("-b", "--batch-size", dest="batchsize", type=int)

    def handle(self, *args, **options):
        queued = outbox.queue_articles(Article.objects.all(), bulk=True, touch=False)
        self.stdout.write(f"queued {queued} articles for the index writer")

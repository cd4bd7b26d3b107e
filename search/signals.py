"""Keep the index following the database: an article saved or deleted anywhere (the admin, a
shell) is queued for the index writer once its transaction commits."""

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from newspaper.models import Article, Credit
from search.indexing import signals_are_paused


class ArticleSignalProcessor(BaseSignalProcessor):
    def setup(self):
        signals.post_save.connect(self.article_saved, sender=Article)
        signals.post_delete.connect(self.article_deleted, sender=Article)
        signals.post_save.connect(self.credit_changed, sender=Credit)
        signals.post_delete.connect(self.credit_changed, sender=Credit)

    def teardown(self):
        signals.post_save.disconnect(self.article_saved, sender=Article)
        signals.post_delete.disconnect(self.article_deleted, sender=Article)
        signals.post_save.disconnect(self.credit_changed, sender=Credit)
        signals.post_delete.disconnect(self.credit_changed, sender=Credit)

    def article_saved(self, sender, instance, **kwargs):
        self._queue(instance.pk)

    def credit_changed(self, sender, instance, **kwargs):
        self._queue(instance.article_id)

    def article_deleted(self, sender, instance, **kwargs):
        self._queue(instance.pk)

    @staticmethod
    def _queue(pk):
        """The index is written by the background worker (one writer); it runs within seconds."""
        if not signals_are_paused():
            from newspaper.tasks import reindex_articles

            transaction.on_commit(lambda: reindex_articles([pk]))

"""Keep the index following the database: an article saved or deleted anywhere (the admin, a
shell) is indexed once its transaction commits."""

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from newspaper.models import Article, Credit
from search.indexing import index_articles, signals_are_paused, unindex_articles


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
        if not signals_are_paused():
            pk = instance.pk
            transaction.on_commit(lambda: self._reindex(pk))

    def credit_changed(self, sender, instance, **kwargs):
        if not signals_are_paused():
            pk = instance.article_id
            transaction.on_commit(lambda: self._reindex(pk))

    def article_deleted(self, sender, instance, **kwargs):
        if not signals_are_paused():
            pk = instance.pk
            transaction.on_commit(lambda: unindex_articles([pk]))

    @staticmethod
    def _reindex(pk):
        article = Article.objects.select_related("page__issue").filter(pk=pk).first()
        if article is None:
            unindex_articles([pk])
        else:
            index_articles([article])

"""Merging duplicates into one: two unions that are one body (an OCR variant, an old and a new
spelling), two topics that mean the same. Every article naming any of them names the one kept;
a union's other names become its aliases, its children its kept one's; the others are deleted;
and every article touched is queued for the index, all in one transaction (newspaper.outbox)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from newspaper import outbox
from newspaper.models import Article, Topic, Union


def merge(keep: Union | Topic, others: Iterable[Union | Topic]) -> int:
    """Merge `others` into `keep`; the number of articles whose unions or topics changed."""
    model = type(keep)
    relation = "unions" if model is Union else "topics"
    through = getattr(Article, relation).through
    column = through._meta.get_field(relation[:-1]).attname
    with transaction.atomic(), outbox.signals_paused():
        others = [o for o in others if o.pk != keep.pk]
        if not others:
            return 0
        named = set(
            through.objects.filter(**{f"{column}__in": [o.pk for o in others]}).values_list("article_id", flat=True)
        )
        linked = set(
            through.objects.filter(**{column: keep.pk, "article_id__in": named}).values_list("article_id", flat=True)
        )
        through.objects.bulk_create([through(article_id=a, **{column: keep.pk}) for a in sorted(named - linked)])
        if model is Union:
            Union.objects.filter(parent__in=others).exclude(pk=keep.pk).update(parent=keep)
            names = {o.name for o in others} | {a for o in others for a in o.aliases} | set(keep.aliases)
            keep.aliases = sorted(names - {keep.name})
            keep.save(update_fields=["aliases"])
        model.objects.filter(pk__in=[o.pk for o in others]).delete()  # their relation rows go too
        outbox.queue_articles(Article.objects.filter(pk__in=named))
    return len(named)

"""Search parameters, validated; the SearchQuerySet is built here and nowhere else."""

from django import forms
from haystack.query import SQ, SearchQuerySet

from newspaper.models import Article
from search.analyzer import query_grams


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label="检索词", required=False, max_length=200)

    def search(self):
        sqs = SearchQuerySet().models(Article)
        q = self.cleaned_data.get("q", "").strip()
        if not q:
            return sqs.order_by("-date")
        for grams in query_grams(q):
            sqs = sqs.filter(SQ(grams__exact=" ".join(grams)))
        return sqs

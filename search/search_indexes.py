from haystack import indexes

from newspaper.models import Article
from search.fields import GramsField, WordsField


def searchable_text(article: Article) -> str:
    """Everything a reader can find an article by: headline, byline (a name search finds what
    the person wrote), body, captions."""
    parts = [
        article.column, article.kicker, article.title, article.subtitle, article.byline, article.body,
        *article.captions,
    ]  # fmt: skip
    return "\n".join(p for p in parts if p)


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    """Matching reads the grams; ranking adds headline grams and the headline's jieba words.
    jieba reads headlines only: on bodies it halved import speed (bench/RESULTS.md) while adding
    nothing to what is found, and bigram BM25 ranks body text as well.
    Facets are counted from their own fields (search.engine), so none has a `_exact` twin, and
    nothing is stored in the index but the ids: results are loaded from the database."""

    text = WordsField(document=True, stored=False)
    grams = GramsField(stored=False)
    headline_grams = GramsField(stored=False)
    people_grams = GramsField(stored=False)
    date = indexes.DateField(model_attr="page__issue__date", stored=False)
    month = indexes.CharField(stored=False)
    kind = indexes.CharField(model_attr="kind", stored=False)
    person = indexes.MultiValueField(stored=False)
    union = indexes.MultiValueField(stored=False)
    topic = indexes.MultiValueField(stored=False)
    region = indexes.MultiValueField(stored=False)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            self.get_model()
            .objects.select_related("page__issue")
            .prefetch_related("credits__person", "unions", "topics")
        )

    def prepare_text(self, obj):
        return obj.full_headline

    def prepare_grams(self, obj):
        return searchable_text(obj)

    def prepare_headline_grams(self, obj):
        return obj.full_headline

    def prepare_month(self, obj):
        return obj.page.issue.date.strftime("%Y-%m")

    def prepare_person(self, obj):
        return sorted({c.person.name for c in obj.credits.all()})

    def prepare_union(self, obj):
        return sorted(u.name for u in obj.unions.all())

    def prepare_topic(self, obj):
        return sorted(t.name for t in obj.topics.all())

    def prepare_region(self, obj):
        return list(obj.regions)

    def prepare_people_grams(self, obj):
        return " ; ".join(sorted({c.person.name for c in obj.credits.all()}))

    def get_updated_field(self):
        return "updated_at"

import datetime as dt
import hashlib

from haystack import indexes

from newspaper.models import Article
from search.analyzer import FIELD_BREAK
from search.fields import ColumnField, GramsField, WordsField

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# What an entry's `content` hashes: every field but the three that describe the entry itself.
NOT_CONTENT = {"article_pk", "stamp", "content"}


def searchable_text(article: Article) -> str:
    """Everything a reader can find an article by: headline, byline, body, captions, and every
    name its credits give (a photographer's, a signed author's), so that a plain search for a
    person finds every article naming them, whether in the text or in a credit. Each field on
    its own (FIELD_BREAK): no string runs from one into the next."""
    parts = [
        article.column, article.kicker, article.title, article.subtitle, article.byline, article.body,
        *article.captions, *ArticleIndex.people(article, aliases=True),
    ]  # fmt: skip
    return FIELD_BREAK.join(p for p in parts if p)


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
    page_name = indexes.CharField(stored=False)  # 版面: 要闻, 工会…
    person = indexes.MultiValueField(stored=False)
    union = indexes.MultiValueField(stored=False)
    topic = indexes.MultiValueField(stored=False)
    region = indexes.MultiValueField(stored=False)
    # Which article, as of when, and a hash of the rest: how the index writer finds an entry to
    # replace and `check_index` finds entries missing, stale or extra (search.consistency).
    article_pk = ColumnField(model_attr="pk")
    stamp = ColumnField()
    content = ColumnField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.for_index()

    def prepare_stamp(self, obj):
        return stamp(obj.updated_at)

    def full_prepare(self, obj, with_string_facet=True):
        prepared = super().full_prepare(obj, with_string_facet)
        prepared["content"] = content_hash(prepared)
        return prepared

    def prepare_text(self, obj):
        return obj.full_headline

    def prepare_grams(self, obj):
        return searchable_text(obj)

    def prepare_headline_grams(self, obj):
        return FIELD_BREAK.join(p for p in (obj.column, obj.kicker, obj.title, obj.subtitle) if p)

    def prepare_page_name(self, obj):
        return obj.page.name or ""  # no value at all: None would be indexed as the word "None"

    def prepare_month(self, obj):
        return obj.page.issue.date.strftime("%Y-%m")

    def prepare_person(self, obj):
        return self.people(obj)

    def prepare_union(self, obj):
        return sorted(u.name for u in obj.unions.all())

    def prepare_topic(self, obj):
        return sorted(t.name for t in obj.topics.all())

    def prepare_region(self, obj):
        return list(obj.regions)

    def prepare_people_grams(self, obj):
        return " ; ".join(self.people(obj, aliases=True))

    @staticmethod
    def people(obj, *, aliases: bool = False) -> list[str]:
        """The names an article credits, read from its prefetched credits once per entry; with
        `aliases`, also the other printings of each name (金钩胤 for 金钧胤, kept when two people
        were merged), so that a search for either finds the person's articles. The person facet
        shows names only."""
        if getattr(obj, "_index_people", None) is None:
            persons = [c.person for c in obj.credits.all()]
            obj._index_people = sorted({p.name for p in persons})
            obj._index_aliases = sorted({a for p in persons for a in p.aliases} - set(obj._index_people))
        return [*obj._index_people, *obj._index_aliases] if aliases else obj._index_people

    def get_updated_field(self):
        return "updated_at"


def stamp(updated_at: dt.datetime) -> int:
    """An article's updated_at as whole microseconds: each change to what its entry holds sets it
    (newspaper.outbox touches the article for changes to the rows it names)."""
    return (updated_at - EPOCH) // dt.timedelta(microseconds=1)


def content_hash(prepared: dict) -> int:
    """A signed 64-bit hash of an entry's prepared fields (not of the three describing it)."""
    text = repr(sorted((k, v) for k, v in prepared.items() if k not in NOT_CONTENT))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True)

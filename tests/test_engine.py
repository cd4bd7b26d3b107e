"""The search engine work for archive scale: parallel batch writes, numpy matching, facets and
dates from cached columns, remembered searches, batched ingestion. Every answer is checked
against the database."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.http import QueryDict
from haystack import connections
from haystack.query import SearchQuerySet

from newspaper.ingest import BatchIndexer, Source, ingest_source
from newspaper.models import Article
from search import backends, engine
from search.analyzer import normalise
from search.forms import ArchiveSearchForm
from search.indexing import index_articles
from search.search_indexes import searchable_text
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db


def indexed_ids() -> set[int]:
    return {int(r.pk) for r in SearchQuerySet().models(Article).all()}


def containing(text: str) -> set[int]:
    return {a.pk for a in Article.objects.all() if normalise(text) in normalise(searchable_text(a))}


def search(**params) -> ArchiveSearchForm:
    qd = QueryDict(mutable=True)
    qd.update(params)
    form = ArchiveSearchForm(qd)
    assert form.is_valid(), form.errors
    return form


def found_ids(**params) -> list[int]:
    return [int(r.pk) for r in search(**params).searchqueryset(facets=False)]


@pytest.fixture
def imported_in_parallel(transactional_db, monkeypatch):
    """The sample pages imported by BatchIndexer with Whoosh's multiprocess writer, however few
    the articles. Outside a test transaction: the writer forks only where no transaction is open."""
    monkeypatch.setattr(backends, "PARALLEL_MIN", 1)
    forked = []
    real = backends.ChineseWhooshBackend.parallel_writer
    monkeypatch.setattr(backends.ChineseWhooshBackend, "parallel_writer", lambda self: forked.append(1) or real(self))
    with BatchIndexer() as batch:
        for path in SEEDS:
            batch.add(ingest_source(Source(path.name, path.read_bytes()), index=False))
    assert forked and not batch.failed
    return batch


def test_the_multiprocess_writer_indexes_every_article_and_matching_stays_exact(imported_in_parallel):
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))
    for text in ["工会", "职工", "浙江省总工会", "会信", "劳模"]:
        assert set(found_ids(q=text)) == containing(text), text


def test_writing_the_same_articles_again_replaces_them(imported_in_parallel):
    backend = connections["default"].get_backend()
    index_articles(Article.objects.all(), writer=backend.parallel_writer())
    assert SearchQuerySet().models(Article).count() == Article.objects.count()


def test_no_writer_processes_are_forked_inside_a_transaction(archive):
    from django.db import transaction

    from search.indexing import parallel_writer

    with transaction.atomic():
        assert parallel_writer() is None


def test_a_batch_missing_from_the_index_is_an_error_not_silence(archive):
    backend = connections["default"].get_backend()
    backend._check_written({f"newspaper.article.{a.pk}" for a in Article.objects.all()})  # all there
    with pytest.raises(backends.IndexWriteError, match="1 of 1 documents"):
        backend._check_written({"newspaper.article.999999"})


def test_facet_counts_and_the_month_histogram_match_the_database(archive):
    results = search(q="工会").results()
    matched = Article.objects.filter(pk__in=containing("工会")).prefetch_related("unions", "topics")
    unions = Counter(u.name for a in matched for u in a.unions.all())
    topics = Counter(t.name for a in matched for t in a.topics.all())
    months = Counter(a.page.issue.date.strftime("%Y-%m") for a in matched.select_related("page__issue"))
    assert dict(results.facets["union"]) == dict(unions)
    assert dict(results.facets["topic"]) == dict(topics)
    assert dict(results.months) == dict(months)
    assert [n for _, n in results.facets["union"]] == sorted(unions.values(), reverse=True)


def test_date_order_and_date_ranges_come_from_the_date_column(archive):
    newest = found_ids(q="工会", sort="newest")
    dates = {a.pk: a.page.issue.date for a in Article.objects.select_related("page__issue")}
    assert [dates[i] for i in newest] == sorted((dates[i] for i in newest), reverse=True)
    oldest = found_ids(q="工会", sort="oldest")
    assert [dates[i] for i in oldest] == sorted(dates[i] for i in oldest)
    some = sorted(set(dates.values()))[1]
    ranged = found_ids(q="工会", date_from=some.isoformat(), date_to=some.isoformat())
    assert ranged and set(ranged) == {i for i in containing("工会") if dates[i] == some}


def test_a_deleted_article_is_not_found_by_a_term_or_a_filter(archive, django_capture_on_commit_callbacks):
    article = Article.objects.filter(pk__in=containing("工会")).prefetch_related("unions").first()
    union = article.unions.first().name
    assert article.pk in found_ids(q="工会") and article.pk in found_ids(union=union)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert article.pk not in found_ids(q="工会")
    assert article.pk not in found_ids(union=union)
    assert set(found_ids(q="工会")) == containing("工会")


def test_a_remembered_search_is_not_served_after_the_index_changed(archive):
    before = search(q="测试专用词").searchqueryset().count()
    assert before == 0
    article = Article.objects.first()
    article.body += "测试专用词"
    article.save()
    index_articles([article])
    assert found_ids(q="测试专用词") == [article.pk]


def test_the_search_page_matches_once(archive, monkeypatch):
    calls = []
    real = engine.Match
    monkeypatch.setattr(engine, "Match", lambda docnums: calls.append(docnums) or real(docnums))
    engine.forget()
    form = search(q="工会")
    results = form.results()
    list(results.sqs[:20])
    assert results.sqs.count() == len(containing("工会"))
    assert len(calls) == 1


def test_batch_import_indexes_every_page_once_at_the_end(monkeypatch):
    writes = []
    real = index_articles
    monkeypatch.setattr(
        "search.indexing.index_articles",
        lambda articles, writer=None: writes.append(len(articles)) or real(articles, writer=writer),
    )
    with BatchIndexer(size=1000) as batch:
        for path in SEEDS:
            batch.add(ingest_source(Source(path.name, path.read_bytes()), index=False))
    assert writes == [Article.objects.count()]
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))


def test_a_batch_that_fails_to_index_is_queued_and_stored_pages_stay(monkeypatch, capsys):
    real = index_articles
    failures = []

    def fails_once(articles, writer=None):
        if not failures:
            failures.append(len(articles))
            raise OSError("disk full")
        real(articles, writer=writer)

    monkeypatch.setattr("search.indexing.index_articles", fails_once)
    call_command("ingest", *map(str, SEEDS))  # the job queue runs at once in tests
    assert failures and Article.objects.count() == failures[0]
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))  # the queued job indexed them
    assert "stored but not yet searchable: queued for the index worker" in capsys.readouterr().err


def test_an_index_written_with_other_field_types_is_rebuilt(archive, capsys):
    from whoosh import fields, index

    backend = connections["default"].get_backend()
    assert backend.written_with_current_schema()
    index.create_in(backend.path, fields.Schema(id=fields.ID(stored=True, unique=True), grams=fields.TEXT()))
    connections.reload("default")
    backend = connections["default"].get_backend()
    assert not backend.written_with_current_schema()
    call_command("ensure_index")
    assert "written by an earlier version: rebuilding" in capsys.readouterr().out
    connections.reload("default")
    assert connections["default"].get_backend().written_with_current_schema()
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("text", ["浙江省总工会", "工会信息", "职工群众", "省总"])
def test_phrases_are_matched_from_raw_positions_exactly(archive, text, monkeypatch):
    answers = []
    real = engine._phrase_ids
    monkeypatch.setattr(engine, "_phrase_ids", lambda s, q: answers.append(real(s, q)) or answers[-1])
    assert set(found_ids(q=text)) == containing(text)
    assert all(a is not None for a in answers)  # numpy answered, not Whoosh's matcher
    assert bool(answers) == (len(text) > 2)  # two characters are one gram: a term


@pytest.mark.parametrize("text", ["工会", "职工 我省", "培训 OR 劳模"])
def test_relevance_is_whooshs_bm25f_for_terms(archive, text):
    """The numpy ranking gives the scores Whoosh's own collector gives, for queries of terms."""
    backend = connections["default"].get_backend()
    query_string = search(q=text).parsed_query().whoosh()
    s = engine.searcher(backend)
    q = backend.parser.parse(query_string)
    ours = engine.ranked(s, q, engine.ids(s, q))
    whooshs = s.search(q, limit=None).top_n
    assert len(ours) == len(whooshs) > 0
    assert [round(score, 4) for score, _ in ours] == [round(score, 4) for score, _ in whooshs]
    assert {d for _, d in ours} == {d for _, d in whooshs}


def test_commits_merge_only_tiny_segments_and_optimize_merges_all(archive, capsys):
    backend = connections["default"].get_backend()
    for article in Article.objects.all()[:10]:  # ten edits: ten tiny segments, then one merge
        index_articles([article])
    segments = backend.index.refresh().reader().leaf_readers()
    assert 1 < len(segments) <= backends.TINY_SEGMENTS
    call_command("optimize_index")
    assert "segments → 1" in capsys.readouterr().out
    assert len(backend.index.refresh().reader().leaf_readers()) == 1
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))


def test_rebuild_index_writes_large_batches_in_parallel(imported_in_parallel, monkeypatch):
    forked = []
    real = backends.ChineseWhooshBackend.parallel_writer
    monkeypatch.setattr(backends.ChineseWhooshBackend, "parallel_writer", lambda self: forked.append(1) or real(self))
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert forked
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))

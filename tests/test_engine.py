"""The search engine work for archive scale: gram files beside the segments, batch writes, numpy
matching, facets and dates from cached columns, remembered searches, batched writing by the
index writer. Every answer is checked against the database."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from django.http import QueryDict
from haystack import connections
from haystack.query import SearchQuerySet

from newspaper.ingest import ingest_source
from newspaper.models import Article, IndexWork, IndexWriterStatus
from newspaper.sources import Source
from search import engine, matching, ranking, writer
from search.analyzer import indexed, normalise
from search.forms import ArchiveSearchForm
from search.search_indexes import searchable_text
from tests.conftest import SEEDS, drain

pytestmark = pytest.mark.django_db


def indexed_ids() -> set[int]:
    return {int(r.pk) for r in SearchQuerySet().models(Article).all()}


def containing(text: str) -> set[int]:
    return {a.pk for a in Article.objects.all() if normalise(text) in indexed(searchable_text(a))}


def search(**params) -> ArchiveSearchForm:
    qd = QueryDict(mutable=True)
    qd.update(params)
    form = ArchiveSearchForm(qd)
    assert form.is_valid(), form.errors
    return form


def found_ids(**params) -> list[int]:
    return [int(r.pk) for r in search(**params).searchqueryset(facets=False)]


@pytest.fixture
def imported_in_batches(transactional_db):
    """The sample pages imported and written by the index writer 20 articles a commit."""
    for path in SEEDS:
        ingest_source(Source(path.name, path.read_bytes()))
    drain(batch=20)


def segments() -> list:
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    return backend.index.refresh().reader().leaf_readers()


def test_batches_index_every_article_and_matching_stays_exact(imported_in_batches):
    assert len(segments()) > 1
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))
    assert SearchQuerySet().models(Article).count() == Article.objects.count()  # each once
    for text in ["工会", "职工", "浙江省总工会", "会信", "劳模", "工", "z"]:
        assert set(found_ids(q=text)) == containing(text), text


def test_importing_the_pages_again_replaces_their_entries(imported_in_batches):
    text = SEEDS[0].read_text("utf-8")
    at = text.rindex("工会")  # in the last article (the first one is in the masthead)
    fixed = text[:at] + "工会测试更正词" + text[at + 2 :]
    for name, data in [(SEEDS[0].name, fixed.encode()), *[(p.name, p.read_bytes()) for p in SEEDS[1:]]]:
        ingest_source(Source(name, data))
    drain(batch=20)
    assert SearchQuerySet().models(Article).count() == Article.objects.count()
    assert set(found_ids(q="测试更正词")) == containing("测试更正词") != set()
    call_command("update_index", verbosity=0)
    drain()
    assert SearchQuerySet().models(Article).count() == Article.objects.count()
    assert set(found_ids(q="浙江省总工会")) == containing("浙江省总工会")


SAMPLES = ["", "工", "ＡＢｃ１２ 工会,会信息。x", "“浙江省总工会”召开\n全省工会信息工作会议"]


@pytest.mark.parametrize("texts", [SAMPLES, [p.read_text("utf-8") for p in SEEDS] + SAMPLES])
def test_gram_files_hold_the_grams_and_positions_of_the_analyzer(texts, tmp_path):
    from whoosh.filedb.filestore import FileStorage

    from search import grams
    from search.analyzer import gram_positions

    *part, lengths = grams.encode(texts)
    segment = type("Segment", (), {"make_filename": lambda self, ext: "MAIN_test" + ext})()
    grams.write(FileStorage(str(tmp_path)), segment, "grams", grams.build([tuple(part)], lengths))
    postings = grams.read(FileStorage(str(tmp_path)), segment, "grams")
    expected = [gram_positions(text) for text in texts]
    every = sorted({g for e in expected for g in e})
    assert [int(t) for t in postings.terms] == sorted(grams.code(g) for g in every)
    for gram in every:
        docs, freqs = postings.documents(grams.code(gram))
        holding = [d for d, e in enumerate(expected) if gram in e]
        assert docs.tolist() == holding
        assert freqs.tolist() == [len(expected[d][gram]) for d in holding]
        occurrences = postings.occurrences(grams.code(gram))
        assert list(zip(*occurrences, strict=True)) == [(d, p) for d in holding for p in expected[d][gram]]
        lacking = [d for d in range(len(texts)) if d not in holding][:1]
        # most of its documents (marked) and few of many (looked up), with documents without it
        for picked in (holding[::2], holding[-1:] if len(holding) > grams.AMONG_RATIO else []):
            some = np.array(sorted({*picked, *lacking, len(texts)}), np.int64)
            chosen = postings.occurrences(grams.code(gram), among=some)
            assert list(zip(*chosen, strict=True)) == [(d, p) for d in picked for p in expected[d][gram]]
    assert postings.lengths.tolist() == [sum(map(len, e.values())) for e in expected]


@pytest.mark.parametrize("term", ["工会", "的", "劳模"])  # about half the articles, most of them, a few
def test_facet_counts_and_the_month_histogram_match_the_database(archive, term):
    Article.objects.filter(pk__in=containing(term)).order_by("pk").last().delete()  # counted no more
    drain()
    results = search(q=term).results()
    matched = Article.objects.filter(pk__in=containing(term)).prefetch_related("unions", "topics")
    assert 0 < len(matched) <= Article.objects.count()
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


def test_a_deleted_article_is_not_found_by_a_term_or_a_filter(archive):
    article = Article.objects.filter(pk__in=containing("工会")).prefetch_related("unions").first()
    union = article.unions.first().name
    assert article.pk in found_ids(q="工会") and article.pk in found_ids(union=union)
    article.delete()
    drain()
    for text in ["工会", "工", "浙江省总工会"]:  # a gram, a prefix, a phrase
        assert article.pk not in found_ids(q=text)
        assert set(found_ids(q=text)) == containing(text)
    assert article.pk not in found_ids(union=union)


def test_a_remembered_search_is_not_served_after_the_index_changed(archive):
    before = search(q="测试专用词").searchqueryset().count()
    assert before == 0
    article = Article.objects.first()
    article.body += "测试专用词"
    article.save()
    drain()
    assert found_ids(q="测试专用词") == [article.pk]


def test_remembered_searches_are_bounded_by_what_they_hold(archive, monkeypatch):
    from search.columns import LRU

    weigh = engine._remembered.weigh
    assert engine._remembered.limit == engine.REMEMBERED_BYTES
    assert weigh(engine.Match(np.zeros(10**6, np.int64))) >= 8 * 10**6  # what a search holds, not one each
    common = len(found_ids(q="工会"))
    monkeypatch.setattr(engine, "_remembered", LRU(weigh(engine.Match(np.zeros(common, np.int64))), weigh=weigh))
    found_ids(q="工会")
    found_ids(q="职工")  # together past the bound: the older one is dropped
    assert len(engine._remembered.entries) == 1 and "职工" in next(iter(engine._remembered.entries))[1]
    assert engine.kept_bytes()["remembered_searches"] > 0


def test_a_search_asked_again_is_answered_without_matching_once_its_documents_are_dropped(archive, monkeypatch):
    from search.columns import LRU

    engine.forget()
    monkeypatch.setattr(engine, "_remembered", LRU(0, weigh=engine._remembered.weigh))  # keeps the last only
    matched = []
    real = engine.ids
    monkeypatch.setattr(engine, "ids", lambda s, q: matched.append(1) or real(s, q))

    def page(**params):
        results = search(q="工会", **params).results()
        return [int(r.pk) for r in results.sqs[:20]], results.sqs.count(), results.facets, results.months

    first = {sort: page(sort=sort) for sort in ("relevance", "newest", "oldest")}
    found_ids(q="职工")  # its documents push 工会's out
    assert len(matched) == 2
    assert {sort: page(sort=sort) for sort in ("relevance", "newest", "oldest")} == first
    assert len(matched) == 2  # count, facets, the month histogram and each order were kept
    assert engine.kept_bytes()["answers"] > 0
    engine.forget()
    page()
    assert len(matched) == 3


def test_a_page_ranks_the_best_matches_it_shows_not_every_match(archive, monkeypatch):
    asked = []
    real = engine.ranking
    monkeypatch.setattr(engine, "ranking", lambda s, q, docnums, k=None: asked.append(k) or real(s, q, docnums, k))
    every = found_ids(q="工")
    assert len(every) > 22
    sqs = search(q="工").searchqueryset(facets=False)
    assert [int(r.pk) for r in sqs[20:23]] == every[20:23]  # the same order as ranking them all
    assert asked[-1] == engine.RANKED_AHEAD


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


def test_an_import_is_written_to_the_index_in_one_batch_at_the_end(monkeypatch):
    writes = []
    real = writer.IndexWriter.write
    monkeypatch.setattr(
        writer.IndexWriter,
        "write",
        lambda self, articles, gone, new: writes.append(len(articles)) or real(self, articles, gone, new),
    )
    call_command("ingest", *map(str, SEEDS))
    assert writes == [Article.objects.count()]
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))


def test_a_batch_that_fails_to_index_stays_queued_and_is_retried(monkeypatch, capsys):
    monkeypatch.setattr(writer, "RETRY_BASE", 0.01)
    real = writer.IndexWriter.write
    failures = []

    def fails_once(self, articles, gone, new):
        if not failures:
            failures.append(len(articles))
            raise OSError(28, "No space left on device")
        return real(self, articles, gone, new)

    monkeypatch.setattr(writer.IndexWriter, "write", fails_once)
    call_command("ingest", *map(str, SEEDS))
    assert failures == [Article.objects.count()]
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))  # the retry wrote them
    assert "No space left on device" in IndexWriterStatus.objects.get().last_error
    assert not IndexWork.objects.exists() and "not yet searchable" not in capsys.readouterr().err


def test_a_batch_that_cannot_be_written_stays_queued_with_its_reason(monkeypatch, capsys):
    monkeypatch.setattr(writer, "RETRY_BASE", 0.01)
    monkeypatch.setattr(writer.IndexWriter, "write", lambda *args: 1 / 0)
    call_command("ingest", *map(str, SEEDS))
    stored = set(Article.objects.values_list("pk", flat=True))
    assert set(IndexWork.objects.values_list("article_id", flat=True)) == stored and indexed_ids() == set()
    assert {w.error for w in IndexWork.objects.all()} == {"ZeroDivisionError: division by zero"}
    err = capsys.readouterr().err
    assert f"{len(stored)} articles are stored but not yet searchable" in err and "division by zero" in err
    monkeypatch.undo()
    IndexWork.objects.update(retry_at=None)
    drain()
    assert indexed_ids() == stored


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


def test_an_index_with_gram_files_of_an_older_format_is_rebuilt(archive, capsys):
    from pathlib import Path

    backend = connections["default"].get_backend()
    (gram_file,) = Path(backend.path).glob("*.grams_grams")
    gram_file.write_bytes(b"ZJGRAMS1" + gram_file.read_bytes()[8:])  # the first format's mark
    assert not backend.written_with_current_schema()
    call_command("ensure_index")
    assert "written by an earlier version: rebuilding" in capsys.readouterr().out
    assert backend.written_with_current_schema()
    assert set(found_ids(q="浙江省总工会")) == containing("浙江省总工会")


@pytest.mark.parametrize("text", ["浙江省总工会", "工会信息", "职工群众", "省总"])
def test_phrases_are_matched_by_gram_positions_exactly(archive, text, monkeypatch):
    phrases = []
    real = matching._phrase_ids
    monkeypatch.setattr(matching, "_phrase_ids", lambda s, q: phrases.append(q) or real(s, q))
    assert set(found_ids(q=text)) == containing(text)
    assert bool(phrases) == (len(text) > 2)  # two characters are one gram: a term


@pytest.mark.parametrize("text", ["工会", "职工 我省", "培训 OR 劳模"])
def test_relevance_of_words_is_whooshs_bm25f(archive, text):
    """The numpy ranking gives the scores Whoosh's own collector gives for its fields (the
    headline's jieba words)."""
    backend = connections["default"].get_backend()
    query_string = " OR ".join(f"text:({word})" for word in text.split(" OR "))
    s = engine.searcher(backend)
    q = backend.parser.parse(query_string)
    ours = ranking.ranked(s, q, matching.ids(s, q))
    whooshs = s.search(q, limit=None).top_n
    assert len(ours) == len(whooshs) > 0
    assert [round(score, 4) for score, _ in ours] == [round(score, 4) for score, _ in whooshs]
    assert {d for _, d in ours} == {d for _, d in whooshs}


def test_kept_postings_are_narrow_and_rank_as_wide_ones(archive):
    """A busy term's postings are kept as int32 docnums and float32 weights (Whoosh's own width):
    the same scores as Whoosh's, in half the memory."""
    from search import columns

    backend = connections["default"].get_backend()
    s = engine.searcher(backend)
    q = backend.parser.parse("text:(工会)")
    ours = ranking.ranked(s, q, matching.ids(s, q))
    kept = [arrays for key, arrays in columns._postings.entries.items() if key[1] == "text"]
    assert kept and all(ids.dtype == np.int32 and weights.dtype == np.float32 for ids, weights in kept)
    whooshs = s.search(q, limit=None).top_n
    assert [round(score, 4) for score, _ in ours] == [round(score, 4) for score, _ in whooshs]


@pytest.mark.parametrize("text", ["工会", "浙江省总工会"])
def test_relevance_of_grams_is_bm25f_over_the_texts(archive, text):
    """The score of a gram query, computed here from the articles' texts with Whoosh's BM25F
    formula and parameters: a phrase scores as the sum of its grams."""
    import math

    from search.analyzer import gram_positions, query_grams

    backend = connections["default"].get_backend()
    s = engine.searcher(backend)
    q = backend.parser.parse(f"grams:({text})")
    ours = {int(s.stored_fields(d)["django_id"]): score for score, d in ranking.ranked(s, q, matching.ids(s, q))}
    grams_of = {a.pk: gram_positions(searchable_text(a)) for a in Article.objects.all()}
    avgfl = sum(sum(map(len, g.values())) for g in grams_of.values()) / len(grams_of)

    def bm25(gram, pk):
        df = sum(gram in g for g in grams_of.values())
        tf, fl = len(grams_of[pk].get(gram, ())), sum(map(len, grams_of[pk].values()))
        idf = math.log(len(grams_of) / (df + 1)) + 1
        return idf * tf * (ranking.K1 + 1) / (tf + ranking.K1 * (1 - ranking.B + ranking.B * fl / avgfl))

    (gram_list,) = query_grams(text)
    expected = {pk: sum(bm25(g, pk) for g in gram_list) for pk in containing(text)}
    assert set(ours) == set(expected)
    assert all(math.isclose(ours[pk], expected[pk], rel_tol=1e-9) for pk in expected)


def test_a_gram_met_again_in_a_query_scores_again_but_is_read_once(archive, monkeypatch):
    # a tolerant query's variants repeat most of the term's grams (浙江省推: 42 variants, each
    # with 浙江 and 江省): each adds its score as before, its postings read once
    backend = connections["default"].get_backend()
    s = engine.searcher(backend)
    once = backend.parser.parse("grams:(浙江省总工会)")
    again = backend.parser.parse("grams:(浙江省总工会) OR grams:(浙江省总工会)^2")
    single = dict((d, score) for score, d in ranking.ranked(s, once, matching.ids(s, once)))
    read = []
    real = ranking._gram_weights
    monkeypatch.setattr(ranking, "_gram_weights", lambda s, field, gram: read.append(gram) or real(s, field, gram))
    tripled = dict((d, score) for score, d in ranking.ranked(s, again, matching.ids(s, once)))
    assert set(tripled) == set(single) and all(np.isclose(tripled[d], 3 * single[d]) for d in single)
    assert len(read) == len(set(read)) == 5  # 浙江 江省 省总 总工 工会


def test_commits_merge_segments_in_tiers_of_ten_and_optimize_merges_all(archive, capsys):
    articles = list(Article.objects.all()[:11])
    for article in articles[:10]:  # ten edits: ten one-article segments
        article.save()
        drain()
    assert sum(r.doc_count_all() == 1 for r, _ in segments()) == 10
    articles[10].save()  # the next commit merges those ten into its own segment
    drain()
    assert sorted(r.doc_count_all() for r, _ in segments()) == [11, Article.objects.count()]
    for text in ["工会", "工", "浙江省总工会"]:
        assert set(found_ids(q=text)) == containing(text)
    call_command("optimize_index")
    assert "segments → 1" in capsys.readouterr().out
    assert len(segments()) == 1
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))
    for text in ["工会", "工", "浙江省总工会"]:  # the merges carried the grams over
        assert set(found_ids(q=text)) == containing(text)


def test_rebuild_index_writes_every_article_with_its_grams(imported_in_batches):
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))
    assert set(found_ids(q="浙江省总工会")) == containing("浙江省总工会")


@pytest.mark.parametrize(("limit", "releases"), [(1, True), (2**62, False), (None, False)])
def test_past_the_mapped_limit_the_gram_pages_are_released_and_searches_find_the_same(
    imported_in_batches, monkeypatch, limit, releases
):
    from search import grams

    queries = ["工会", "浙江省总工会", "工", '"职工"', "劳模 工会"]
    before = {q: sorted(found_ids(q=q)) for q in queries}
    released = []
    real = grams.Postings.release
    monkeypatch.setattr(grams.Postings, "release", lambda self: (released.append(self), real(self)))
    monkeypatch.setattr(engine, "MAPPED_LIMIT_BYTES", limit)
    for _ in range(2):
        engine.forget()  # match again, reading the gram files
        assert {q: sorted(found_ids(q=q)) for q in queries} == before
    assert bool(released) == releases
    assert all(p.mapped is not None for p in released)  # memory-mapped files, really released


def test_columns_are_kept_once_per_process_not_per_segment_and_again_for_the_index(archive):
    from search import columns, facet_columns

    for article in Article.objects.all()[:2]:  # segments of their own
        article.save()
        drain()
    found_ids(q="工会", union="浙江省总工会")
    assert len(segments()) > 1
    columns.date_column(engine.searcher(connections["default"].get_backend()))
    kept = {key: value for key, value in columns._per_segment.items() if key[1] == columns.DATE_FIELD}
    assert len(kept) == len(segments()) and all(value.base is not None for value in kept.values())  # views
    assert not any(key[1] == "union" for key in columns._postings.entries)  # facets are not kept as postings too
    call_command("optimize_index")
    found_ids(q="工会", union="浙江省总工会")
    s = engine.searcher(connections["default"].get_backend())
    ((reader, _),) = columns.segments(s)
    assert facet_columns.facet(s, "union") is facet_columns.segment_facet(reader, "union")  # the same arrays
    assert columns.date_column(s) is columns._per_segment[(reader.segment().segment_id(), columns.DATE_FIELD)]


def test_what_was_kept_for_segments_merged_away_is_dropped(archive):
    from search import columns

    for article in Article.objects.all()[:3]:
        article.save()
        drain()
        found_ids(q="工会", union="浙江省总工会")  # columns and postings read for every segment
    call_command("optimize_index")
    found_ids(q="工会", union="浙江省总工会")
    (live,) = [r.segment().segment_id() for r, _ in segments()]
    assert {key[0] for key in columns._per_segment} == {live}
    assert {key[0] for key in columns._postings.entries} <= {live}


def test_a_searcher_open_when_a_merge_deletes_the_segments_files_still_finds_everything(archive):
    """The gram files are mapped when the searcher opens: a merge deleting them afterwards
    cannot make that searcher miss a segment (it used to open them at first use, and skip a
    segment whose file was gone)."""
    from pathlib import Path

    for article in Article.objects.all()[:2]:
        article.save()
        drain()
    backend = connections["default"].get_backend()
    s = engine.searcher(backend)
    q = backend.parser.parse("grams:(工会)")
    before = matching.ids(s, q)
    call_command("optimize_index")
    assert len(list(Path(backend.path).glob("*.grams_grams"))) == 1  # the old segments' files are gone
    assert np.array_equal(matching.ids(s, q), before)


def test_a_rebuild_leaves_the_old_index_answering_until_the_new_one_is_swapped_in(archive, monkeypatch):
    from search import rebuild

    everything = set(found_ids(q="工会"))
    seen = []
    real = rebuild.merge_tiers

    def search_meanwhile(writer, segments):
        engine.forget()
        seen.append(set(found_ids(q="工会")))
        return real(writer, segments)

    monkeypatch.setattr(rebuild, "merge_tiers", search_meanwhile)
    call_command("rebuild_index", interactive=False, verbosity=0, batchsize=10)
    assert len(seen) >= 3 and all(s == everything for s in seen)
    assert set(found_ids(q="工会")) == everything


def test_ensure_index_rebuilds_an_index_that_holds_none_of_the_articles(archive, capsys):
    import shutil

    backend = connections["default"].get_backend()
    shutil.rmtree(backend.path)
    connections.reload("default")
    call_command("ensure_index")
    assert "holds none of the 29 articles: rebuilding" in capsys.readouterr().out
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))

"""Facet columns kept compact (search.facet_columns): values numbered once per process, a
segment's codes a view of the index's, one narrow number per document for single-valued fields;
the counts stay those of the database whatever the number of segments."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from haystack import connections

from newspaper.ingest import ingest_source
from newspaper.models import Article
from newspaper.sources import Source
from search import columns, engine, facet_columns, matching
from tests.conftest import SEEDS, drain
from tests.test_engine import found_ids, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_segments(db):
    """The sample pages in several segments: the index writer commits 15 articles at a time."""
    for path in SEEDS:
        ingest_source(Source(path.name, path.read_bytes()))
    drain(batch=15)
    s = engine.searcher(connections["default"].get_backend())
    assert len(columns.segments(s)) > 1
    return s


def database_counts(articles) -> dict[str, Counter]:
    articles = articles.select_related("page__issue").prefetch_related("unions")
    return {
        "union": Counter(u.name for a in articles for u in a.unions.all()),
        "kind": Counter(a.kind for a in articles),
        "month": Counter(a.page.issue.date.strftime("%Y-%m") for a in articles),
    }


def test_counts_over_many_segments_and_after_a_merge_are_the_databases(in_segments):
    for merged in (False, True):
        if merged:
            call_command("optimize_index")
        s = engine.searcher(connections["default"].get_backend())
        every = np.arange(s.doc_count_all())
        half = every[: len(every) // 3]  # counted directly, not as the totals less the rest
        for docs in (every, half):
            counted = facet_columns.count_facets(s, docs, {"union": {}, "kind": {}, "month": {}})
            pks = [int(s.stored_fields(int(d))["django_id"]) for d in docs]
            expected = database_counts(Article.objects.filter(pk__in=pks))
            assert {name: dict(found) for name, found in counted.items()} == {
                name: dict(found) for name, found in expected.items()
            }


def test_a_segments_codes_are_views_of_the_index_and_each_value_is_held_once(in_segments):
    s = in_segments
    whole = facet_columns.facet(s, "union")
    assert whole.starts is not None  # an article names several unions
    for reader, _ in columns.segments(s):
        part = facet_columns.segment_facet(reader, "union")
        assert part.codes.base is not None and np.shares_memory(part.codes, whole.codes)
    values = facet_columns.numbering("union").values
    assert len(values) == len(set(values)) == len(set(Article.unions.through.objects.values_list("union__name")))
    assert columns.array_bytes(facet_columns.segment_facet(columns.segments(s)[0][0], "union").codes) == 0


def test_a_field_of_one_value_per_article_is_one_narrow_number_per_article(in_segments):
    for name in ("kind", "month", "page_name"):
        whole = facet_columns.facet(in_segments, name)
        assert whole.starts is None and whole.codes.dtype == np.int8, name  # the samples have few values
        assert len(whole.codes) == in_segments.doc_count_all()


def test_a_value_first_met_after_a_filters_table_was_made_matches_nothing(in_segments):
    union = Article.objects.filter(unions__isnull=False).first().unions.first().name
    assert found_ids(union=union)  # the table of this generation is made
    facet_columns.numbering("union").of("这个进程后来才见到的工会")  # a newer segment's value
    assert len(matching._facet_ids(in_segments, "union", "这个进程后来才见到的工会")) == 0
    assert search(union=union).results().facets["union"]  # counting is not upset either

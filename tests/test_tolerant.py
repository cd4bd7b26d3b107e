"""容错 (issue 16): with `tolerant`, a term of three characters or more also matches text one
look-alike character off, exact matches first, the variant actually matched reported and marked;
without it nothing changes. The sample pages print one reporter as 金钧胤 (2023) and 金钩胤
(2022)."""

from __future__ import annotations

from functools import partial

import pytest
from django.http import QueryDict

from newspaper.models import Article
from newspaper.recognise import lookalikes
from search import engine
from search import tolerant as tolerance
from search.forms import ArchiveSearchForm
from search.query import parse
from tests.test_search import containing

pytestmark = pytest.mark.django_db


def search(q: str, **params) -> list[int]:
    data = QueryDict(mutable=True)
    data.update({"q": q, **params})
    form = ArchiveSearchForm(data)
    assert form.is_valid(), form.errors
    return [int(r.pk) for r in form.searchqueryset(facets=False)]


def test_a_name_finds_its_ocr_variant_only_when_tolerant(archive):
    exact, variant = containing("金钧胤"), containing("金钩胤")
    assert exact and variant and not exact & variant
    assert set(search("金钧胤")) == exact  # the default is exact, as before
    tolerant = search("金钧胤", tolerant="1")
    assert set(tolerant) == exact | variant
    assert set(tolerant[: len(exact)]) == exact  # exact matches first


def test_the_tolerant_set_is_the_exact_and_variant_substrings_and_nothing_else(archive):
    frequency = partial(engine.gram_frequencies, "grams")
    for term in ("邹伟锋", "负责人", "省总工会"):
        expected = set().union(*(containing(t) for t in [term, *tolerance.plausible(term, frequency)]))
        assert set(search(term, tolerant="1")) == expected, term


def test_short_terms_are_not_widened():
    assert tolerance.variants("工人") == []
    assert parse("工人", tolerant=True).whoosh() == parse("工人").whoosh()


def test_the_api_reports_the_variant_each_hit_matched(client, archive):
    data = client.get("/api/search", {"q": "金钧胤", "tolerant": "1"}).json()
    variants = {r["id"]: r["variants"] for r in data["results"]}
    assert {pk for pk, v in variants.items() if v == ["金钩胤"]} == containing("金钩胤")
    assert all(variants[pk] == [] for pk in containing("金钧胤"))
    assert "variants" in client.get("/api/search", {"q": "金钧胤"}).json()["results"][0]


def test_the_results_page_marks_a_variant_apart_and_says_so(client, archive):
    page = client.get("/search/", {"q": "金钧胤", "tolerant": "1"}).text
    assert '<mark class="variant"' in page and "形近字匹配（可能的识别错误）：金钩胤" in page
    assert 'name="tolerant"' in page and "checked" in page.split('name="tolerant"')[1].split(">")[0]


def test_no_exact_hit_says_what_tolerance_would_find(client, archive):
    page = client.get("/search/", {"q": "负责入"}).text  # 入 for 人: what OCR would print
    n = len(containing("负责人"))
    assert n and "没有找到“负责入”，找到" in page and f"{n} 篇可能的识别错误</a>：负责人" in page
    assert "tolerant=1" in page


def test_facets_and_counts_follow_the_tolerant_set(client, archive):
    data = client.get("/api/search", {"q": "金钧胤", "tolerant": "1"}).json()
    assert data["count"] == len(containing("金钧胤") | containing("金钩胤"))
    assert sum(n for _, n in data["facets"]["year"]) == data["count"]
    assert Article.objects.filter(body__contains="金钩胤").exists() or containing("金钩胤")


def test_only_variants_whose_grams_the_index_holds_reach_the_query(archive):
    found = engine.gram_frequencies("grams", ["金钧", "钓胤", "钩胤"])
    assert found == {"金钧": len(containing("金钧")), "钓胤": 0, "钩胤": len(containing("钩胤"))}
    query = parse("金钧胤", tolerant=True)
    every = query.whoosh()
    query.frequency = engine.gram_frequencies
    pruned = query.whoosh()
    assert query.variant_terms == [v for v in tolerance.variants("金钧胤") if f"({v})" in pruned]
    tried = [v for v in tolerance.variants("金钧胤") if f"({v})" in pruned]
    assert "金钩胤" in tried and "金钓胤" not in tried and "金钓胤" in every  # 钓 is 钧's closest
    assert all(v in tried for v in tolerance.variants("金钧胤") if containing(v))
    assert len(tried) < len(tolerance.variants("金钧胤")) / 4


def test_a_far_lookalike_is_tried_only_where_it_is_rarer_than_the_term():
    # 缸 is 31st of 红's look-alikes: far. 钟建缸 (rarer than 钟建红) may be a misreading of it;
    # a far look-alike making grams printed more often than the term's is another word.
    variants = {v.text: v for v in tolerance.candidates("钟建红")}
    assert variants["钟建缸"].far and not variants["钟建虹"].far
    counts = {"钟建": 40, "建红": 30, "建缸": 2, "建虹": 1}
    assert set(tolerance.plausible("钟建红", lambda grams: {g: counts.get(g, 0) for g in grams})) == {
        "钟建缸",
        "钟建虹",
    }
    counts["建缸"] = 30  # as common as the term's own: another word
    assert set(tolerance.plausible("钟建红", lambda grams: {g: counts.get(g, 0) for g in grams})) == {"钟建虹"}
    counts["建虹"] = 500  # a close look-alike is tried however common
    assert "钟建虹" in tolerance.plausible("钟建红", lambda grams: {g: counts.get(g, 0) for g in grams})


def test_tolerant_search_builds_no_dictionary_of_scored_pairs():
    # a web worker holds each character's look-alikes as a string, not 22 MB of scored pairs
    lookalikes._table.cache_clear()
    tolerance._neighbours.cache_clear()
    assert tolerance.variants("金钧胤")
    assert lookalikes._table.cache_info().currsize == 0

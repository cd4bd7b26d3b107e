"""容错 (issue 16): with `tolerant`, a term of three characters or more also matches text one
look-alike character off, exact matches first, the variant actually matched reported and marked;
without it nothing changes. The sample pages print one reporter as 金钧胤 (2023) and 金钩胤
(2022)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from newspaper.models import Article
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
    for term in ("邹伟锋", "负责人", "省总工会"):
        expected = set().union(*(containing(t) for t in [term, *tolerance.variants(term)]))
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

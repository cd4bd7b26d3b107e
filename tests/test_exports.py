"""Whole result sets (issue 17): CSV and JSON Lines of any search, streamed chunk by chunk with
the same columns; and the API's page size."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from haystack.query import SearchQuerySet

from newspaper.models import Article
from search import exports

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(client, **params) -> list[list[str]]:
    response = client.get("/search/export.csv", params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def jsonl_records(client, **params) -> list[dict]:
    response = client.get("/search/export.jsonl", params)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = content(response).decode("utf-8").split("\n")
    assert lines[-1] == ""  # every line ends with a newline, the last one too
    return [json.loads(line) for line in lines[:-1]]


def in_order(client, **params) -> list[int]:
    """The search's results, all of them, as the API pages through them."""
    data = client.get("/api/search", {**params, "page_size": 100}).json()
    assert data["num_pages"] == 1
    return [r["id"] for r in data["results"]]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)  # 29 articles in the sample: eight chunks


@pytest.mark.parametrize(
    "params", [{}, {"q": "工会", "sort": "oldest"}, {"q": "工会"}, {"q": "程雪", "sort": "newest"}]
)
def test_every_matching_article_is_exported_once_in_order_across_chunks(client, archive, small_chunks, params):
    expected = in_order(client, **params)
    assert len(expected) > exports.CHUNK or params.get("q") == "程雪"
    rows = csv_rows(client, **params)
    assert [int(row[0]) for row in rows[1:]] == expected
    assert [r["id"] for r in jsonl_records(client, **params)] == expected


def test_an_export_of_every_article_holds_every_article(client, archive, small_chunks):
    ids = [int(row[0]) for row in csv_rows(client)[1:]]
    assert sorted(ids) == sorted(Article.objects.values_list("pk", flat=True))
    assert len(ids) % exports.CHUNK  # a last chunk shorter than the others
    assert len(csv_rows(client, q="工会")) > 1


def test_an_export_of_exactly_whole_chunks_ends_after_the_last(client, archive, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", Article.objects.count())
    assert len(csv_rows(client)) - 1 == exports.CHUNK


def test_the_csv_has_a_bom_and_chinese_headers(client, archive):
    response = client.get("/search/export.csv", {"q": "工会"})
    assert response["Content-Disposition"] == 'attachment; filename="zjgrrb-search.csv"'
    raw = content(response)
    assert raw.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == ["编号", "日期", "版次", "引题", "标题", "副题", "署名", "工会", "主题", "链接"]


def test_the_json_lines_carry_the_same_fields_as_the_csv_columns(client, archive):
    rows = csv_rows(client, q="工会")
    records = jsonl_records(client, q="工会")
    assert len(records) == len(rows) - 1 > 5
    assert [exports.KEYS[rows[0].index(h)] for h in rows[0]] == exports.KEYS  # one key per column, in order
    for row, record in zip(rows[1:], records, strict=True):
        assert list(record) == exports.KEYS
        as_cells = [("；".join(v) if isinstance(v, list) else str(v)) for v in record.values()]
        assert as_cells == row
    article = Article.objects.prefetch_related("unions", "topics").get(pk=records[0]["id"])
    assert records[0]["unions"] == [u.name for u in article.unions.all()]
    assert records[0]["topics"] == [t.name for t in article.topics.all()]
    assert records[0]["url"] == f"http://testserver/articles/{article.pk}/"
    assert isinstance(records[0]["page"], int)
    assert any(r["unions"] for r in records) and any(r["topics"] for r in records)


def test_the_json_lines_are_utf8_not_escaped(client, archive):
    raw = content(client.get("/search/export.jsonl", {"q": "工会"}))
    assert "工会".encode() in raw and b"\\u" not in raw
    response = client.get("/search/export.jsonl", {"q": "工会"})
    assert response["Content-Disposition"] == 'attachment; filename="zjgrrb-search.jsonl"'


def test_the_json_lines_hold_values_as_stored_where_the_csv_guards_formulas(client, archive):
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    Article.objects.filter(pk=article.pk).update(title="=1+2", byline="@作者")
    (record,) = jsonl_records(client, q="基层党组织书记培训")
    assert (record["title"], record["byline"]) == ("=1+2", "@作者")
    row = csv_rows(client, q="基层党组织书记培训")[1]
    assert (row[4], row[6]) == ("'=1+2", "'@作者")


def test_an_article_deleted_since_it_was_indexed_is_left_out(client, archive, small_chunks):
    everything = in_order(client)
    Article.objects.filter(pk=everything[5]).delete()  # its removal from the index not written yet
    assert [int(row[0]) for row in csv_rows(client)[1:]] == everything[:5] + everything[6:]


@pytest.mark.parametrize("path", ["/search/export.csv", "/search/export.jsonl"])
def test_invalid_parameters_get_a_json_400_before_anything_is_streamed(client, archive, path):
    response = client.get(path, {"date_from": "2023-01-01", "date_to": "2022-01-01"})
    assert response.status_code == 400 and not response.streaming
    assert set(response.json()) == {"error", "message", "fields"}


@pytest.mark.parametrize("path", ["/search/export.csv", "/search/export.jsonl"])
def test_an_export_reads_the_results_a_chunk_at_a_time_while_it_streams(
    client, archive, small_chunks, monkeypatch, path
):
    """Constant memory: the view answers before reading any result, then each chunk is read from
    a queryset that holds no other chunk (haystack keeps whatever a queryset has fetched)."""
    slices, held = [], []
    original = SearchQuerySet.__getitem__

    def recording(sqs, k):
        out = original(sqs, k)
        if isinstance(k, slice):
            slices.append((k.start or 0, k.stop))
            held.append(sum(r is not None for r in sqs._result_cache))
        return out

    monkeypatch.setattr(SearchQuerySet, "__getitem__", recording)
    response = client.get(path)
    assert response.streaming and slices == []
    body = b"".join(response.streaming_content)
    total = Article.objects.count()
    assert slices == [(n, n + 4) for n in range(0, total, 4)]
    # Each chunk from a queryset holding no other (Python may reuse a freed queryset's id, so
    # what a queryset holds is checked, not which one it is).
    assert max(held) <= exports.CHUNK
    assert body.count(b"\n") == total + (path.endswith(".csv"))


def test_each_chunk_is_loaded_in_one_query_without_the_pages_raw_text(client, archive, small_chunks):
    response = client.get("/search/export.csv")
    with CaptureQueriesContext(connection) as queries:
        content(response)
    sql = [q["sql"] for q in queries.captured_queries]
    chunks = -(-Article.objects.count() // exports.CHUNK)
    assert len([s for s in sql if re.match(r'SELECT .* FROM "newspaper_article"', s)]) == chunks
    assert len(sql) == 3 * chunks  # the articles with their pages, their unions, their topics
    assert not [s for s in sql if "raw_text" in s or '"newspaper_article"."body"' in s]


def test_the_results_page_links_both_exports(client, archive):
    html = client.get("/search/", {"q": "工会", "page": "2"}).content.decode()
    csv_link = re.search(r'href="(/search/export\.csv\?[^"]*)"', html).group(1)
    jsonl_link = re.search(r'href="(/search/export\.jsonl\?[^"]*)"', html).group(1)
    assert csv_link.split("?")[1] == jsonl_link.split("?")[1] == "q=%E5%B7%A5%E4%BC%9A"
    assert ">JSONL</a>" in html


# -- the API's page size ----------------------------------------------------------------------


def test_the_api_pages_twenty_results_by_default(client, archive):
    data = client.get("/api/search").json()
    assert data["count"] == Article.objects.count() > 20
    assert len(data["results"]) == 20 and data["num_pages"] == 2


@pytest.mark.parametrize("size", [1, 5, 7, 100])
def test_the_api_page_size_is_selectable_up_to_a_hundred(client, archive, size):
    everything = in_order(client)
    first = client.get("/api/search", {"page_size": size}).json()
    assert [r["id"] for r in first["results"]] == everything[:size]
    if first["num_pages"] > 1:
        second = client.get("/api/search", {"page_size": size, "page": 2}).json()
        assert [r["id"] for r in second["results"]][:size] == everything[size : 2 * size]


@pytest.mark.parametrize("size", ["0", "101", "-1", "x", "", "²", "1.5", "99999999999999999999"])
def test_a_page_size_outside_one_to_a_hundred_is_a_json_400_naming_it(client, archive, size):
    response = client.get("/api/search", {"page_size": size})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid parameters" and body["fields"] == {"page_size": ["需要 1–100 的整数"]}
    assert "每页条数" in body["message"]

"""Terms compared over time (issue 17): /trends/, /api/trends and the CSV count each query per
year or month under shared filters, from the engine's facet counts."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html import unescape

import pytest

from newspaper.models import Article
from search.analyzer import indexed

pytestmark = pytest.mark.django_db


def holding(term: str, **filters) -> Counter:
    """Articles per year holding `term` as the search matches it (any searchable field)."""
    per_year: Counter = Counter()
    for a in Article.objects.with_page().filter(**filters):
        text = indexed("\n".join([a.kicker, a.title, a.subtitle, a.byline, a.body, *a.captions]))
        if term in text:
            per_year[str(a.page.issue.date.year)] += 1
    return per_year


def api(client, *queries, **params):
    response = client.get("/api/trends", {"q": list(queries), **params})
    return response.status_code, response.json()


def test_it_counts_each_query_per_year_against_all_articles_of_the_year(client, archive):
    status, data = api(client, "工会", "疫情")
    assert status == 200 and data["interval"] == "year"
    assert data["periods"] == ["2021", "2022", "2023"]
    all_per_year = Counter(str(a.page.issue.date.year) for a in Article.objects.with_page())
    assert data["totals"] == [all_per_year[p] for p in data["periods"]]
    for series, term in zip(data["series"], ["工会", "疫情"], strict=True):
        assert series["q"] == term
        expected = holding(term)
        assert series["counts"] == [expected[p] for p in data["periods"]]
        assert series["share"] == [
            round(n / t, 6) if t else 0 for n, t in zip(series["counts"], data["totals"], strict=True)
        ]
    assert any(data["series"][0]["counts"]) and data["series"][0]["counts"] != data["series"][1]["counts"]


def test_months_fill_the_gaps_between_issues_with_zeros(client, archive):
    status, data = api(client, "工会", interval="month", date_from="2022-01-01", date_to="2022-12-31")
    assert status == 200
    assert data["periods"] == ["2022-04", "2022-05", "2022-06"]  # the sample issues of 2022
    status, data = api(client, "工会", interval="month")
    assert data["periods"][0] == "2021-08" and data["periods"][-1] == "2023-01"
    assert len(data["periods"]) == 18 and data["totals"][1] == 0  # 2021-09: no issue


def test_filters_are_shared_and_the_shares_are_of_the_filtered_articles(client, archive):
    union = "浙江省总工会"
    status, data = api(client, "工会", union=union)
    assert status == 200
    in_union = Article.objects.with_page().filter(unions__name=union)
    per_year = Counter(str(a.page.issue.date.year) for a in in_union)
    assert data["totals"] == [per_year[p] for p in data["periods"]]
    assert data["series"][0]["counts"] == [holding("工会", unions__name=union)[p] for p in data["periods"]]


def test_one_query_per_line_counts_as_several_queries(client, archive):
    _, data = api(client, "工会\n疫情\n\n工会")
    assert [s["q"] for s in data["series"]] == ["工会", "疫情"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": [f"词{i}" for i in range(7)]}, "__all__"),
        ({"q": ["工会"], "interval": "week"}, "interval"),
        ({"q": ["!!!"]}, "__all__"),
        ({"q": ["工会"], "date_from": "2023-01-01", "date_to": "2022-01-01"}, "__all__"),
        ({}, "q"),
    ],
)
def test_bad_parameters_are_a_400_in_the_api_s_error_shape(client, archive, params, field):
    response = client.get("/api/trends", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid parameters" and body["message"] and field in body["fields"]


def test_the_page_draws_a_line_per_query_with_points_linking_to_the_search(client, archive):
    response = client.get("/trends/", {"q": "工会\n疫情"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<g class="series"', html)) == 2
    links = [unescape(u) for u in re.findall(r'<a href="(/search/\?[^"]+)" aria-label', html)]
    assert len(links) == 2 * 3  # a point per query and year
    assert any("q=%E5%B7%A5%E4%BC%9A" in u and "year=2022" in u for u in links)
    assert "<table" in html and "下载 CSV" in html
    counts = client.get("/trends/", {"q": "工会", "measure": "count"}).content.decode()
    assert "改看比例" in counts


def test_a_point_s_link_finds_the_articles_it_counts(client, archive):
    html = client.get("/trends/", {"q": "工会", "union": "浙江省总工会"}).content.decode()
    link = unescape(re.search(r'<a href="(/search/\?[^"]+year=2022[^"]*)"', html).group(1))
    assert "union=" in link
    found = client.get(link.replace("/search/", "/api/search")).json()["count"]
    _, filtered = api(client, "工会", union="浙江省总工会")
    assert found == filtered["series"][0]["counts"][filtered["periods"].index("2022")]


def test_the_csv_has_a_row_per_period_with_counts_and_shares(client, archive):
    response = client.get("/trends/export.csv", {"q": ["工会", "=疫情"]})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["时期", "全部篇数", "工会 篇数", "工会 占比", "'=疫情 篇数", "'=疫情 占比"]
    _, data = api(client, "工会")
    assert [r[0] for r in rows[1:]] == data["periods"]
    assert [int(r[2]) for r in rows[1:]] == data["series"][0]["counts"]


def test_queries_and_filters_are_escaped_on_the_page(client, archive):
    html = client.get("/trends/", {"q": "<script>alert(1)</script>工会", "union": '"><b>x'}).content.decode()
    assert "<script>alert" not in html and "<b>x" not in html

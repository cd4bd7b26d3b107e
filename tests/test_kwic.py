"""Keyword in context (issue 17): every occurrence of the query's strings in the matched articles,
one line each, with about twenty characters either side; sortable, paginated, CSV, API."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from newspaper.models import Article
from search import highlight
from search.analyzer import indexed
from search.kwic import WIDTH, lines_in

pytestmark = pytest.mark.django_db


def occurrences(term: str) -> int:
    """Occurrences of `term` in the searched fields of every article, counted apart (a brute
    force over the database, not the code under test)."""
    n = 0
    for a in Article.objects.all():
        for text in (a.kicker, a.display_title, a.subtitle, a.body, *a.captions):
            n += indexed(" ".join((text or "").split())).count(term)
    return n


def api(client, **params):
    response = client.get("/api/kwic", params)
    return response.status_code, response.json()


def test_every_occurrence_is_a_line_with_the_match_and_its_context(client, archive):
    status, data = api(client, q="工会")
    assert status == 200
    assert data["count"] == occurrences("工会") > 50
    assert data["num_pages"] == -(-data["count"] // 50) or data["count"] <= 53
    for line in data["results"]:
        assert line["match"] == "工会"
        assert len(line["left"]) <= WIDTH and len(line["right"]) <= WIDTH
        assert "\n" not in line["left"] + line["right"]
        article = Article.objects.get(pk=line["id"])
        assert line["date"] == article.page.issue.date.isoformat()
        assert line["url"].endswith(f"/articles/{article.pk}/")
        fields = [article.kicker, article.display_title, article.subtitle, article.body, *article.captions]
        assert any(line["left"] + line["match"] + line["right"] in " ".join(f.split()) for f in fields)


def test_the_match_is_the_text_as_printed(client, archive):
    article = Article.objects.filter(body__contains="工会").first()
    article.body = "全省ＡＢＣ工会\n组织，工\n会干部。"
    lines = lines_in(article, ["abc工会", "工会"])
    assert [line.match for line in lines] == ["ＡＢＣ工会", "工会"]  # full-width kept; a line break taken out
    assert lines[0].left == "全省" and lines[0].right == " 组织，工 会干部。"


def test_lines_sort_by_the_context_on_either_side_and_by_date(client, archive):
    _, right = api(client, q="工会", sort="right")
    keys = [(r["right"]) for r in right["results"]]
    assert keys == sorted(keys)
    _, left = api(client, q="工会", sort="left")
    keys = [r["left"][::-1] for r in left["results"]]
    assert keys == sorted(keys)
    _, old = api(client, q="工会", sort="date")
    dates = [r["date"] for r in old["results"]]
    assert dates == sorted(dates)
    _, new = api(client, q="工会")
    assert [r["date"] for r in new["results"]] == sorted((r["date"] for r in new["results"]), reverse=True)


def test_pages_cover_every_line_once(client, archive):
    _, first = api(client, q="工会", sort="right")
    seen = []
    for number in range(1, first["num_pages"] + 1):
        _, data = api(client, q="工会", sort="right", page=number)
        seen += [(r["id"], r["left"], r["match"], r["right"]) for r in data["results"]]
    assert len(seen) == first["count"]


def test_filters_narrow_the_articles_read(client, archive):
    _, data = api(client, q="工会", date_from="2022-05-19", date_to="2022-05-19")
    assert data["count"] and {r["date"] for r in data["results"]} == {"2022-05-19"}


def test_a_query_without_terms_and_bad_parameters_are_400(client, archive):
    for params in ({"q": ""}, {"q": "!!"}, {"q": "工会", "sort": "title"}, {"q": "工会", "page": "0"}):
        status, data = api(client, **params)
        assert status == 400 and data["error"] == "invalid parameters", params
    status, data = api(client, q="工会", page="999")
    assert status == 400 and "超出范围" in data["message"]


def test_the_page_lists_lines_with_sort_links_and_escapes_everything(client, archive):
    html = client.get("/kwic/", {"q": "工会", "sort": "left"}).content.decode()
    assert html.count('<td class="kwic-match"><mark>工会</mark></td>') == min(50, occurrences("工会"))
    assert "按右侧上下文" in html and '<strong aria-current="true">按左侧上下文</strong>' in html
    article = Article.objects.filter(body__contains="工会").first()
    article.body = article.body.replace("工会", "<b>工会</b>", 1)
    article.save()
    day = article.page.issue.date.isoformat()
    html = client.get("/kwic/", {"q": "工会", "date_from": day, "date_to": day, "sort": "right"}).content.decode()
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_the_csv_streams_every_line(client, archive):
    response = client.get("/kwic/export.csv", {"q": "工会"})
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["日期", "编号", "标题", "左侧", "匹配", "右侧", "链接"]
    assert len(rows) - 1 == occurrences("工会")
    assert {r[4] for r in rows[1:]} == {"工会"}


def test_the_fast_map_of_the_highlighter_agrees_with_the_slow_one():
    """KWIC reads thousands of articles: the highlighter maps hits back through the gaps only
    when the text is already in the index's forms; it must find what the slow map finds."""
    rng = random.Random(7)
    alphabet = "工会职工 \n　ＡBc浙江，。"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for term in ("工会", "会职", "职工", "浙江", "bc", "工"):
            slow = _slow_spans(text, [term])
            assert highlight.spans(text, [term]) == slow, (text, term)


def _slow_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    out = []
    gaps = {i for m in highlight.CJK_GAP_RE.finditer(text) for i in range(m.start(), m.end())}
    flat, where = "", []
    for i, ch in enumerate(text):
        if i not in gaps:
            n = highlight.normalise(ch)
            flat += n
            where += [i] * len(n)
    for term in terms:
        for m in re.finditer(re.escape(term), flat):
            out.append((where[m.start()], where[m.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(out):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged

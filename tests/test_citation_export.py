"""Exporting the citations of ticked search results (issue 17): a box per result on the search
page, and /search/cite?id=…&format=ris|bib|json|txt answering every ticked article in the format
asked, or a 400 in the API's JSON error shape for anything else, never a 500."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy

from newspaper.models import Article
from tests.test_citations import render_with_citeproc

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticked(archive) -> list[Article]:
    """Three articles of three issues, in the order a reader ticked them (not the archive's)."""
    titles = ["十载爱心 十载相伴", "经审“牵手”纪检共建清廉工会", "湖州举办第六届邮政行业职业技能竞赛"]
    found = {a.title: a for a in Article.objects.with_page().prefetch_related("credits__person")}
    return [found[t] for t in titles]


def export(client, articles, fmt, **extra):
    return client.get("/search/cite", {"id": [a.pk for a in articles], "format": fmt, **extra})


def test_the_search_page_offers_a_box_for_each_result_and_the_export_buttons(client, archive):
    html = client.get("/search/", {"q": "工会"}).text
    results = re.findall(r'<li class="result">.*?</li>', html, re.S)
    assert results
    for result in results:
        box = re.search(r'<label class="pick"><input type="checkbox" name="id" value="(\d+)" form="cite-form">', result)
        assert box, result
        title = Article.objects.get(pk=box.group(1)).display_title
        assert f'选择<span class="visually-hidden">：{title}</span></label>' in result  # a label naming the result
    form = re.search(r'<form method="get" action="/search/cite" id="cite-form".*?</form>', html, re.S).group(0)
    for fmt in ("ris", "bib", "json", "txt"):
        assert f'<button type="submit" name="format" value="{fmt}"' in form
    assert '<label for="cite-all">本页全选</label>' in form
    assert '<script src="/static/js/cite.js" defer></script>' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id used twice"


def test_a_search_without_results_has_no_export(client, archive):
    html = client.get("/search/", {"q": "没有这样的词语组合"}).text
    assert 'id="cite-form"' not in html and "cite.js" not in html


def test_the_ris_export_has_every_ticked_article_in_the_order_ticked(client, ticked):
    response = export(client, ticked, "ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="zjgrrb-citations.ris"'
    records = rispy.loads(response.content.decode("utf-8"))
    assert [r["type_of_reference"] for r in records] == ["NEWS"] * 3
    assert [r["title"] for r in records] == [a.cited_title for a in ticked]
    assert [r["authors"] for r in records] == [a.authors for a in ticked]
    assert [r["date"] for r in records] == ["2021/08/30", "2022/05/19", "2021/08/30"]


def test_the_bibtex_export_has_every_ticked_article(client, ticked):
    response = export(client, ticked, "bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.content.decode("utf-8"))
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == [f"zjgrrb-{a.date:%Y-%m-%d}-{a.pk}" for a in ticked]
    assert [e.fields_dict["title"].value for e in library.entries] == [a.cited_title for a in ticked]


def test_the_csl_json_export_has_every_ticked_article_and_citeproc_renders_them(client, ticked):
    response = export(client, ticked, "json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(response.content)
    assert [i["title"] for i in items] == [a.cited_title for a in ticked]
    assert {i["type"] for i in items} == {"article-newspaper"}
    rendered = render_with_citeproc(response.content)
    assert len(rendered) == 3
    for article in ticked:
        assert sum(article.cited_title in entry for entry in rendered) == 1


def test_the_gbt_7714_export_is_one_numbered_reference_list(client, ticked):
    response = export(client, ticked, "txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="zjgrrb-citations.txt"'
    lines = response.content.decode("utf-8").splitlines()
    assert lines == [f"[{n}] {a.citation()}" for n, a in enumerate(ticked, 1)]


def test_an_article_ticked_twice_is_exported_once(client, ticked):
    response = export(client, [ticked[0], ticked[1], ticked[0]], "txt")
    assert len(response.content.decode("utf-8").splitlines()) == 2


def test_articles_no_longer_in_the_archive_are_skipped(client, ticked):
    response = client.get("/search/cite", {"id": [999999, ticked[0].pk], "format": "ris"})
    assert response.status_code == 200
    assert [r["title"] for r in rispy.loads(response.content.decode("utf-8"))] == [ticked[0].cited_title]


def test_when_no_ticked_article_is_left_it_says_so(client, archive):
    response = client.get("/search/cite", {"id": [999998, 999999], "format": "ris"})
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not found" and "不在档案中" in body["message"]


@pytest.mark.parametrize(
    "params, field, says",
    [
        ({"format": "ris"}, "id", "请至少勾选一篇文章"),
        ({"id": "", "format": "ris"}, "id", "文章编号无效"),
        ({"id": "abc", "format": "ris"}, "id", "文章编号无效：abc"),
        ({"id": "0", "format": "ris"}, "id", "文章编号无效"),
        ({"id": "²", "format": "ris"}, "id", "文章编号无效"),  # isdigit() says yes, int() says no
        ({"id": "-3", "format": "ris"}, "id", "文章编号无效"),
        ({"id": "9" * 40, "format": "ris"}, "id", "文章编号无效"),
        ({"id": [str(n) for n in range(1, 102)], "format": "ris"}, "id", "一次最多导出 100 篇"),
        ({"id": "1"}, "format", "请选择导出格式"),
        ({"id": "1", "format": "pdf"}, "format", "没有这种格式：pdf"),
        ({"id": "1", "format": ["ris", "x\x00"]}, "format", "没有这种格式"),
    ],
)
def test_bad_input_is_refused_with_a_message_in_chinese(client, archive, params, field, says):
    response = client.get("/search/cite", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == "invalid parameters"
    assert body["message"].startswith("无法导出引文：") and says in body["message"]
    assert list(body["fields"]) == [field] and says in body["fields"][field][0]


def test_a_hundred_articles_is_not_too_many(client, archive):
    ids = list(Article.objects.values_list("pk", flat=True)) + list(range(900001, 900101))
    response = client.get("/search/cite", {"id": ids[:100], "format": "txt"})
    assert response.status_code == 200
    assert len(response.content.decode("utf-8").splitlines()) == Article.objects.count()


def test_the_export_answers_only_get(client, ticked):
    response = client.post("/search/cite", {"id": ticked[0].pk, "format": "ris"})
    assert response.status_code == 405 and response.json()["error"] == "method not allowed"

"""The search page shows what narrows a search and lets each filter go: chips, 清除全部, the
count without filters on an empty page, every facet value behind 更多, sort as links, the page a
result was on, quotes kept, one date style, a canonical link."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from newspaper.models import Article

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_filter_shows_as_a_chip_that_takes_it_off(client, archive):
    html = page(client, q="工会", month="2022-05", within="省总工会", union="浙江省总工会")
    chips = re.findall(r'<a class="chip" href="([^"]+)"[^>]*>([^<]+)<', html)
    labels = [label.strip() for _, label in chips]
    assert labels == ["工会：浙江省总工会", "月份：2022年5月", "二次检索：省总工会"]
    off_month = next(url for url, label in chips if label.startswith("月份")).replace("&amp;", "&")
    assert "month=" not in off_month and "union=" in off_month and "within=" in off_month
    assert "清除全部" in html


def test_an_empty_page_keeps_the_chips_and_counts_without_filters(client, archive):
    html = page(client, q="易炼红", month="2022-04")
    assert "没有找到" in html and 'class="chip"' in html
    without = len([a for a in Article.objects.all() if "易炼红" in a.body + a.title])
    assert "去掉筛选后有" in html and f">{without} 篇<" in html
    assert '<ol class="results"' not in html  # no "0." numbering


def test_every_facet_value_is_reachable(client, archive):
    html = page(client, q="工会")
    facet = html.split("<h2>工会</h2>")[1].split("</section>")[0]
    shown = len(re.findall(r"<li><a ", facet.split('<details class="more">')[0]))
    unions = {
        u
        for a in Article.objects.filter(unions__isnull=False).distinct()
        for u in a.unions.values_list("name", flat=True)
    }
    if len(unions) > 12:
        assert shown == 12 and "更多" in facet
    assert len(re.findall(r"<li><a ", facet)) >= min(len(unions), 100) - 1  # all reachable


def test_sort_is_a_visible_control_that_applies_at_once(client, archive):
    html = page(client, q="工会")
    assert '<strong aria-current="true">相关度</strong>' in html
    assert re.search(r'<a href="\?[^"]*sort=newest[^"]*">日期从新到旧</a>', html)


def test_quotes_and_one_date_style(client, archive):
    html = page(client, q='"工会信息工作"')
    # Within the summary only: the search box's value attribute holds the quotes whatever it says.
    summary = re.search(r'<p class="summary">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"检索 <strong>(&quot;|\")工会信息工作(&quot;|\")</strong>", summary), summary
    assert not re.search(r'class="bar-label">\d{4}-\d{2}<', html)


def test_back_to_results_returns_to_the_results_page_of_the_article(client, archive):
    from tests.test_search import found

    ids = found("")  # every article, newest first: 27, so the 23rd is on page 2
    assert len(ids) > 21
    html = client.get(f"/articles/{ids[22]}/", {"q": "", "rank": "23"}).content.decode()
    back = re.search(r'href="(/search/\?[^"]*)">返回检索结果', html)
    assert back and "page=2" in back.group(1)
    html = client.get(f"/articles/{ids[1]}/", {"q": "", "rank": "2"}).content.decode()
    assert "page=" not in re.search(r'href="(/search/\?[^"]*)">返回检索结果', html).group(1)


def test_an_article_page_has_a_canonical_link_and_a_description(client, archive):
    article = Article.objects.first()
    html = client.get(article.get_absolute_url(), {"q": "工会", "rank": "1"}).content.decode()
    assert f'<link rel="canonical" href="http://testserver/articles/{article.pk}/">' in html
    assert '<meta name="description"' in html


def test_a_photo_without_text_is_described_by_its_caption_or_title(client, archive):
    photo = Article.objects.exclude(captions=[]).first()
    Article.objects.filter(pk=photo.pk).update(body="", kind=Article.Kind.PHOTO)
    html = client.get(photo.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description and description in photo.captions[0]
    Article.objects.filter(pk=photo.pk).update(captions=[], title="雨中的环卫工人")
    html = client.get(photo.get_absolute_url()).content.decode()
    assert '<meta name="description" content="雨中的环卫工人">' in html


def test_every_api_error_has_one_shape_with_a_chinese_message(client, archive):
    responses = [
        client.get("/api/search", {"page": "0"}),
        client.get("/api/search", {"page": "9999"}),
        client.get("/api/search", {"month": "2022-13"}),
        client.get("/api/articles/999999999"),
        client.post("/api/search"),
        client.get("/search/export.csv", {"date_from": "2023-01-01", "date_to": "2022-01-01"}),
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 404, 405, 400]
    for response in responses:
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"error", "message", "fields"}, body
        assert re.search(r"[\u4e00-\u9fff]", body["message"]), body
    assert responses[0].json()["fields"] == {"page": ["需要正整数"]}


def test_the_all_values_page_labels_values_as_the_results_page_does(client, archive):
    html = client.get("/search/facet/kind/", {"q": "工会"}).content.decode()
    kinds = re.findall(r'<li><a href="/search/\?[^"]*kind=(\w+)[^"]*">([^<]+)</a>', html)
    assert kinds and all(label == dict(Article.Kind.choices)[value] for value, label in kinds), kinds
    found = client.get("/search/facet/kind/", {"q": "工会", "match": "消息"}).content.decode()
    assert re.findall(r'<li><a href="[^"]*">([^<]+)</a>', found) == ["消息"]


def test_the_all_values_page_pages_through_every_value(client, archive, monkeypatch):
    from search import facet_views

    monkeypatch.setattr(facet_views, "PER_PAGE", 5)
    unions = set(Article.unions.through.objects.values_list("union__name", flat=True))
    first = client.get("/search/facet/union/", {"q": ""}).content.decode()
    assert f"全部工会：共 {len(unions)} 项" in first and f"第 1 / {-(-len(unions) // 5)} 页" in first
    seen = []
    url = "/search/facet/union/?q="
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'<li><a href="/search/\?[^"]*">([^<]+)</a>', html)
        following = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/search/facet/union/" + following.group(1).replace("&amp;", "&") if following else None
    assert sorted(seen) == sorted(unions)
    chosen = sorted(unions)[-1]  # a chosen value comes first, whatever its count
    html = client.get("/search/facet/union/", {"q": "", "union": chosen}).content.decode()
    assert re.search(r'<li><a href="[^"]*" aria-current="true" class="selected">✓ ([^<]+)</a>', html).group(1) == chosen


def test_every_value_of_a_facet_on_its_own_page_searchable(client, archive):
    html = client.get("/search/facet/union/", {"q": "工会"}).content.decode()
    assert "全部" in html and "浙江省总工会" in html
    every = html.count('<li><a href="/search/?')
    found = client.get("/search/facet/union/", {"q": "工会", "match": "德清"}).content.decode()
    assert 0 < found.count('<li><a href="/search/?') < every and "德清" in found
    link = re.search(r'<li><a href="(/search/\?[^"]+)"', found).group(1).replace("&amp;", "&")
    assert "union=" in link and "q=" in link
    assert client.get("/search/facet/nothing/").status_code == 404
    assert client.get("/search/facet/union/", {"month": "0000-01"}).status_code == 400


@pytest.mark.parametrize("query", ["", "q=工会&page=3", "q=a%26b&date_from=2020-01-01&union=杭州市总工会", "union="])
def test_a_facets_links_are_each_values_own_link(query):
    from search import filters

    params = QueryDict(query)
    buckets = [("浙江省总工会", 3), ("杭州市总工会", 2), ("a&b=c 值", 1)]
    made = filters.facet_links(params, "union", buckets)
    assert made["links"] + made["more"] == [
        filters.facet_link(params, "union", value, n)
        for value, n in filters.chosen_first(params.getlist("union"), buckets)
    ]


def test_a_search_page_is_kept_for_visitors_until_the_index_changes(client, archive, monkeypatch):
    from django.contrib.auth.models import User

    from newspaper.models import Article
    from search import forms
    from tests.conftest import drain

    made = []
    real = forms.ArchiveSearchForm.results
    monkeypatch.setattr(forms.ArchiveSearchForm, "results", lambda self: made.append(1) or real(self))
    first = client.get("/search/", {"q": "工会"})
    again = client.get("/search/", {"q": "工会"})
    assert len(made) == 1 and again.content == first.content
    assert again["Content-Security-Policy"]  # the middleware still runs on a kept page
    client.get("/search/", {"q": "工会", "page": "2"})
    assert len(made) == 2  # another URL, another page
    article = Article.objects.filter(body__contains="工会").first()
    article.title = "标题改过了工会"
    article.save()
    drain()  # the index changed: the page is made again, with the correction
    assert "标题改过了" in client.get("/search/", {"q": "工会"}).content.decode()
    assert len(made) == 3
    editor = User.objects.create_user("editor", password="x" * 12, is_staff=True)
    client.force_login(editor)
    client.get("/search/", {"q": "工会"})
    client.get("/search/", {"q": "工会"})
    assert len(made) == 5  # a signed-in editor's page is never kept: it carries their name


def sidebar_of(html: str) -> str:
    return html[html.index('<aside class="facets"') : html.index("</aside>")]


def test_the_facet_sidebar_is_made_once_for_every_page_of_a_search_and_again_after_a_commit(
    client, archive, monkeypatch
):
    from search import filters
    from search.forms import FACETS
    from tests.conftest import drain

    made = []
    real = filters.facet_links
    monkeypatch.setattr(filters, "facet_links", lambda *args: made.append(args[1]) or real(*args))
    first, second = page(client), page(client, page=2)
    assert "第 2 / 2 页" in second and len(made) == len(FACETS)  # the second page's is the first's
    assert sidebar_of(first) == sidebar_of(second)
    article = Article.objects.filter(unions__name="浙江省总工会").first()
    before = re.search(r">浙江省总工会</a> <span class=\"muted\">(\d+)<", sidebar_of(first))[1]
    article.delete()
    drain()
    after = page(client, page=2)
    assert len(made) == 2 * len(FACETS)  # the index changed: its counts are counted and shown anew
    assert re.search(r">浙江省总工会</a> <span class=\"muted\">(\d+)<", sidebar_of(after))[1] == str(int(before) - 1)

"""Following a search (issue 17): the Atom feed of any search, read back with a real feed parser,
and the OpenSearch description a browser finds on every page."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import feedparser
import pytest

from newspaper.models import Article
from search import feeds
from tests.conftest import drain

pytestmark = pytest.mark.django_db


def feed(client, **params):
    response = client.get("/search/feed.atom", params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception  # well-formed
    assert parsed.version == "atom10"
    return parsed


def newest_first(client, **params) -> list[int]:
    """The search's results from the API, newest first: what the feed must list."""
    data = client.get("/api/search", {**params, "sort": "newest", "page_size": 100}).json()
    assert data["count"] <= 100
    return [r["id"] for r in data["results"]]


def entry_ids(parsed) -> list[int]:
    return [int(re.fullmatch(r"http://testserver/articles/(\d+)/", e.link).group(1)) for e in parsed.entries]


def issue_day(stamp: str) -> dt.date:
    """The day of an entry's date as written, in the paper's time zone (a reader shows it in its
    own: midnight in Hangzhou is the day before in UTC)."""
    moment = dt.datetime.fromisoformat(stamp)
    assert moment.utcoffset() == dt.timedelta(hours=8), stamp
    return moment.date()


def test_the_feed_lists_the_search_newest_first_with_titles_and_permalinks(client, archive):
    parsed = feed(client, q="工会")
    expected = newest_first(client, q="工会")
    assert len(expected) > 3
    assert entry_ids(parsed) == expected[: feeds.ENTRIES]
    articles = Article.objects.with_page().in_bulk(expected)
    assert [e.title for e in parsed.entries] == [articles[pk].display_title for pk in entry_ids(parsed)]
    assert [e.id for e in parsed.entries] == [e.link for e in parsed.entries]  # the permalink is the id
    published = [issue_day(e.published) for e in parsed.entries]
    assert published == sorted(published, reverse=True)
    assert published == [articles[pk].page.issue.date for pk in entry_ids(parsed)]
    assert [e.updated for e in parsed.entries] == [e.published for e in parsed.entries]


def test_the_feed_is_newest_first_whatever_the_sort_asked_for(client, archive):
    assert entry_ids(feed(client, q="工会", sort="oldest")) == entry_ids(feed(client, q="工会"))
    assert entry_ids(feed(client, q="工会", sort="relevance")) == entry_ids(feed(client, q="工会"))


def test_the_feed_holds_fifty_entries_at_most(client, archive, monkeypatch):
    assert feeds.ENTRIES == 50
    monkeypatch.setattr(feeds, "ENTRIES", 10)  # the sample archive holds fewer than 50 articles
    assert Article.objects.count() > 10
    parsed = feed(client)  # every article: the search without a query
    assert entry_ids(parsed) == newest_first(client)[:10]
    newest = Article.objects.order_by("-page__issue__date").values_list("page__issue__date", flat=True)
    assert issue_day(parsed.entries[0].published) == newest[0]


def test_the_feed_title_says_what_was_searched(client, archive):
    assert feed(client, q="工会").feed.title == "浙江工人日报 检索：工会"
    narrowed = feed(client, q="工会", union="浙江省总工会", year="2022").feed.title
    assert narrowed == "浙江工人日报 检索：工会（工会：浙江省总工会，年份：2022年）"
    assert feed(client).feed.title == "浙江工人日报 全部文章"
    parsed = feed(client, q="工会", page="2")
    assert parsed.feed.link == "http://testserver/search/?q=%E5%B7%A5%E4%BC%9A"  # the results, from page 1
    assert {link.rel: link.href for link in parsed.feed.links}["self"].startswith("http://testserver/search/feed.atom?")


def test_an_entry_names_each_author_or_else_each_photographer(client, archive):
    parsed = feed(client)  # every article of the sample (fewer than 50)
    articles = Article.objects.prefetch_related("credits__person").in_bulk(entry_ids(parsed))
    named = {
        pk: [a["name"] for a in e.get("authors", [])] for pk, e in zip(entry_ids(parsed), parsed.entries, strict=True)
    }
    expected = {pk: a.authors or a.credits_by_role["photographer"] for pk, a in articles.items()}
    assert named == expected
    assert any(len(names) > 1 for names in named.values())
    assert any(not a.authors and a.credits_by_role["photographer"] for a in articles.values())


def test_a_summary_is_plain_text_escaped_once(client, archive):
    article = Article.objects.order_by("pk").first()
    Article.objects.filter(pk=article.pk).update(body="甲乙前言 <b>工会</b> & 职工 " + article.body)
    Article.objects.get(pk=article.pk).save()  # queued for the index
    drain()
    (entry,) = feed(client, q="甲乙前言").entries
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.startswith("甲乙前言 <b>工会</b> & 职工")  # the text as printed, not markup
    assert "<mark>" not in entry.summary
    raw = client.get("/search/feed.atom", {"q": "甲乙前言"}).content.decode()
    assert "<summary>甲乙前言 &lt;b&gt;工会&lt;/b&gt; &amp; 职工" in raw


@pytest.mark.parametrize("params", [{"union": "\x01"}, {"within": "\x02工会"}, {"q": "工会\x0b"}])
def test_characters_xml_cannot_hold_are_left_out_of_the_feed(client, archive, params):
    article = Article.objects.order_by("pk").first()
    Article.objects.filter(pk=article.pk).update(title="工会\x0c标题\x01", body="工会\x02正文")
    Article.objects.get(pk=article.pk).save()
    drain()
    assert feed(client, **params)  # well-formed
    titles = [e.title for e in feed(client, q="工会").entries]
    assert "工会标题" in titles


def test_a_summary_is_the_passage_around_the_hit(client, archive):
    parsed = feed(client, q="易炼红")
    assert parsed.entries
    assert all("易炼红" in e.summary for e in parsed.entries)


def test_a_head_request_gets_the_feeds_headers(client, archive):
    for path in ("/search/feed.atom?q=工会", "/opensearch.xml"):
        response = client.head(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/")


@pytest.mark.parametrize(
    "params",
    [{"date_from": "2022-13-01"}, {"month": "0000-01"}, {"date_from": "2023-01-01", "date_to": "2022-01-01"}],
)
def test_invalid_parameters_get_a_400_in_the_api_error_shape(client, archive, params):
    response = client.get("/search/feed.atom", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message", "fields"} and body["message"] == "检索参数无效"


class Heads(HTMLParser):
    """The <link> elements of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))


def links(html: str, rel: str) -> list[dict]:
    parser = Heads()
    parser.feed(html)
    return [link for link in parser.links if link.get("rel") == rel]


def test_the_results_page_links_its_feed(client, archive):
    html = client.get("/search/", {"q": "工会", "union": "浙江省总工会", "page": "2"}).content.decode()
    (alternate,) = links(html, "alternate")
    assert alternate["type"] == "application/atom+xml"
    assert (
        alternate["href"]
        == "/search/feed.atom?q=%E5%B7%A5%E4%BC%9A&union=%E6%B5%99%E6%B1%9F%E7%9C%81%E6%80%BB%E5%B7%A5%E4%BC%9A"
    )
    assert alternate["title"] == "浙江工人日报 检索：工会"
    visible = re.search(r'<a href="([^"]+)"[^>]*>订阅</a>', html)
    assert visible and visible.group(1).replace("&amp;", "&") == alternate["href"]
    assert feed(client, q="工会", union="浙江省总工会").entries


OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_the_opensearch_description_lets_a_browser_search_the_archive(client, archive):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "浙江工人日报"
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    urls = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert urls["text/html"] == "http://testserver/search/?q={searchTerms}"
    assert urls["application/atom+xml"] == "http://testserver/search/feed.atom?q={searchTerms}"
    # What a browser does with it: put the typed words in the template and open the page.
    page = client.get(urls["text/html"].replace("{searchTerms}", quote("易炼红")))
    assert page.status_code == 200 and "易炼红" in page.content.decode()
    assert feedparser.parse(
        client.get(urls["application/atom+xml"].replace("{searchTerms}", quote("易炼红"))).content
    ).entries


@pytest.mark.parametrize("url", ["/", "/search/?q=工会", "/issues/", "/no/such/page/"])
def test_every_page_links_the_opensearch_description(client, archive, url):
    (search,) = links(client.get(url).content.decode(), "search")
    assert search["type"] == "application/opensearchdescription+xml"
    assert search["href"] == "/opensearch.xml" and search["title"] == "浙江工人日报"

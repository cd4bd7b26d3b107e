"""One date style wherever a person reads a date: 2022年4月5日, 2022年4月. ISO dates stay where a
machine reads them (<time datetime>, links, CSV, the API) and in the GB/T 7714 citation, whose
standard writes them so (issue 15)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from newspaper.models import Article, Issue, Topic, Union

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TextNodes(HTMLParser):
    """The text between tags (the <title> included), attributes left out; the citation's
    paragraph (id="citation") too, its date being the standard's."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skipping_at: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.open.append(tag)
        if self.skipping_at is None and dict(attrs).get("id") == "citation":
            self.skipping_at = len(self.open)

    def handle_endtag(self, tag):
        if tag in self.VOID or tag not in self.open:
            return
        while self.open and self.open.pop() != tag:
            pass
        if self.skipping_at is not None and len(self.open) < self.skipping_at:
            self.skipping_at = None

    def handle_data(self, data):
        if self.skipping_at is None:
            self.parts.append(data)


def iso_dates_shown(html: str) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    text = " ".join(parser.parts)
    return [text[max(0, m.start() - 30) : m.end() + 10].strip() for m in ISO_DATE.finditer(text)]


def test_the_text_nodes_leave_attributes_out_and_see_everything_else():
    html = '<title>一 2022-04-05</title><a href="/x?d=2022-04-05"><time datetime="2022-04-05">2022年4月5日</time></a>'
    assert [shown.split()[:2] for shown in iso_dates_shown(html)] == [["一", "2022-04-05"]]
    assert iso_dates_shown('<p id="citation">[N]. 浙江工人日报, 2022-04-05(1).</p><p>x</p>') == []


def test_no_article_issue_union_or_topic_page_shows_an_iso_date(client, archive):
    from tests.test_search import found

    articles = list(Article.objects.all())
    related = next(a for a in articles if a.related())
    urls = [
        *(a.get_absolute_url() for a in articles),
        related.get_absolute_url() + "?q=工会&rank=1",
        *(issue.get_absolute_url() for issue in Issue.objects.all()),
        *(u.get_absolute_url() for u in Union.objects.filter(articles__isnull=False).distinct()),
        *(t.get_absolute_url() for t in Topic.objects.filter(articles__isnull=False).distinct()),
        "/",
        "/issues/",
        "/search/?q=工会&date_from=2022-04-01&date_to=2022-06-30",
        "/search/facet/union/?q=工会",
    ]
    assert found("")  # the archive is indexed: the search pages show what they find
    shown = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if dates := iso_dates_shown(response.content.decode()):
            shown[url] = dates
    assert not shown, shown


def test_the_article_page_writes_its_date_in_chinese_and_keeps_iso_for_machines(client, archive):
    article = next(a for a in Article.objects.all() if a.related())
    html = client.get(article.get_absolute_url()).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert f"{article.date.year}年{article.date.month}月{article.date.day}日" in title
    related = html.split('class="related"')[1]
    assert re.search(r'<time class="muted" datetime="\d{4}-\d{2}-\d{2}">\d{4}年\d{1,2}月\d{1,2}日</time>', related)
    assert article.citation() in html  # GB/T 7714 keeps its ISO date

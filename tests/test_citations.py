"""Citations that reference managers read (issue 17): the metadata an article page embeds for
Zotero's connector, and an article's RIS, BibTeX, CSL-JSON and GB/T 7714 downloads, each read back
by a real parser (rispy, bibtexparser, citeproc-py) rather than by matching strings."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from newspaper import citations
from newspaper.models import Article, Page

pytestmark = pytest.mark.django_db

TITLE = "十载爱心 十载相伴"
CITED_TITLE = "十载爱心 十载相伴: 武林集团累计为近万人次职工子女提供免费暑期托管"
AUTHORS = ["沈天翔", "徐星隽"]


@pytest.fixture
def article(archive):
    """An article with a subtitle and two reporters, its page made 第3版 民生 so that the page
    number is not the 1 that every sample page has."""
    found = Article.objects.get(title=TITLE)
    Page.objects.filter(pk=found.page_id).update(number=3, name="民生")
    return Article.objects.with_page().prefetch_related("credits__person").get(pk=found.pk)


def download(client, article, ext):
    response = client.get(f"/articles/{article.pk}/cite.{ext}")
    assert response.status_code == 200, response.content[:300]
    return response


class HeadMeta(HTMLParser):
    """The <meta> tags of a page's <head>, as (name or property, content) in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and (attrs.get("name") or attrs.get("property")):
            self.tags.append((attrs.get("name") or attrs["property"], attrs.get("content")))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_meta(html: str) -> list[tuple[str, str]]:
    parser = HeadMeta()
    parser.feed(html)
    return parser.tags


def values(tags, name) -> list[str]:
    return [content for key, content in tags if key == name]


def test_the_page_tells_zotero_it_is_a_newspaper_article_with_its_title_authors_date_and_page(client, article):
    tags = head_meta(client.get(article.get_absolute_url()).text)
    assert values(tags, "DC.type") == ["newspaperArticle"]
    assert values(tags, "prism.publicationName") == values(tags, "og:site_name") == ["浙江工人日报"]
    assert values(tags, "citation_title") == values(tags, "DC.title") == [CITED_TITLE]
    assert values(tags, "citation_author") == values(tags, "DC.creator") == AUTHORS
    assert values(tags, "citation_date") == values(tags, "citation_publication_date") == ["2021/08/30"]
    assert values(tags, "DC.date") == ["2021-08-30"]
    assert values(tags, "citation_firstpage") == ["3"]
    assert values(tags, "citation_language") == values(tags, "DC.language") == ["zh"]
    assert values(tags, "citation_public_url") == [f"http://testserver/articles/{article.pk}/"]
    # A journal's title would make Zotero save a journal article, whatever DC.type says.
    assert not [key for key, _ in tags if "journal" in key.lower()]


def test_the_embedded_metadata_is_escaped(client, article):
    Article.objects.filter(pk=article.pk).update(title='引号"><script>x</script>&')
    html = client.get(article.get_absolute_url()).text
    assert "<script>x" not in html
    cited = '引号"><script>x</script>&: ' + article.subtitle
    assert values(head_meta(html), "citation_title") == [cited]


def test_the_article_page_links_its_four_downloads(client, article):
    html = client.get(article.get_absolute_url()).text
    for ext in ("ris", "bib", "json", "txt"):
        assert f'href="/articles/{article.pk}/cite.{ext}" download' in html


def test_the_ris_download_is_a_news_record_with_the_title_authors_date_and_page(client, article):
    response = download(client, article, "ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="zjgrrb-2021-08-30-{article.pk}.ris"'
    text = response.content.decode("utf-8")
    assert text.startswith("TY  - NEWS\r\n")  # a record starts with its type, no "1." before it
    [record] = rispy.loads(text)
    assert record["type_of_reference"] == "NEWS"
    assert record["title"] == CITED_TITLE
    assert record["authors"] == AUTHORS
    assert (record["year"], record["date"]) == ("2021", "2021/08/30")
    assert record["secondary_title"] == "浙江工人日报"  # the newspaper
    assert (record["start_page"], record["section"]) == ("3", "民生")
    assert record["language"] == "zh"
    assert record["urls"] == [f"http://testserver/articles/{article.pk}/"]
    assert "journal_name" not in record


def test_the_bibtex_download_is_a_biblatex_newspaper_article_with_the_title_authors_date_and_page(client, article):
    response = download(client, article, "bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="zjgrrb-2021-08-30-{article.pk}.bib"'
    library = bibtexparser.parse_string(
        response.content.decode("utf-8"),
        append_middleware=[middlewares.SeparateCoAuthors()],
    )
    assert not library.failed_blocks
    [entry] = library.entries
    assert (entry.entry_type, entry.key) == ("article", f"zjgrrb-2021-08-30-{article.pk}")
    fields = entry.fields_dict
    assert fields["entrysubtype"].value == "newspaper"
    assert fields["title"].value == CITED_TITLE
    assert fields["author"].value == ["{沈天翔}", "{徐星隽}"]  # each braced whole: never split
    assert fields["journal"].value == "浙江工人日报"
    assert (fields["date"].value, fields["year"].value) == ("2021-08-30", "2021")
    assert fields["pages"].value == "3"
    assert fields["url"].value == f"http://testserver/articles/{article.pk}/"


def test_bibtex_escapes_what_tex_reads_as_commands_and_keeps_chinese_punctuation(article):
    article.title = "增长50% & “{新}”_#1 \\ ~^$\n第二行"
    text = citations.bibtex([article], "http://testserver")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks  # the braces balance
    title = library.entries[0].fields_dict["title"].value
    escaped = r"增长50\% \& “\{新\}”\_\#1 \textbackslash{} \textasciitilde{}\textasciicircum{}\$ 第二行"
    assert title == f"{escaped}: {article.subtitle}"
    decoded = middlewares.LatexDecodingMiddleware().transform(library).entries[0].fields_dict["title"].value
    assert decoded.startswith("增长50% & “{新}”_#1 \\ ~")  # what TeX prints
    assert "“" in text and "\n第二行" not in text  # UTF-8 as it is; a line break would end the field


def test_the_csl_json_download_is_an_article_newspaper_that_citeproc_renders(client, article):
    response = download(client, article, "json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="zjgrrb-2021-08-30-{article.pk}.json"'
    [item] = json.loads(response.content)
    assert item["type"] == "article-newspaper"
    assert item["container-title"] == "浙江工人日报"
    assert item["title"] == CITED_TITLE
    assert item["author"] == [{"literal": name} for name in AUTHORS]
    assert item["issued"] == {"date-parts": [[2021, 8, 30]]}
    assert (item["page"], item["language"]) == ("3", "zh")
    assert item["URL"] == f"http://testserver/articles/{article.pk}/"

    rendered = render_with_citeproc(response.content)
    assert rendered == [
        f"沈天翔 and 徐星隽 (2021) “{CITED_TITLE}”, 浙江工人日报, 30 August, p. 3."
        f" Available at: http://testserver/articles/{article.pk}/."
    ]


def render_with_citeproc(csl_json: bytes) -> list[str]:
    """The bibliography citeproc-py makes of the items in a style it ships (validated against
    the CSL schema), in plain text."""
    items = json.loads(csl_json)
    style = CitationStylesStyle("harvard-cite-them-right", validate=True)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_the_gbt_7714_download_is_the_citation_the_page_shows(client, article):
    response = download(client, article, "txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="zjgrrb-2021-08-30-{article.pk}.txt"'
    text = response.content.decode("utf-8")
    assert text == f"沈天翔, 徐星隽. {CITED_TITLE}[N]. 浙江工人日报, 2021-08-30(3).\n" == article.citation() + "\n"


def test_an_article_without_an_author_is_cited_without_one_in_every_format(client, archive):
    untitled = Article.objects.filter(credits__isnull=True).with_page().first()
    assert untitled is not None
    [record] = rispy.loads(download(client, untitled, "ris").content.decode("utf-8"))
    assert "authors" not in record and record["title"] == untitled.cited_title
    [entry] = bibtexparser.parse_string(download(client, untitled, "bib").content.decode("utf-8")).entries
    assert "author" not in entry.fields_dict
    csl = download(client, untitled, "json").content
    assert "author" not in json.loads(csl)[0]
    assert untitled.cited_title in render_with_citeproc(csl)[0]


@pytest.mark.parametrize("url", ["/articles/{pk}/cite.pdf", "/articles/{pk}/cite.", "/articles/999999/cite.ris"])
def test_an_unknown_format_or_article_is_not_found(client, article, url):
    assert client.get(url.format(pk=article.pk)).status_code == 404

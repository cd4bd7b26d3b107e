"""Following a search (issue 17): an Atom feed of any search, newest first, and the OpenSearch
description by which a browser searches the archive from its address bar."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.http import require_safe

from newspaper.models import Article
from search import filters
from search.forms import ArchiveSearchForm
from search.highlight import snippet
from search.query import ParsedQuery
from search.views import form_error, matched_variants

ENTRIES = 50
PUBLICATION = "浙江工人日报"


# Characters XML 1.0 cannot hold: Django's writer refuses them (a 500), and an OCR text or a
# filter value typed into the address (?union=%01) can carry them. Dropped from the feed's text.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _XMLText(SimplerXMLGenerator):
    def characters(self, content):
        super().characters(NOT_XML.sub("", content))


class ArchiveAtom(Atom1Feed):
    """Atom as Django writes it, with what its writer cannot say: one <author> per person (it
    writes one at most), and the summary as plain text (it declares type="html", which would
    have readers take a < in OCR text for markup); text XML cannot hold left out."""

    def write(self, outfile, encoding):
        handler = _XMLText(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item["description"]:
            handler.addQuickElement("summary", item["description"])


@dataclass
class Followed:
    """The search a feed follows."""

    form: ArchiveSearchForm
    query: ParsedQuery
    params: QueryDict  # the request's, without page

    def describe(self) -> str:
        """What was searched, as the feed's title says it: 检索：工会（工会：德清县总工会）."""
        what = f"检索：{self.query}" if not self.query.is_empty else "全部文章"
        narrowed = "，".join(f"{chip['label']}：{chip['value']}" for chip in filters.chips(self.params))
        return what + (f"（{narrowed}）" if narrowed else "")


@dataclass
class Entry:
    article: Article
    summary: str


class SearchFeed(Feed):
    """/search/feed.atom?<the parameters of /search/>: the newest ENTRIES articles the search
    finds, whatever its sort (a feed reader shows what is new)."""

    feed_type = ArchiveAtom

    def __call__(self, request, *args, **kwargs):
        form = ArchiveSearchForm(request.GET)
        if not form.is_valid():
            return form_error(form)  # the API's and the exports' 400: a reader has no page to show
        return super().__call__(request, form=form)

    def get_object(self, request, form):
        form.cleaned_data["sort"] = "newest"
        params = request.GET.copy()
        params.pop("page", None)
        return Followed(form=form, query=form.parsed_query(), params=params)

    def title(self, obj: Followed) -> str:
        return f"{PUBLICATION} {obj.describe()}"

    def subtitle(self, obj: Followed) -> str:
        return f"{PUBLICATION}全文档案：{obj.describe()}，最新的 {ENTRIES} 篇，按出版日期从新到旧"

    def link(self, obj: Followed) -> str:
        return _with(reverse("search:results"), obj.params)

    def feed_url(self, obj: Followed) -> str:
        return _with(reverse("search:feed"), obj.params)

    def author_name(self, obj: Followed) -> str:
        return PUBLICATION  # Atom wants an author for the feed when an entry has none

    def items(self, obj: Followed) -> list[Entry]:
        ids = [int(r.pk) for r in obj.form.searchqueryset(facets=False)[:ENTRIES]]
        by_id = Article.objects.with_page().prefetch_related("credits__person").in_bulk(ids)
        terms = obj.query.highlight_terms
        entries = []
        for a in (by_id[pk] for pk in ids if pk in by_id):
            marked = snippet("\n".join([a.body, *a.captions]), terms, variants=matched_variants(obj.query, a))
            entries.append(Entry(a, html.unescape(strip_tags(marked))))
        return entries

    def item_title(self, item: Entry) -> str:
        return item.article.display_title  # Atom's title is text: the writer escapes it

    def item_link(self, item: Entry) -> str:
        return item.article.get_absolute_url()  # made absolute by the framework

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return dt.datetime.combine(item.article.page.issue.date, dt.time())  # the issue's day, local time

    def item_updateddate(self, item: Entry) -> dt.datetime:
        return self.item_pubdate(item)

    def item_extra_kwargs(self, item: Entry) -> dict:
        a = item.article
        return {"authors": a.authors or a.credits_by_role["photographer"]}


def _with(path: str, params: QueryDict) -> str:
    return f"{path}?{params.urlencode()}" if params else path


search_feed = require_safe(SearchFeed())


@require_safe
def opensearch(request):
    """The OpenSearch 1.1 description: the search page and the feed as URL templates, which a
    browser offers as a search engine (base.html links it from every page)."""
    context = {
        "results": request.build_absolute_uri(reverse("search:results")),
        "feed": request.build_absolute_uri(reverse("search:feed")),
        "self": request.build_absolute_uri(reverse("search:opensearch")),
    }
    return render(request, "search/opensearch.xml", context, content_type="application/opensearchdescription+xml")

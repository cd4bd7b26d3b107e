"""The search page's facet sidebar, rendered once per search and index generation.

Six facets of up to a hundred values each, every value a link that adds it to the search (and a
person's, a link to their page): some six hundred links, the most of a page's template and of
its URL encoding (issue 18). They depend only on the search's parameters less the page, the
language and the index, so paging through a search, or asking it again when its page is not
kept (search.page_cache keeps none for a signed-in editor), reuses them. Kept per process,
bounded by bytes (SIDEBARS_BYTES).
"""

from __future__ import annotations

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.translation import get_language

from search import filters
from search.columns import LRU
from search.forms import FACETS

SIDEBARS_BYTES = 8 * 2**20  # per process: some sixty sidebars of the commonest searches
_sidebars = LRU(SIDEBARS_BYTES, weigh=lambda html: 2 * len(html) + 512)


def forget() -> None:
    _sidebars.clear()


def facets_html(request, made: tuple | None, base: QueryDict, facets: dict) -> str:
    """The sidebar of a search whose parameters less the page are `base`, counted on the index
    generation `made` (None: not kept), its facets' counts `facets`."""

    def render() -> str:
        links = {name: filters.facet_links(request.GET, name, facets[name]) for name in FACETS}
        context = {"facets": links, "querystring": base.urlencode()}
        return render_to_string("search/_facets.html", context, request=request)

    if made is None:
        return render()
    return _sidebars.get((made, get_language(), base.urlencode()), render)

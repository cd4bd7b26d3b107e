"""Every value of one facet of a search, with its count, searchable and paged: for lists too long
for the search page's 更多 (people, unions: some 30,000 union names at 100k articles). Each value
is labelled as on the search page and links back to the search with it chosen."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.filters import LABELS, chosen_first, facet_link, shown
from search.forms import FACETS, ArchiveSearchForm, ranked
from search.views import whole_number

PER_PAGE = 200


@require_GET
def facet_values(request, name: str):
    if name not in FACETS:
        raise Http404("没有这个筛选项")
    form = ArchiveSearchForm(request.GET)
    match = request.GET.get("match", "").strip()[:40]
    context = {"form": form, "name": name, "label": LABELS[name], "match": match}
    if not form.is_valid():
        return render(request, "search/facet_values.html", context, status=400)
    # Every value (no limit): the engine counts them in one pass; only this page's links are made.
    counts = ranked(form.searchqueryset(facets=False).facet(name).facet_counts().get("fields", {}).get(name))
    back = request.GET.copy()  # the search, without this page's own parameters
    for key in ("match", "page"):
        back.pop(key, None)
    values = chosen_first(back.getlist(name), counts)
    if match:
        values = [(v, n) for v, n in values if match in v or match in shown(name, v)]
    page = Paginator(values, PER_PAGE, orphans=PER_PAGE // 10).get_page(whole_number(request.GET.get("page")) or 1)
    here = back.copy()
    if match:
        here["match"] = match
    context.update(
        values=[facet_link(back, name, v, n) for v, n in page],
        page=page,
        total=len(counts),
        here=here.urlencode(),
        hidden=[(k, v) for k, vs in back.lists() for v in vs],
    )
    return render(request, "search/facet_values.html", context)

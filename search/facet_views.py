"""Every value of one facet of a search, with its count, searchable: for lists too long for the
search page's 更多 (people, unions). Each value links back to the search with it chosen."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.filters import LABELS, facet_links
from search.forms import FACETS, ArchiveSearchForm, ranked

ALL_VALUES = 5000  # more than any facet of the archive has


@require_GET
def facet_values(request, name: str):
    if name not in FACETS:
        raise Http404("没有这个筛选项")
    form = ArchiveSearchForm(request.GET)
    context = {"form": form, "name": name, "label": LABELS[name], "match": request.GET.get("match", "").strip()[:40]}
    if not form.is_valid():
        return render(request, "search/facet_values.html", context, status=400)
    sqs = form.searchqueryset(facets=False).facet(name, limit=ALL_VALUES)
    counts = ranked(sqs.facet_counts().get("fields", {}).get(name))
    back = request.GET.copy()
    back.pop("match", None)
    facet = facet_links(back, name, counts)
    values = [link for link in (*facet["links"], *facet["more"]) if context["match"] in link["value"]]
    back.pop("page", None)
    context.update(values=values, total=len(counts), hidden=[(k, v) for k, vs in back.lists() for v in vs])
    return render(request, "search/facet_values.html", context)

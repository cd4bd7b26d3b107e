from django.core.paginator import Paginator
from django.shortcuts import render

from search.forms import ArchiveSearchForm


def results(request):
    form = ArchiveSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        page = Paginator(form.search(), 20, orphans=3).get_page(request.GET.get("page"))
    return render(request, "search/results.html", {"form": form, "page": page})

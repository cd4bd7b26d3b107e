"""The keyword-in-context page (/kwic/), its API (/api/kwic) and its CSV, streamed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from search import filters
from search.exports import streamed_csv
from search.kwic import MOST_ARTICLES, SORTS, KwicForm, concordance, every_line
from search.views import api_get, form_error, json_error, whole_number

PER_PAGE = 50


@require_GET
def kwic_page(request):
    form = KwicForm(request.GET)
    context = {"form": form}
    status = 200
    if request.GET.get("q") and form.is_valid():
        found = concordance(form)
        page = Paginator(found.lines, PER_PAGE, orphans=3).get_page(request.GET.get("page"))
        base = request.GET.copy()
        base.pop("page", None)
        search = base.copy()
        search.pop("sort", None)
        context.update(
            found=found,
            page=page,
            limit=MOST_ARTICLES,
            querystring=base.urlencode(),
            sorts=filters.sort_links(request.GET, form.sort_value, SORTS),
            chips=filters.chips(request.GET),
            search_url=reverse("search:results") + "?" + search.urlencode(),
            csv_url=reverse("search:kwic-csv") + "?" + base.urlencode(),
        )
    elif request.GET.get("q"):
        status = 400
    return render(request, "search/kwic.html", context, status=status)


def _valid(request) -> tuple[KwicForm | None, JsonResponse | None]:
    form = KwicForm(request.GET)
    if not form.is_valid():
        return None, form_error(form)
    return form, None


@api_get
def api_kwic(request):
    form, error = _valid(request)
    if error:
        return error
    number = whole_number(request.GET.get("page", "1"))
    if number is None:
        return json_error(400, "invalid parameters", "页码无效：需要正整数", {"page": ["需要正整数"]})
    found = concordance(form)
    paginator = Paginator(found.lines, PER_PAGE, orphans=3)
    if number > max(1, paginator.num_pages):
        message = f"页码超出范围：共 {paginator.num_pages} 页"
        return json_error(400, "invalid parameters", message, {"page": ["超出范围"]})
    page = paginator.page(number)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "num_pages": paginator.num_pages,
            "articles": found.articles,
            "articles_read": found.read,
            "results": [{**line.as_json(), "url": request.build_absolute_uri(line.url)} for line in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


KWIC_HEADER = ["日期", "编号", "标题", "左侧", "匹配", "右侧", "链接"]


@api_get
def kwic_csv(request):
    """Every occurrence in every matching article, by date, as CSV (UTF-8 with BOM), streamed."""
    form, error = _valid(request)
    if error:
        return error
    origin = request.build_absolute_uri("/")[:-1]
    rows = (
        [line.date, line.id, line.title, line.left, line.match, line.right, origin + line.url]
        for line in every_line(form)
    )
    return streamed_csv(KWIC_HEADER, rows, "zjgrrb-kwic.csv")

"""Search pages and the JSON API. Thin: the form validates and builds the search (search.forms);
these views paginate and render. The exports are search.exports, the feeds search.feeds."""

from __future__ import annotations

import re
import time
from functools import wraps

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from newspaper.models import Article
from search import filters, page_cache, sidebar
from search import tolerant as tolerance
from search.analyzer import indexed
from search.forms import FACETS, ArchiveSearchForm
from search.highlight import highlight, snippet
from search.page_cache import per_index_generation
from search.search_indexes import searchable_text

PER_PAGE = 20
MAX_PAGE_SIZE = 100  # the API's page_size (issue 17)
WHOLE_RE = re.compile(r"[0-9]{1,9}")


def whole_number(raw) -> int | None:
    """A positive whole number written in ASCII digits, else None (str.isdigit() also accepts
    ² and ①, which int() refuses)."""
    text = str(raw or "")
    return int(text) if WHOLE_RE.fullmatch(text) and int(text) > 0 else None


def paginate(sqs, raw_page, per_page: int = PER_PAGE):
    """The paginator, after fetching the requested page first: haystack then knows the hit
    count from that one search instead of running another just to count."""
    n = whole_number(raw_page) or 1
    list(sqs[(n - 1) * per_page : n * per_page])
    return Paginator(sqs, per_page, orphans=3)


def _articles(page) -> list[Article]:
    """The page's articles, loaded in one query (plus one per prefetched relation)."""
    ids = [int(r.pk) for r in page.object_list]
    by_id = Article.objects.with_page().prefetch_related("credits__person").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _histogram(results, request):
    """Bars for the chart above the results: per month when the results span at most two
    years, per year otherwise. Each bar links to the same search narrowed to its period."""
    params = request.GET.copy()
    for key in ("page", "year", "month", "date_from", "date_to"):
        params.pop(key, None)
    if len(results.years) <= 2 and results.months:
        bars = [(filters.shown("month", label), n, "month", label) for label, n in results.months]
    else:
        bars = [(f"{year}年", n, "year", str(year)) for year, n in results.years]
    peak = max((n for _, n, _, _ in bars), default=1)
    out = []
    for label, n, key, value in bars:
        params[key] = value
        out.append({"label": label, "n": n, "pct": round(100 * n / peak), "url": "?" + params.urlencode()})
    return out


@require_GET
@per_index_generation
def results(request):
    form = ArchiveSearchForm(request.GET)
    context = {"form": form}
    if form.is_valid():
        started = time.perf_counter()
        # read before the search (its counts are of this index or newer); once, for a visitor
        made = getattr(request, "index_generation", None) or page_cache.index_generation()
        found = form.results()
        page = paginate(found.sqs, request.GET.get("page")).get_page(request.GET.get("page"))
        articles = _articles(page)
        terms = found.query.highlight_terms
        base = request.GET.copy()
        base.pop("page", None)
        rows = []
        for i, a in enumerate(articles):
            variants = matched_variants(found.query, a)
            rows.append(
                {
                    "article": a,
                    "title": highlight(a.display_title, terms, variants),
                    "kicker": highlight(a.kicker, terms, variants),
                    "subtitle": highlight(a.subtitle, terms, variants),
                    "byline": highlight(a.byline, terms, variants),
                    "snippet": snippet("\n".join([a.body, *a.captions]), terms, variants=variants),
                    "variants": variants,
                    "url": f"{a.get_absolute_url()}?{base.urlencode()}&rank={page.start_index() + i}",
                }
            )
        context.update(
            searched=True,
            page=page,
            rows=rows,
            did_you_mean=did_you_mean(request, found) if not page.paginator.count else None,
            tolerant_url="?" + tolerant_params(request.GET).urlencode(),
            query=found.query,
            terms=terms,
            facets_html=sidebar.facets_html(request, made, base, found.facets),
            histogram=_histogram(found, request),
            elapsed_ms=round((time.perf_counter() - started) * 1000),
            querystring=base.urlencode(),
            selected={name: form.cleaned_data.get(name) or [] for name in FACETS},
            chips=filters.chips(request.GET),
            clear_url="?" + filters.without_filters(request.GET).urlencode(),
            sorts=filters.sort_links(request.GET, form.cleaned_data.get("sort") or found.default_sort),
            unfiltered=filters.unfiltered_count(request.GET) if not page.paginator.count else None,
        )
    return render(request, "search/results.html", context, status=200 if form.is_valid() else 400)


def matched_variants(query, article: Article) -> list[str]:
    """In a tolerant search, the look-alike variants of the query's terms the article holds."""
    if not query.tolerant:
        return []
    return tolerance.variants_in(indexed(searchable_text(article)), query.variant_terms)


def tolerant_params(params):
    """The same search with 容错 on, from its first page."""
    params = params.copy()
    params["tolerant"] = "1"
    params.pop("page", None)
    return params


def did_you_mean(request, found) -> dict | None:
    """No exact hit: what the same search finds with 容错, and which variants it matched (the
    first page's), with the link to it."""
    if found.query.tolerant or not found.query.variant_terms_if_tolerant():
        return None
    params = tolerant_params(request.GET)
    form = ArchiveSearchForm(params)
    if not form.is_valid():
        return None
    sqs = form.searchqueryset(facets=False)
    count = sqs.count()
    if not count:
        return None
    query = form.parsed_query()
    seen = [v for a in _articles(paginate(sqs, 1).page(1)) for v in matched_variants(query, a)]
    return {"count": count, "variants": list(dict.fromkeys(seen)), "url": "?" + params.urlencode()}


def json_error(status: int, error: str, message: str, fields: dict | None = None) -> JsonResponse:
    """Every error of the API and the export has one shape: a code for scripts (`error`), a
    sentence in Chinese for people (`message`), and the parameters at fault (`fields`)."""
    return JsonResponse(
        {"error": error, "message": message, "fields": fields or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def form_error(form) -> JsonResponse:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    return json_error(400, "invalid parameters", "检索参数无效", errors)


def api_get(view):
    """require_GET for the API: a refused method answers in the API's JSON error shape. Exempt
    from the CSRF check, which would otherwise answer a POST (or any other method) with the
    403 HTML page before this 405: nothing here changes anything (found by schemathesis)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = json_error(405, "method not allowed", "只接受 GET 请求")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


@csrf_exempt
def api_not_found(request):
    return json_error(404, "not found", "没有这个接口地址")


def _result_json(request, article: Article, terms, query=None) -> dict:
    variants = matched_variants(query, article) if query is not None else []
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.display_title,
        "kicker": article.kicker,
        "subtitle": article.subtitle,
        "date": article.page.issue.date.isoformat(),
        "page": article.page.number,
        "byline": article.byline,
        "snippet": str(snippet("\n".join([article.body, *article.captions]), terms, variants=variants)),
        "variants": variants,
    }


@api_get
def api_search(request):
    form = ArchiveSearchForm(request.GET)
    if not form.is_valid():
        return form_error(form)
    number = whole_number(request.GET.get("page", "1"))
    if number is None:
        return json_error(400, "invalid parameters", "页码无效：需要正整数", {"page": ["需要正整数"]})
    size = whole_number(request.GET.get("page_size", str(PER_PAGE)))
    if size is None or size > MAX_PAGE_SIZE:
        wanted = f"需要 1–{MAX_PAGE_SIZE} 的整数"
        return json_error(400, "invalid parameters", f"每页条数无效：{wanted}", {"page_size": [wanted]})
    found = form.results()
    paginator = paginate(found.sqs, number, size)
    if number > max(1, paginator.num_pages):
        message = f"页码超出范围：共 {paginator.num_pages} 页"
        return json_error(400, "invalid parameters", message, {"page": ["超出范围"]})
    page = paginator.page(number)
    facets = {name: [list(vc) for vc in found.facets[name]] for name in FACETS}
    facets["year"] = [[year, n] for year, n in found.years]
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "num_pages": paginator.num_pages,
            "results": [_result_json(request, a, found.query.highlight_terms, found.query) for a in _articles(page)],
            "facets": facets,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api_get
def api_article(request, pk):
    article = Article.objects.for_index().filter(pk=pk).first()
    if article is None:
        return json_error(404, "not found", "没有这篇文章")
    return JsonResponse(
        {
            "id": article.pk,
            "url": request.build_absolute_uri(article.get_absolute_url()),
            "date": article.page.issue.date.isoformat(),
            "page": article.page.number,
            "issue_number": article.page.issue.number,
            "column": article.column,
            "kicker": article.kicker,
            "title": article.title,
            "subtitle": article.subtitle,
            "kind": article.kind,
            "byline": article.byline,
            "body": article.body,
            "captions": article.captions,
            "people": [{"name": c.person.name, "role": c.role} for c in article.credits.all()],
            "unions": [u.name for u in article.unions.all()],
            "topics": [t.name for t in article.topics.all()],
            "regions": article.regions,
            "citation": article.citation(),
        },
        json_dumps_params={"ensure_ascii": False},
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(*cells) -> list:
    """The cells of a CSV row, any text that a spreadsheet would read as a formula (=, +, -, @,
    a tab or CR first) prefixed with an apostrophe, which Excel and LibreOffice show as text."""
    return [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_START) else c for c in cells]


def neighbours(request, article: Article) -> dict:
    """When the reader came from a search (?q=…&rank=N), the previous and next results."""
    rank = request.GET.get("rank", "")
    if whole_number(rank) is None:
        return {}
    form = ArchiveSearchForm(request.GET)
    if not form.is_valid():
        return {}
    n = int(rank)
    window = [int(r.pk) for r in form.searchqueryset(facets=False)[max(0, n - 2) : n + 1]]
    if article.pk not in window:
        return {}
    at = window.index(article.pk)
    params = request.GET.copy()

    def link(pk, r):
        params["rank"] = str(r)
        return f"{reverse('newspaper:article-detail', args=[pk])}?{params.urlencode()}"

    params.pop("rank")
    back = params.copy()
    back.pop("page", None)
    if (n - 1) // PER_PAGE:  # back to the page the result was on
        back["page"] = str((n - 1) // PER_PAGE + 1)
    return {
        "previous_result": link(window[at - 1], n - 1) if at > 0 else None,
        "next_result": link(window[at + 1], n + 1) if at + 1 < len(window) else None,
        "back_to_results": f"{reverse('search:results')}?{back.urlencode()}",
        "terms": form.parsed_query().highlight_terms,
    }

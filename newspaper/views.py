"""Browsing the archive: the calendar of issues, an issue, an article. Thin views; the work is
on the models and querysets."""

import datetime as dt
import re

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from newspaper import citations, people
from newspaper.models import Article, Credit, Issue, Person, Topic, Union
from search.highlight import highlight
from search.views import neighbours


def home(request):
    latest = Issue.objects.annotate(n=Count("pages__articles")).order_by("-date")[:6]
    stats = Article.objects.aggregate(articles=Count("id"), first=Min("page__issue__date"))
    return render(request, "newspaper/home.html", {"latest": latest, "stats": stats, "issues": Issue.objects.count()})


FIRST_YEAR, LAST_YEAR = 1900, 2100  # the years an issue of the paper can have


def calendar(request, year=None):
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("没有这一年")
    years = sorted({d.year for d in Issue.objects.dates("date", "year")}, reverse=True)
    if year is None and years:
        year = years[0]
    issues = Issue.objects.filter(date__year=year).annotate(n=Count("pages__articles")).order_by("date")
    months = {}
    for issue in issues:
        months.setdefault(issue.date.month, []).append(issue)
    return render(
        request,
        "newspaper/calendar.html",
        {"years": years, "year": year, "months": sorted(months.items())},
    )


def issue_detail(request, year, month, day):
    try:
        date = dt.date(year, int(month), int(day))
    except (ValueError, OverflowError):  # 2022/13/01, 2022/99999999999999999999/01
        raise Http404("没有这一天") from None
    issue = get_object_or_404(Issue, date=date)
    pages = issue.pages.defer("raw_text").prefetch_related("articles")
    previous = Issue.objects.filter(date__lt=date).order_by("-date").first()
    following = Issue.objects.filter(date__gt=date).order_by("date").first()
    return render(
        request,
        "newspaper/issue_detail.html",
        {"issue": issue, "pages": pages, "previous": previous, "following": following},
    )


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.for_index(), pk=pk)
    siblings = list(article.page.articles.values_list("pk", flat=True))
    at = siblings.index(article.pk)
    from_search = neighbours(request, article)
    terms = from_search.get("terms", [])
    context = {
        "article": article,
        "issue": article.page.issue,
        "previous_id": siblings[at - 1] if at > 0 else None,
        "next_id": siblings[at + 1] if at + 1 < len(siblings) else None,
        "title_html": highlight(article.display_title, terms),
        "kicker_html": highlight(article.kicker, terms),
        "subtitle_html": highlight(article.subtitle, terms),
        "byline_html": linked_names(article.byline, [c.person for c in article.credits.all()]),
        "paragraphs": [highlight(p, terms) for p in article.body.split("\n") if p.strip()],
        "captions": [highlight(c, terms) for c in article.captions],
        "related": article.related(),
        "citation": article.citation(),
        "permalink": request.build_absolute_uri(article.get_absolute_url()),
        **from_search,
    }
    return render(request, "newspaper/article_detail.html", context)


def citation_download(request, articles, fmt: str, name: str) -> HttpResponse:
    """Articles' citations in one of newspaper.citations.FORMATS, as a UTF-8 file to save."""
    chosen = citations.FORMATS[fmt]
    text = chosen.render(articles, request.build_absolute_uri("/"))
    response = HttpResponse(text, content_type=f"{chosen.content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{chosen.extension}")
    return response


@require_safe
def article_citation(request, pk, fmt):
    """/articles/<id>/cite.ris, .bib, .json, .txt: the article's citation for a reference manager."""
    if fmt not in citations.FORMATS:
        raise Http404("没有这种引文格式")
    article = get_object_or_404(Article.objects.with_page().prefetch_related("credits__person"), pk=pk)
    return citation_download(request, [article], fmt, citations.key(article))


def union_list(request):
    """The union hierarchy with article counts: national → provincial → city → county → …"""
    unions = list(Union.objects.annotate(n=Count("articles")).order_by("name"))
    children: dict[int | None, list[Union]] = {}
    for union in unions:
        children.setdefault(union.parent_id, []).append(union)

    def tree(parent_id, depth=0):
        for union in children.get(parent_id, []):
            yield union, depth
            yield from tree(union.pk, depth + 1)

    return render(request, "newspaper/union_list.html", {"rows": list(tree(None)), "total": len(unions)})


def _articles_over_time(request, articles, template, context):
    """A union's, a topic's or a person's articles, newest first, with a count per year."""
    per_year = articles.annotate(year=ExtractYear("page__issue__date")).values("year").annotate(n=Count("id"))
    page = Paginator(
        articles.with_page().order_by("-page__issue__date", "page__number", "order"), 20, orphans=3
    ).get_page(request.GET.get("page"))
    years = sorted((row["year"], row["n"]) for row in per_year)
    peak = max((n for _, n in years), default=1)
    return render(request, template, {**context, "page": page, "years": years, "peak": peak})


def union_detail(request, slug):
    if "\x00" in slug:  # PostgreSQL refuses NUL in a text value: no union is named so
        raise Http404
    union = get_object_or_404(Union.objects.select_related("parent"), slug=slug)
    context = {"union": union, "children": union.children.annotate(n=Count("articles"))}
    return _articles_over_time(request, union.articles.all(), "newspaper/union_detail.html", context)


def topic_list(request):
    topics = Topic.objects.filter(active=True).annotate(n=Count("articles"))
    return render(request, "newspaper/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return _articles_over_time(request, topic.articles.all(), "newspaper/topic_detail.html", {"topic": topic})


def person_detail(request, pk):
    person = get_object_or_404(Person, pk=pk)
    credited = Credit.objects.filter(person=person)
    roles = [
        (Credit.Role(row["role"]).label, row["n"])
        for row in credited.values("role").annotate(n=Count("article_id", distinct=True)).order_by("-n", "role")
    ]
    span = credited.aggregate(first=Min("article__page__issue__date"), last=Max("article__page__issue__date"))
    articles = Article.objects.filter(pk__in=credited.values("article_id"))  # once, in whatever roles
    context = {"person": person, "roles": roles, "span": span}
    return _articles_over_time(request, articles, "newspaper/person_detail.html", context)


def person_named(request, name):
    """A person's page by a name they are printed under (the search's person facet holds names)."""
    person = people.named(name)
    if person is None:
        raise Http404("没有这个人员")
    return redirect(person)


def linked_names(text: str, people: list[Person]) -> SafeString:
    """A byline with each credited person's name (or a printing merged into them) linked to
    their page; the rest of the text escaped as it is."""
    pages = {}
    for person in people:
        for name in (person.name, *person.aliases):
            pages.setdefault(name, person.get_absolute_url())
    if not text or not pages:
        return format_html("{}", text)
    pattern = re.compile("|".join(re.escape(n) for n in sorted(pages, key=len, reverse=True)))
    parts, at = [], 0
    for found in pattern.finditer(text):
        parts.append(format_html("{}", text[at : found.start()]))
        parts.append(format_html('<a href="{}">{}</a>', pages[found.group()], found.group()))
        at = found.end()
    parts.append(format_html("{}", text[at:]))
    return format_html_join("", "{}", ((p,) for p in parts))

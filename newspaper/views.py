"""Browsing the archive: the calendar of issues, an issue, an article. Thin views; the work is
on the models and querysets."""

import datetime as dt

from django.db.models import Count, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from newspaper.models import Article, Issue


def home(request):
    latest = Issue.objects.annotate(n=Count("pages__articles")).order_by("-date")[:6]
    stats = Article.objects.aggregate(articles=Count("id"), first=Min("page__issue__date"))
    return render(request, "newspaper/home.html", {"latest": latest, "stats": stats, "issues": Issue.objects.count()})


def calendar(request, year=None):
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
    except ValueError:
        raise Http404("no such date") from None
    issue = get_object_or_404(Issue, date=date)
    pages = issue.pages.prefetch_related("articles")
    previous = Issue.objects.filter(date__lt=date).order_by("-date").first()
    following = Issue.objects.filter(date__gt=date).order_by("date").first()
    return render(
        request,
        "newspaper/issue_detail.html",
        {"issue": issue, "pages": pages, "previous": previous, "following": following},
    )


def article_detail(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("page__issue").prefetch_related("credits__person"), pk=pk
    )
    siblings = list(article.page.articles.values_list("pk", flat=True))
    at = siblings.index(article.pk)
    context = {
        "article": article,
        "issue": article.page.issue,
        "previous_id": siblings[at - 1] if at > 0 else None,
        "next_id": siblings[at + 1] if at + 1 < len(siblings) else None,
        "paragraphs": [p for p in article.body.split("\n") if p.strip()],
    }
    return render(request, "newspaper/article_detail.html", context)

"""Keyword in context (issue 17): every occurrence of a query's strings in the articles it
matches, one line each: the date, the article, about twenty characters either side, the match.

The search decides which articles match (search.forms, the same filters as the search page);
this module finds the occurrences in their text with the highlighter's matching
(search.highlight.spans: normalised as the index holds it, across a headline's line break),
so a line is found exactly where the search page would mark it. `match` is the text as printed
(whitespace inside it taken out, as the index does). A page of lines reads at most
MOST_ARTICLES articles, in the order asked for; the CSV reads every one, streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django import forms

from newspaper.models import Article
from search import engine
from search.analyzer import CJK_GAP_RE
from search.columns import LRU, generation
from search.exports import result_ids
from search.forms import ArchiveSearchForm
from search.highlight import spans

WIDTH = 20  # characters of context either side
MOST_ARTICLES = 1000  # articles read for the lines of one page
REMEMBERED_LINES = 100_000  # lines of recent concordances kept per process (about 20 MB)
SORTS = [("-date", "日期从新到旧"), ("date", "日期从旧到新"), ("left", "按左侧上下文"), ("right", "按右侧上下文")]


class KwicForm(ArchiveSearchForm):
    """The search form with the orders of a concordance instead of the search's."""

    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=SORTS,
        error_messages={"invalid_choice": "排序方式无效：可选 " + "、".join(value for value, _ in SORTS)},
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.parsed_query().highlight_terms:
            raise forms.ValidationError("需要检索词：语境列出检索词的每一次出现", code="no_terms")
        return data

    @property
    def sort_value(self) -> str:
        return self.cleaned_data.get("sort") or "-date"


@dataclass(frozen=True)
class Line:
    id: int
    date: str
    title: str
    url: str
    left: str
    match: str
    right: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "date": self.date,
            "url": self.url,
            "title": self.title,
            "left": self.left,
            "match": self.match,
            "right": self.right,
        }


def fields(article: Article) -> list[str]:
    """The texts of an article a search matches, each apart: context never runs from a
    headline into the body."""
    return [t for t in (article.kicker, article.display_title, article.subtitle, article.body, *article.captions) if t]


def lines_in(article: Article, terms: list[str], width: int = WIDTH) -> list[Line]:
    """Each occurrence of the terms in the article, in reading order (overlapping terms are one
    occurrence, as the highlighter marks them)."""
    out = []
    date, url = article.page.issue.date.isoformat(), article.get_absolute_url()
    for text in fields(article):
        text = " ".join(text.split())  # whitespace folded: a line break reads as a space
        for start, end in spans(text, terms):
            out.append(
                Line(
                    id=article.pk,
                    date=date,
                    title=article.display_title,
                    url=url,
                    left=text[max(0, start - width) : start],
                    match=CJK_GAP_RE.sub("", text[start:end]),
                    right=text[end : end + width],
                )
            )
    return out


def terms_of(form: ArchiveSearchForm) -> list[str]:
    """The strings to find: the query's terms, and in a tolerant search their look-alike
    variants (search.tolerant), longest first."""
    query = form.parsed_query()
    return sorted({*query.highlight_terms, *query.variant_terms}, key=len, reverse=True)


def _ordered(form: KwicForm):
    sqs = form.searchqueryset(facets=False)
    return sqs.order_by("date") if form.sort_value == "date" else sqs.order_by("-date")


def articles(sqs, limit: int | None = None) -> Iterator[Article]:
    """The articles of a search in its order (at most `limit`), loaded a chunk at a time the way
    the exports read a result set (search.exports.result_ids: a fresh queryset per chunk, so
    the CSV of every occurrence never holds the whole result set)."""

    def loaded() -> Iterator[Article]:
        for ids in result_ids(sqs):
            found = Article.objects.with_page().in_bulk(ids)
            yield from (found[i] for i in ids if i in found)

    return islice(loaded(), limit)


def sort_key(sort: str):
    if sort == "left":
        return lambda line: (line.left[::-1], line.match, line.right, line.date, line.id)
    if sort == "right":
        return lambda line: (line.match, line.right, line.left[::-1], line.date, line.id)
    return None


@dataclass
class Concordance:
    lines: list[Line]
    articles: int  # articles the search matched
    read: int  # of which the lines come from

    @property
    def truncated(self) -> bool:
        return self.read < self.articles


_remembered = LRU(REMEMBERED_LINES, weigh=lambda found: len(found.lines) + 1)


def forget() -> None:
    """Drop the remembered concordances (the benchmark measures every page cold)."""
    _remembered.clear()


def concordance(form: KwicForm) -> Concordance:
    """The lines of the first MOST_ARTICLES matching articles, in the order asked for;
    remembered for the index's generation, so the next pages of a long list cost nothing (an
    edit shows once the index writer has written it, as in search)."""
    params = tuple(sorted((k, tuple(v)) for k, v in form.data.lists() if k != "page"))
    s = engine.default_searcher()
    return _remembered.get((generation(s), params), lambda: _concordance(form))


def _concordance(form: KwicForm) -> Concordance:
    sqs = _ordered(form)
    total = sqs.count()
    terms = terms_of(form)
    lines, read = [], 0
    for article in articles(sqs, MOST_ARTICLES):
        read += 1
        lines.extend(lines_in(article, terms))
    key = sort_key(form.sort_value)
    if key is not None:
        lines.sort(key=key)
    return Concordance(lines=lines, articles=total, read=read)


def every_line(form: KwicForm) -> Iterator[Line]:
    """Every line of every matching article, by date (the CSV): memory for one chunk at a time."""
    terms = terms_of(form)
    for article in articles(_ordered(form)):
        yield from lines_in(article, terms)

"""Terms compared over time (issue 17): up to six queries under one set of filters, each query's
share of the articles of every year or month, as a line chart, a table, CSV and JSON.

Each query costs one search with the month facet (search.engine counts it over the matched
articles with one bincount, never a search per period), and one more search counts all the
articles the filters leave, the denominator of the shares. The shares are of the filtered
articles: compared within a union's articles, a term's share is of that union's coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict

from search.forms import ArchiveSearchForm, per_year
from search.query import ParsedQuery, parse

MAX_QUERIES = 6
INTERVALS = [("year", "按年"), ("month", "按月")]
MEASURES = [("share", "占比"), ("count", "篇数")]
# Parameters of the trends page that are not a filter of the search the points link to.
OWN_KEYS = ("q", "interval", "measure", "page", "year", "month", "sort", "within")


class TrendsForm(ArchiveSearchForm):
    """The search form's filters, shared by every query, with how to count. The queries are
    read apart (queries()): several `q`, or one with a query per line."""

    interval = forms.ChoiceField(
        label="时间单位",
        required=False,
        choices=INTERVALS,
        error_messages={"invalid_choice": "时间单位无效：可选 year（按年）或 month（按月）"},
    )
    measure = forms.ChoiceField(
        label="显示",
        required=False,
        choices=MEASURES,
        error_messages={"invalid_choice": "显示方式无效：可选 share（占比）或 count（篇数）"},
    )

    def __init__(self, data: QueryDict, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.lines = queries(data)

    def clean(self):
        data = super().clean()
        if len(self.lines) > MAX_QUERIES:
            message = f"最多比较 {MAX_QUERIES} 个检索式（现有 {len(self.lines)} 个）"
            raise forms.ValidationError(message, code="too_many")
        for line in self.lines:
            if len(line) > 200:
                raise forms.ValidationError(f"检索式过长（最多 200 字）：{line[:20]}…", code="too_long")
            if parse(line).is_empty:
                raise forms.ValidationError(f"检索式“{line}”里没有可检索的字", code="empty")
        return data

    @property
    def interval_value(self) -> str:
        return self.cleaned_data.get("interval") or "year"


def queries(data: QueryDict) -> list[str]:
    """The queries, each `q` split into lines, blank lines and repeats dropped."""
    lines = [line.strip() for value in data.getlist("q") for line in str(value).splitlines()]
    return list(dict.fromkeys(line for line in lines if line))


@dataclass
class Series:
    q: str
    counts: list[int]
    share: list[float]


@dataclass
class Trends:
    interval: str
    periods: list[str] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "interval": self.interval,
            "periods": self.periods,
            "totals": self.totals,
            "series": [{"q": s.q, "counts": s.counts, "share": s.share} for s in self.series],
        }


def month_counts(form: ArchiveSearchForm, query: ParsedQuery) -> dict[str, int]:
    """Articles per month ("2022-05") of `query` under the form's filters: one search."""
    sqs = form.searchqueryset(facets=False, query=query).facet("month")
    return dict(sqs.facet_counts().get("fields", {}).get("month") or [])


def per_period(months: dict[str, int], interval: str) -> dict[str, int]:
    return months if interval == "month" else per_year(months.items())


def span(first: str, last: str, interval: str) -> list[str]:
    """Every period from first to last, those without articles included (a gap in the chart is
    a zero, not a line drawn across it)."""
    if interval == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    out, (y, m) = [], map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def compute(form: TrendsForm) -> Trends:
    """Counts and shares of each of the form's queries per period (the form is valid)."""
    interval = form.interval_value
    tolerant = bool(form.cleaned_data.get("tolerant"))
    totals = per_period(month_counts(form, parse("", tolerant=tolerant)), interval)
    trends = Trends(interval=interval)
    if not totals or not form.lines:
        return trends
    trends.periods = span(min(totals), max(totals), interval)
    trends.totals = [totals.get(p, 0) for p in trends.periods]
    for line in form.lines:
        counts = per_period(month_counts(form, parse(line, tolerant=tolerant)), interval)
        row = [counts.get(p, 0) for p in trends.periods]
        share = [round(n / total, 6) if total else 0.0 for n, total in zip(row, trends.totals, strict=True)]
        trends.series.append(Series(q=line, counts=row, share=share))
    return trends


def search_params(params: QueryDict, q: str, interval: str, period: str) -> QueryDict:
    """The search for one query in one period, under the same filters: where a point links."""
    out = params.copy()
    for key in OWN_KEYS:
        out.pop(key, None)
    out["q"] = q
    out["year" if interval == "year" else "month"] = period
    return out

"""Search parameters, validated, and the SearchQuerySet built from them: the one place where
search logic lives. Views and the API only paginate and render what `results()` returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from haystack.inputs import Raw
from haystack.query import SearchQuerySet

from newspaper import people
from newspaper.models import Article, Person
from search import engine
from search.query import ParsedQuery, parse

FACETS = ("union", "topic", "person", "region", "page_name", "kind")
FACET_BUCKETS = 100  # values per facet, most frequent first (the page shows 12, the API all 100)
MAX_VALUES = 20


class ValuesField(forms.Field):
    """Several values of one facet (?union=a&union=b), combined with OR."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = [v.strip() for v in (value or []) if v and v.strip()]
        if len(values) > MAX_VALUES:
            raise ValidationError(f"最多选择 {MAX_VALUES} 项")
        for v in values:
            # NUL: PostgreSQL refuses it in a query (a person is looked up by name: a 500, found
            # by schemathesis, issue 17), as the q field refuses it.
            if len(v) > 100 or "'" in v or "\x00" in v:
                raise ValidationError("无效的筛选值")
        return list(dict.fromkeys(values))


FIRST_DAY, LAST_DAY = dt.date(1949, 1, 1), dt.date(2100, 12, 31)


def _within_years(day: dt.date | None) -> dt.date | None:
    """A date the archive can hold (0999-12-31 would overflow the index's date arithmetic)."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError("日期无效：应在 1949年1月1日与 2100年12月31日之间")
    return day


def with_the_index(query: ParsedQuery) -> ParsedQuery:
    """The query, told the index's gram frequencies: the variants a tolerant query (or its 0-hit
    suggestion) tries are only those the index makes plausible (search.tolerant.plausible)."""
    query.frequency = query.frequency or engine.gram_frequencies
    return query


class ArchiveSearchForm(forms.Form):
    SORTS = [("relevance", "相关度"), ("newest", "日期从新到旧"), ("oldest", "日期从旧到新")]

    q = forms.CharField(
        label="检索词",
        required=False,
        max_length=200,
        # Django's own words for this ("不允许是用空字符串") read as if the box were empty.
        error_messages={"null_characters_not_allowed": "检索词含有无效的控制字符"},
    )
    within = ValuesField(label="二次检索词", required=False)  # earlier queries the results must also match
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.HiddenInput,
        error_messages={k: "年份无效（1949–2100）" for k in ("invalid", "min_value", "max_value")},
    )
    month = forms.RegexField(
        label="月份",
        regex=r"^(19[4-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "月份无效（应为 1949–2100 年间的一个月，如 2022年4月）"},
    )
    union = ValuesField(label="工会", required=False)
    topic = ValuesField(label="主题", required=False)
    person = ValuesField(label="人员", required=False)
    region = ValuesField(label="地区", required=False)
    page_name = ValuesField(label="版面", required=False)
    kind = forms.MultipleChoiceField(
        label="体裁", required=False, choices=Article.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)
    # 容错: terms of three characters or more also match one look-alike character off (issue 16)
    tolerant = forms.BooleanField(label="容错（形近字）", required=False)

    def clean_person(self):
        """A name merged into another person (an OCR variant kept as an alias) filters by the
        person it now belongs to: the facet holds the names only."""
        chosen = []
        for value in self.cleaned_data.get("person") or []:
            person = None if Person.objects.filter(name=value).exists() else people.named(value)
            chosen.append(person.name if person else value)
        return list(dict.fromkeys(chosen))

    def clean_date_from(self):
        return _within_years(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return _within_years(self.cleaned_data.get("date_to"))

    def clean(self):
        data = super().clean()
        start, end = self.date_range(data)
        if start and end and start > end:
            raise ValidationError("起始日期晚于截止日期")
        return data

    @staticmethod
    def date_range(data) -> tuple[dt.date | None, dt.date | None]:
        """From/to, narrowed by the year or month quick facets."""
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("month"):
            y, m = map(int, data["month"].split("-"))
            first = dt.date(y, m, 1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            start, end = max(filter(None, (start, first))), min(filter(None, (end, last)))
        elif data.get("year"):
            first, last = dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)
            start, end = max(filter(None, (start, first))), min(filter(None, (end, last)))
        return start, end

    # -- building the search --------------------------------------------------------------
    def parsed_query(self) -> ParsedQuery:
        """The query, with the earlier queries of a search within results ANDed in."""
        tolerant = bool(self.cleaned_data.get("tolerant"))
        combined = parse(self.cleaned_data.get("q", ""), tolerant=tolerant)
        for earlier in self.cleaned_data.get("within") or []:
            other = parse(earlier, tolerant=tolerant)
            combined.groups += other.groups
            combined.excluded += other.excluded
        return with_the_index(combined)

    def searchqueryset(self, *, facets: bool = True, query: ParsedQuery | None = None) -> SearchQuerySet:
        """The search of the form's query (or of `query`, under the form's filters: the terms
        compared over time share one set of filters, search.trends)."""
        data = self.cleaned_data
        query = self.parsed_query() if query is None else with_the_index(query)
        sqs = SearchQuerySet().filter(content=Raw(query.whoosh()))  # only articles are indexed
        start, end = self.date_range(data)
        if start:
            sqs = sqs.filter(date__gte=start)
        if end:
            sqs = sqs.filter(date__lte=end)
        for name in FACETS:
            values = data.get(name) or []
            if values:
                sqs = sqs.filter(content=Raw("(" + " OR ".join(f"{name}:'{v}'" for v in values) + ")"))
        sort = data.get("sort") or ("relevance" if not query.is_empty else "newest")
        if sort == "newest" or (sort == "relevance" and query.is_empty):
            sqs = sqs.order_by("-date")
        elif sort == "oldest":
            sqs = sqs.order_by("date")
        if facets:
            for name in FACETS:
                sqs = sqs.facet(name, limit=FACET_BUCKETS)
            sqs = sqs.facet("month")  # every month: the histogram
        return sqs

    def results(self) -> Results:
        sqs = self.searchqueryset()
        counts = sqs.facet_counts().get("fields", {})
        query = self.parsed_query()
        return Results(
            sqs=sqs,  # the views load the page's articles themselves, in one query
            query=query,
            default_sort="newest" if query.is_empty else "relevance",
            facets={name: ranked(counts.get(name)) for name in FACETS},
            months=sorted(ranked(counts.get("month"))),
        )


@dataclass
class Results:
    sqs: SearchQuerySet
    query: ParsedQuery
    default_sort: str = "relevance"
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    months: list[tuple[str, int]] = field(default_factory=list)

    @property
    def years(self) -> list[tuple[int, int]]:
        """Articles per year, from the month counts: one facet instead of a query per bar."""
        return sorted((int(year), n) for year, n in per_year(self.months).items())


def per_year(months) -> dict[str, int]:
    """Month counts ("2022-05", n) summed per year ("2022")."""
    out: dict[str, int] = {}
    for month, n in months:
        out[month[:4]] = out.get(month[:4], 0) + n
    return out


def ranked(counts) -> list[tuple[str, int]]:
    """Facet buckets, most frequent first; documents without a value (None) are not a bucket."""
    return sorted(((v, n) for v, n in counts or [] if v), key=lambda vc: (-vc[1], vc[0]))

"""What narrows a search, shown as removable chips above the results: every facet value, the
date range, the year or month of the chart, the kind, the terms of a search within results; the
sort orders as links; and, for a search the filters leave empty, how many it finds without them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict

from newspaper.models import Article
from search.forms import FACETS, ArchiveSearchForm

FILTER_KEYS = (*FACETS, "date_from", "date_to", "year", "month", "within")
FACET_LIMIT = 12  # values of a facet shown at first; the rest behind 更多
LABELS = {
    "union": "工会",
    "topic": "主题",
    "person": "人员",
    "region": "地区",
    "page_name": "版面",
    "kind": "体裁",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "year": "年份",
    "month": "月份",
    "within": "二次检索",
}


def shown(key: str, value: str) -> str:
    """A filter's value as the page writes dates and kinds: 2022年4月, 2022年4月8日, 消息."""
    if key == "kind":
        return dict(Article.Kind.choices).get(value, value)
    if key == "month" and len(value) == 7:
        return f"{value[:4]}年{int(value[5:])}月"
    if key in ("date_from", "date_to") and len(value) == 10:
        return f"{value[:4]}年{int(value[5:7])}月{int(value[8:])}日"
    if key == "year":
        return f"{value}年"
    return value


def chosen_first(chosen: list[str], buckets: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A facet's buckets with the chosen values first, so that none hides behind 更多 or on a
    later page; a chosen value with no hits left stays (count 0), to be taken off."""
    counts = dict(buckets)
    picked = [(v, counts.get(v, 0)) for v in dict.fromkeys(chosen) if v.strip()]
    return [*picked, *((v, n) for v, n in buckets if v not in chosen)]


def facet_link(params: QueryDict, name: str, value: str, n: int) -> dict:
    """One value of a facet, labelled as the page writes it, with the link that adds it to the
    filters or, chosen, takes it off (and drops the page)."""
    chosen = params.getlist(name)
    other = params.copy()
    other.pop("page", None)
    other.setlist(name, [v for v in chosen if v != value] if value in chosen else [*chosen, value])
    return {
        "value": value,
        "label": shown(name, value),
        "n": n,
        "selected": value in chosen,
        "url": "?" + other.urlencode(),
    }


def facet_links(params: QueryDict, name: str, buckets: list[tuple[str, int]]) -> dict:
    """Each bucket of a facet with its link (facet_link): the first FACET_LIMIT in "links", the
    rest in "more", chosen values first. A value not chosen adds itself to the same query string,
    which is encoded once for the facet (a page has some 200 such links: encoding each whole was
    a fifth of the page's time)."""
    chosen = params.getlist(name)
    rest = params.copy()
    rest.pop("page", None)
    rest.pop(name, None)
    base = rest.urlencode()
    links = []
    for value, n in chosen_first(chosen, buckets):
        if chosen:  # its place among the parameters kept: the whole query string
            links.append(facet_link(params, name, value, n))
            continue
        added = urlencode({name: value})
        url = "?" + (f"{base}&{added}" if base else added)
        links.append({"value": value, "label": shown(name, value), "n": n, "selected": False, "url": url})
    return {"label": LABELS[name], "links": links[:FACET_LIMIT], "more": links[FACET_LIMIT:]}


def chips(params: QueryDict) -> list[dict]:
    """One chip per active filter value, each with the link that takes it off (and the page)."""
    out = []
    for key in FILTER_KEYS:
        for value in params.getlist(key):
            if not value.strip():
                continue
            rest = params.copy()
            rest.pop("page", None)
            rest.setlist(key, [v for v in params.getlist(key) if v != value])
            out.append({"label": LABELS[key], "value": shown(key, value), "url": "?" + rest.urlencode()})
    return out


def without_filters(params: QueryDict) -> QueryDict:
    """The same search, every filter off (the query and the sort kept)."""
    kept = QueryDict(mutable=True)
    for key in ("q", "sort"):
        if params.get(key):
            kept[key] = params[key]
    return kept


def unfiltered_count(params: QueryDict) -> int | None:
    """How many articles the query finds without its filters (None when it has none)."""
    if not chips(params):
        return None
    form = ArchiveSearchForm(without_filters(params))
    return form.searchqueryset(facets=False).count() if form.is_valid() else None


def sort_links(params: QueryDict, current: str, choices=ArchiveSearchForm.SORTS) -> list[dict]:
    """The sort orders as links (the search's, or another page's `choices`), from page 1."""
    out = []
    for value, label in choices:
        other = params.copy()
        other.pop("page", None)
        other["sort"] = value
        out.append({"label": label, "url": "?" + other.urlencode(), "current": value == current})
    return out

"""The trends page (/trends/), its CSV and its API (/api/trends): search.trends computes, these
views draw and serialise. The chart is SVG drawn on the server: it needs no script, its points
are plain links, and the table below it carries the same numbers for screen readers."""

from __future__ import annotations

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from search import filters
from search.trends import Trends, TrendsForm, compute, search_params
from search.views import api_get, form_error, json_error, spreadsheet_safe

# Colours a reader can tell apart, also in grey (Okabe–Ito), each with 4.5:1 or more on white.
COLOURS = ("#0b5cad", "#b3400c", "#137a4b", "#8a3b8f", "#6b5a00", "#b0185a")
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40  # margins: the value axis's labels, the periods'
TICKS = 4
MOST_LABELS = 12  # period labels under the chart; every k-th when there are more


def _label(period: str, interval: str) -> str:
    return f"{period}年" if interval == "year" else filters.shown("month", period)


def _value(share: float, n: int, measure: str) -> float:
    return n if measure == "count" else share * 100


def _shown(value: float, measure: str) -> str:
    return f"{int(value)}" if measure == "count" else f"{value:.1f}%".replace(".0%", "%")


def chart(trends: Trends, request, measure: str) -> dict | None:
    """Coordinates of the SVG chart: a line per query, a linked point per period."""
    if not trends.series or not trends.periods:
        return None
    values = [[_value(share, n, measure) for share, n in zip(s.share, s.counts, strict=True)] for s in trends.series]
    peak = max((v for row in values for v in row), default=0) or 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(trends.periods) - 1)

    def x(i: int) -> float:
        return round(LEFT + (i * step if len(trends.periods) > 1 else inner_w / 2), 1)

    def y(v: float) -> float:
        return round(TOP + inner_h - v / peak * inner_h, 1)

    every = max(1, -(-len(trends.periods) // MOST_LABELS))
    lines = []
    for k, (s, row) in enumerate(zip(trends.series, values, strict=True)):
        points = []
        for i, (period, v) in enumerate(zip(trends.periods, row, strict=True)):
            url = reverse("search:results") + "?" + search_params(request.GET, s.q, trends.interval, period).urlencode()
            name = f"{s.q}，{_label(period, trends.interval)}：{s.counts[i]} 篇（{_shown(s.share[i] * 100, 'share')}）"
            points.append({"x": x(i), "y": y(v), "url": url, "name": name})
        lines.append(
            {
                "q": s.q,
                "colour": COLOURS[k % len(COLOURS)],
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "points": points,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 18,
        "lines": lines,
        "ticks": [{"y": y(peak * t / TICKS), "label": _shown(peak * t / TICKS, measure)} for t in range(TICKS + 1)],
        "labels": [
            {"x": x(i), "label": _label(p, trends.interval)}
            for i, p in enumerate(trends.periods)
            if i % every == 0 or i == len(trends.periods) - 1
        ],
    }


def _rows(trends: Trends) -> list[dict]:
    return [
        {
            "period": _label(p, trends.interval),
            "total": trends.totals[i],
            "cells": [(s.counts[i], _shown(s.share[i] * 100, "share")) for s in trends.series],
        }
        for i, p in enumerate(trends.periods)
    ]


@require_GET
def trends_page(request):
    form = TrendsForm(request.GET)
    context = {"form": form, "lines": "\n".join(form.lines), "colours": COLOURS}
    status = 200
    if form.lines and form.is_valid():
        measure = form.cleaned_data.get("measure") or "share"
        trends = compute(form)
        other = request.GET.copy()
        other["measure"] = "count" if measure == "share" else "share"
        context.update(
            trends=trends,
            measure=measure,
            chart=chart(trends, request, measure),
            rows=_rows(trends),
            legend=[(s.q, COLOURS[k % len(COLOURS)]) for k, s in enumerate(trends.series)],
            other_measure_url="?" + other.urlencode(),
            csv_url=reverse("search:trends-csv") + "?" + request.GET.urlencode(),
            api_url=reverse("search:api-trends") + "?" + request.GET.urlencode(),
            chips=filters.chips(request.GET),
        )
    elif form.lines:
        status = 400
    return render(request, "search/trends.html", context, status=status)


def _valid(request) -> tuple[TrendsForm | None, JsonResponse | None]:
    form = TrendsForm(request.GET)
    if not form.lines:
        return None, json_error(400, "invalid parameters", "需要至少一个检索式（q）", {"q": ["必填"]})
    if not form.is_valid():
        return None, form_error(form)
    return form, None


@api_get
def api_trends(request):
    form, error = _valid(request)
    if error:
        return error
    return JsonResponse(compute(form).as_json(), json_dumps_params={"ensure_ascii": False})


@api_get
def trends_csv(request):
    """The table as CSV: a row per period, its total, then each query's count and share."""
    form, error = _valid(request)
    if error:
        return error
    trends = compute(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zjgrrb-trends.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = ["时期", "全部篇数"]
    for s in trends.series:
        header += [f"{s.q} 篇数", f"{s.q} 占比"]
    writer.writerow(spreadsheet_safe(*header))
    for i, period in enumerate(trends.periods):
        row = [period, trends.totals[i]]
        for s in trends.series:
            row += [s.counts[i], s.share[i]]
        writer.writerow(spreadsheet_safe(*row))
    return response

"""Whole result sets as files: CSV for spreadsheets, JSON Lines for scripts (issue 17).

Both are streamed in constant memory, however many articles match: the search is read CHUNK
results at a time, each chunk's articles loaded in one query (their unions and topics in one
more each), written out and dropped. Both formats carry the same columns in the same order
(COLUMNS); only the spelling differs:

- CSV: Chinese headers for people opening the file in a spreadsheet (issue 13), a UTF-8 BOM so
  that Excel reads the Chinese, lists joined with "；", cells guarded against formulas;
- JSON Lines: one object per article, keyed by the ASCII names below, which are the names the
  JSON API already uses for the same values (/api/search, /api/articles/<id>), so a script reads
  one vocabulary; values keep their JSON types (numbers, lists of names) and are written as
  stored, since no spreadsheet evaluates them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from newspaper.models import Article
from search.forms import ArchiveSearchForm
from search.views import api_get, form_error, spreadsheet_safe

# Results read from the index, and articles loaded from the database, at a time: the memory an
# export holds, whatever the size of the result set.
CHUNK = 500

# (JSON Lines key, CSV header), in the order of both files' columns.
COLUMNS = [
    ("id", "编号"),
    ("date", "日期"),
    ("page", "版次"),
    ("kicker", "引题"),
    ("title", "标题"),
    ("subtitle", "副题"),
    ("byline", "署名"),
    ("unions", "工会"),
    ("topics", "主题"),
    ("url", "链接"),
]
KEYS = [key for key, _ in COLUMNS]
CSV_HEADER = [header for _, header in COLUMNS]


def result_ids(sqs) -> Iterator[list[int]]:
    """The ids of every result, in the search's order, CHUNK at a time. Each chunk slices a fresh
    copy of the search: haystack keeps every result it has fetched in the queryset it was sliced
    from, so slicing one queryset chunk after chunk would end up holding the whole result set.
    (The engine remembers the matches of a search, so a chunk does not match again.) An index
    commit during a long export can shift the order: a few results may then repeat or be missed."""
    start = 0
    while True:
        ids = [int(r.pk) for r in sqs.all()[start : start + CHUNK]]
        if ids:
            yield ids
        if len(ids) < CHUNK:
            return
        start += CHUNK


def records(request, sqs) -> Iterator[dict]:
    """Every article of the result set as a record keyed by KEYS; an article deleted since it was
    indexed is left out."""
    articles = Article.objects.with_page().defer("body", "captions", "pull_quotes").prefetch_related("unions", "topics")
    for ids in result_ids(sqs):
        by_id = articles.in_bulk(ids)
        for pk in ids:
            a = by_id.get(pk)
            if a is None:
                continue
            yield {
                "id": a.pk,
                "date": a.page.issue.date.isoformat(),
                "page": a.page.number,
                "kicker": a.kicker,
                "title": a.title,
                "subtitle": a.subtitle,
                "byline": a.byline,
                "unions": [u.name for u in a.unions.all()],
                "topics": [t.name for t in a.topics.all()],
                "url": request.build_absolute_uri(a.get_absolute_url()),
            }


def _batches(rows: Iterator, write) -> Iterator[str]:
    """The text of CHUNK records at a time (one write to the client per chunk, not per row)."""
    buffer = io.StringIO()
    for n, row in enumerate(rows, 1):
        write(buffer, row)
        if n % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _json_line(buffer, row: dict) -> None:
    buffer.write(json.dumps({k: row[k] for k in KEYS}, ensure_ascii=False) + "\n")


def _search(request):
    """The search the request asks for, or the 400 answer to invalid parameters."""
    form = ArchiveSearchForm(request.GET)
    if not form.is_valid():
        return None, form_error(form)
    return form.searchqueryset(facets=False), None


def _streamed(content: Iterator[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streamed_csv(header: list[str], rows: Iterator[list], filename: str) -> StreamingHttpResponse:
    """CSV for spreadsheets, streamed CHUNK rows at a time: UTF-8 with a BOM (so Excel opens
    Chinese correctly), every cell that would start a formula made text (spreadsheet_safe).
    The search's export and the KWIC's both write this way."""

    def content() -> Iterator[str]:
        first = io.StringIO()
        csv.writer(first).writerow(header)
        yield "\ufeff" + first.getvalue()
        yield from _batches(rows, lambda buffer, row: csv.writer(buffer).writerow(spreadsheet_safe(*row)))

    return _streamed(content(), "text/csv; charset=utf-8", filename)


@api_get
def export_csv(request):
    """The result set as CSV, the lists (unions, topics) joined with "；"."""
    sqs, refused = _search(request)
    if refused:
        return refused
    rows = (
        [("；".join(row[k]) if isinstance(row[k], list) else row[k]) for k in KEYS] for row in records(request, sqs)
    )
    return streamed_csv(CSV_HEADER, rows, "zjgrrb-search.csv")


@api_get
def export_jsonl(request):
    """The result set as JSON Lines: one JSON object per article and line, UTF-8."""
    sqs, refused = _search(request)
    if refused:
        return refused
    lines = _batches(records(request, sqs), _json_line)
    return _streamed(lines, "application/x-ndjson; charset=utf-8", "zjgrrb-search.jsonl")

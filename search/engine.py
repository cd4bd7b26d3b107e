"""How the backend answers a search: one long-lived searcher per thread, the matched documents as
a numpy array (search.matching), ranked by BM25F over whole posting blocks (search.ranking), with
facets, the month histogram, date filters and date order from columns kept per index segment
(search.columns).

haystack's Whoosh backend opens a new searcher for every search, scores every match even when the
page is sorted by date, and counts each facet by un-inverting its field on every query (most of
a search page's time). Here:

- the searcher is opened again only when a commit happened, with every segment's gram files
  mapped at once, so a merge deleting them cannot make a search miss a segment; what was kept
  for segments that are gone is dropped then;
- a process keeps at most MAPPED_LIMIT_BYTES of mapped files resident (the setting
  SEARCH_MAPPED_LIMIT_MB): past it, the gram files' pages are released before the next search
  (they stay in the page cache, which every worker shares, and are mapped again when read).
  Without it a web worker's resident memory grew with every gram it ever read, to 556 MB of
  mapped pages at 100k articles;
- the last searches are remembered under the index generation they ran on (the search page asks
  haystack twice: facet counts and the page of results), so a page matches once and never sees an
  older index's results: their matched documents (REMEMBERED_BYTES) and, kept much longer since
  they are small, their answers (count, best ranked, first by date, facet counts: ANSWERS_BYTES),
  so the commonest searches cost no matching between two commits.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from haystack import connections
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.models import SearchResult
from haystack.utils.app_loading import haystack_get_model
from whoosh import query as wq
from whoosh.index import EmptyIndexError

from search import columns, grams
from search.columns import DATE_FIELD, LRU, date_column, generation, segments
from search.facet_columns import count_facets, values_bytes
from search.matching import frequencies, ids
from search.ranking import first, ranking

# Matches kept per process, by their documents: 8 bytes per matched article (at a million
# articles 工会 matches most of them; their answers are kept apart, in ANSWERS_BYTES).
REMEMBERED_BYTES = 48 * 2**20
# Resident pages of mapped files (gram files, and shared libraries: about 40 MB) past which the
# gram files' pages are released, None for never. Mapping again what the next search reads costs
# it a minor page fault per 64 KB or so.
MAPPED_LIMIT_BYTES = (settings.SEARCH_MAPPED_LIMIT_MB * 2**20) or None
# Answers kept per process (search.engine.Answer: a few kilobytes each, whatever the match's size):
# the commonest searches' pages cost no matching between two commits.
ANSWERS_BYTES = 16 * 2**20
RANKED_AHEAD = 200  # ranked at once: the first ten pages of twenty
OPEN_ATTEMPTS = 5  # a commit, a merge or a rebuild can swap files while a searcher opens

_local = threading.local()
_remembered = LRU(REMEMBERED_BYTES, weigh=lambda found: found.docnums.nbytes + 4096)  # by (generation, query)
_parsed = LRU(256)  # Whoosh's parse of a query string (a millisecond: a third of a filter's search)


@dataclass
class Match:
    docnums: np.ndarray  # sorted, unique


@dataclass
class Answer:
    """What pages of a search are made of, kept apart from its matched documents: a common term's
    match at a million articles is 8 MB and only a few fit in REMEMBERED_BYTES, while its answer
    (count, the best ranked, the first by date, facet counts) is a few kilobytes. A page whose
    answer is known needs no matching at all."""

    hits: int
    order: tuple[np.ndarray, np.ndarray] | None = None  # (scores, docnums) of the best ones, best first
    dated: dict[str, np.ndarray] = field(default_factory=dict)  # by the date order: the first docnums
    facets: dict[tuple, dict] = field(default_factory=dict)  # counts, by the facets asked for


def _answer_bytes(answer: Answer) -> int:
    arrays = [*(answer.order or ()), *answer.dated.values()]
    values = sum(len(counts) for asked in answer.facets.values() for counts in asked.values())
    return 1024 + sum(a.nbytes for a in arrays) + 128 * values


_answers = LRU(ANSWERS_BYTES, weigh=_answer_bytes)  # by (generation, query)


def forget() -> None:
    """Drop the remembered searches and answers (their generation key already keeps them from
    being served after a commit; this frees the memory). The benchmark calls it to measure every
    search cold."""
    _remembered.clear()
    _answers.clear()


def kept_bytes() -> dict[str, int]:
    """What this process keeps of the index and of its searches, by kind."""
    with columns.lock:
        searches = sum(columns.array_bytes(found) for found in _remembered.entries.values())
        answers = _answers.total
    return {**columns.kept_bytes(), "facet_values": values_bytes(), "remembered_searches": searches, "answers": answers}


def searcher(backend):
    """This thread's searcher, opened again when a commit happened (a cheap check of the table of
    contents: its generation and when it was written, since an index written anew, as
    rebuild_index does, starts counting generations from the beginning)."""
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return _current_searcher(backend)
        except (FileNotFoundError, EmptyIndexError):  # files swapped while opening: open again
            if attempt == OPEN_ATTEMPTS:
                raise
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")


def _current_searcher(backend):
    current = getattr(_local, "searcher", None)
    index = backend.index = backend.index.refresh()
    toc = _toc(index)
    if current is None or _local.owner is not backend or _local.toc != toc:
        # Not Searcher.refresh(): it reuses the reader of a segment that only gained deletions,
        # so deleted articles would still be found.
        opened = index.searcher()
        try:
            columns.open_gram_files(opened, backend.storage)
        except BaseException:
            opened.close()
            raise
        if current is not None:
            current.close()
        current = opened
        _local.owner, _local.toc = backend, toc
        columns.purge({reader.segment().segment_id() for reader, _ in segments(current)})
    elif MAPPED_LIMIT_BYTES is not None and mapped_bytes() > MAPPED_LIMIT_BYTES:
        for postings in current.gram_files.values():
            postings.release()
    _local.searcher = current
    return current


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def mapped_bytes() -> int:
    """This process's resident pages of mapped files (and shared memory), or 0 where the system
    does not say."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[2]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _toc(index) -> tuple:
    try:
        return index.latest_generation(), index.last_modified()
    except OSError:  # written between the two looks
        return None, None


def default_searcher():
    """This thread's searcher of the project's index (haystack's default connection), its backend
    set up on the thread's first use."""
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    return searcher(backend)


def gram_frequencies(fieldname: str, wanted: Sequence[str]) -> dict[str, int]:
    """Of some grams (one or two characters) in a field, the articles holding each, deleted ones
    included (search.tolerant: a variant with a gram no article holds can match nothing)."""
    codes = np.array([grams.code(g) for g in wanted], dtype=np.uint64)
    found = frequencies(default_searcher(), fieldname, codes)
    return {g: int(n) for g, n in zip(wanted, found, strict=True)}


def match(s, q, key: tuple) -> Match:
    """The matched documents of the query, remembered under (generation, query string)."""
    return _remembered.get(key, lambda: Match(ids(s, q)))


def parsed(parser, query_string: str) -> wq.Query:
    """Whoosh's parse of a query string, remembered; the query objects are only read."""
    return _parsed.get((id(parser), query_string), lambda: parser.parse(query_string))


# -- the backend's search -----------------------------------------------------------------------
def search(backend, query_string, *, sort_by=None, start_offset=0, end_offset=None, facets=None, result_class=None):
    empty = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}
    if not query_string:
        return empty
    s = searcher(backend)
    q = parsed(backend.parser, query_string) if s.doc_count() else None
    if q is None:
        return empty
    key = (generation(s), query_string)
    answer = _answers.get(key, lambda: Answer(len(match(s, q, key).docnums)))
    hits = answer.hits
    end = hits if end_offset is None else min(end_offset, hits)
    out = {
        "results": Page(s, _page(s, q, key, answer, sort_by, start_offset, end), result_class or SearchResult),
        "hits": hits,
        "spelling_suggestion": None,
    }
    if facets:
        asked = tuple(sorted((name, tuple(sorted((options or {}).items()))) for name, options in facets.items()))
        if asked not in answer.facets:  # haystack asks again with every slice of a faceted search
            answer.facets[asked] = count_facets(s, match(s, q, key).docnums, dict(facets))
            _answers.reweigh(key)
        out["facets"] = {"fields": answer.facets[asked], "dates": {}, "queries": {}}
    return out


class Page(Sequence):
    """Search results made when read: haystack asks for facet counts with an open-ended slice
    and never looks at the results, which would otherwise all be loaded."""

    def __init__(self, s, ranked: Callable[[], list[tuple[float, int]]], result_class):
        self._s, self._ranked, self._result_class, self._made = s, ranked, result_class, None

    def _results(self) -> list:
        if self._made is None:
            self._made = []
            for score, docnum in self._ranked():
                stored = self._s.stored_fields(int(docnum))
                app_label, model_name = stored[DJANGO_CT].split(".")
                if haystack_get_model(app_label, model_name) is not None:
                    self._made.append(self._result_class(app_label, model_name, stored[DJANGO_ID], score))
        return self._made

    def __getitem__(self, i):
        return self._results()[i]

    def __len__(self):
        return len(self._results())


def _page(s, q, key: tuple, answer: Answer, sort_by, start: int, end: int):
    """The (score, docnum) of results start..end, computed when first asked for."""
    return lambda: _ranked(s, q, key, answer, sort_by, start, end)


def _ranked(s, q, key: tuple, answer: Answer, sort_by, start: int, end: int) -> list[tuple[float, int]]:
    if start >= end:
        return []
    # The first RANKED_AHEAD at least, kept for the next pages of the same search; four times as
    # many when a later page needs more (an export reading every match ranks a few times).
    if sort_by:
        (order,) = sort_by  # the archive sorts by one field: the date
        if order.lstrip("-") != DATE_FIELD:
            raise ValueError(f"cannot sort by {order}")
        known = answer.dated.get(order)
        if known is None or len(known) < end:
            docnums = match(s, q, key).docnums
            dates = date_column(s)[docnums]
            keys = -dates if order.startswith("-") else dates
            ahead = max(end, 4 * len(known) if known is not None else RANKED_AHEAD)
            answer.dated[order] = known = docnums[first(keys, ahead)]  # docnums ascend: ties by docnum
            _answers.reweigh(key)
        return [(0.0, int(d)) for d in known[start:end]]
    if answer.order is None or len(answer.order[1]) < end:
        ahead = 4 * len(answer.order[1]) if answer.order is not None else RANKED_AHEAD
        answer.order = ranking(s, q, match(s, q, key).docnums, max(end, ahead))
        _answers.reweigh(key)
    scores, ordered = answer.order
    return list(zip(scores[start:end].tolist(), ordered[start:end].tolist(), strict=True))

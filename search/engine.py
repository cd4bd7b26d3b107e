"""How the backend answers a search: one long-lived searcher per thread, the matched documents as
a numpy array, and facets, the month histogram, date filters and date order computed from
columns cached per index segment.

haystack's Whoosh backend opens a new searcher for every search, scores every match even when the
page is sorted by date, and counts each facet by un-inverting its field on every query (most of
a search page's time). Here:

- character grams are read from the segments' gram files (search.grams) as slices of memory-
  mapped arrays: a two-character term is one gram, one character the range of grams starting
  with it, a longer string the phrase of its grams, whose positions must follow each other;
- Whoosh's own terms (jieba words, facet values) are read from their posting lists a block at a
  time into numpy; AND / OR / NOT / date ranges are numpy set operations, and anything else is
  left to Whoosh's matcher;
- facet values and dates per document are read once per segment and cached: a segment never
  changes, a commit adds or replaces segments, and only new ones are read. A facet count is then
  one bincount over the matched documents;
- a date order is an argsort of the matched documents' dates; relevance is Whoosh's BM25F,
  computed over whole posting blocks (Whoosh's collector scores one document at a time, which
  at 100k articles is most of a common term's search);
- decoded Whoosh posting lists of the most used terms are kept (POSTINGS_CACHE_BYTES), per
  segment, so a union's name is not decoded again for every search;
- a process keeps at most MAPPED_LIMIT_BYTES of mapped files resident (the setting
  SEARCH_MAPPED_LIMIT_MB): past it, the gram files' pages are released before the next search
  (they stay in the page cache, which every worker shares, and are mapped again when read).
  Without it a web worker's resident memory grew with every gram it ever read, to 556 MB of
  mapped pages at 100k articles;
- the last searches are remembered under the index generation they ran on (the search page asks
  haystack twice: facet counts and the page of results), so a page matches once and never sees an
  older index's results.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from haystack.utils.app_loading import haystack_get_model
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import MultiReader
from whoosh.util.numeric import byte_to_length

from search import grams

REMEMBERED = 16  # searches kept per process; each holds 8 bytes per matched article
POSTINGS_CACHE_BYTES = 96 * 2**20  # decoded posting lists kept per process (common terms)
# Resident pages of mapped files (gram files, and shared libraries: about 40 MB) past which the
# gram files' pages are released, None for never. Mapping again what the next search reads costs
# it a minor page fault per 64 KB or so.
MAPPED_LIMIT_BYTES = (settings.SEARCH_MAPPED_LIMIT_MB * 2**20) or None
DATE_FIELD = "date"
EMPTY = np.empty(0, np.int64)

_local = threading.local()
_lock = threading.Lock()
_segment_columns: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, list[str]]] = {}
_index_columns: dict[tuple, object] = {}


class _LRU:
    """Values computed once (outside the lock) and kept while their total weight fits in `limit`,
    the least recently used dropped first. A value of None is not kept."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda value: 1):
        self.limit, self.weigh, self.total = limit, weigh, 0
        self.entries: OrderedDict[tuple, object] = OrderedDict()

    def get(self, key: tuple, compute: Callable[[], object]):
        with _lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        found = compute()
        if found is None:
            return None
        with _lock:
            if key not in self.entries:
                self.entries[key] = found
                self.total += self.weigh(found)
            while self.total > self.limit and len(self.entries) > 1:
                _, old = self.entries.popitem(last=False)
                self.total -= self.weigh(old)
        return found

    def clear(self) -> None:
        with _lock:
            self.entries.clear()
            self.total = 0


_remembered = _LRU(REMEMBERED)  # matches, by (index generation, query string)
# Decoded Whoosh postings of one segment: segments never change, so an entry is never stale;
# deletions are applied after the cache.
_postings = _LRU(POSTINGS_CACHE_BYTES, weigh=lambda arrays: sum(a.nbytes for a in arrays))
_parsed = _LRU(256)  # Whoosh's parse of a query string (a millisecond: a third of a filter's search)


@dataclass
class Match:
    docnums: np.ndarray  # sorted, unique
    order: tuple[np.ndarray, np.ndarray] | None = None  # (scores, docnums), best first
    facets: dict[tuple, dict] = field(default_factory=dict)  # counts, by the facets asked for


def forget() -> None:
    """Drop the remembered searches (after this process wrote the index, their generation key
    already keeps them from being served; this frees the memory). The benchmark calls it to
    measure every search cold."""
    _remembered.clear()


def searcher(backend):
    """This thread's searcher, opened again when a commit happened (a cheap check of the table of
    contents: its generation and when it was written, since an index deleted and written again,
    as rebuild_index does, starts counting generations from the beginning)."""
    current = getattr(_local, "searcher", None)
    index = backend.index = backend.index.refresh()
    toc = _toc(index)
    if current is None or _local.owner is not backend or _local.toc != toc:
        # Not Searcher.refresh(): it reuses the reader of a segment that only gained deletions,
        # so deleted articles would still be found.
        if current is not None:
            current.close()
        current = index.searcher()
        # The gram files this searcher opens: they live as long as it does, so a file Whoosh
        # deletes after a merge is unmapped when the last searcher using it goes.
        current.gram_files, current.gram_storage = {}, backend.storage
        _local.owner, _local.toc = backend, toc
    elif MAPPED_LIMIT_BYTES is not None and mapped_bytes() > MAPPED_LIMIT_BYTES:
        for postings in current.gram_files.values():
            if postings is not None:
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


def _segments(s) -> list[tuple[object, int]]:
    reader = s.reader()
    if isinstance(reader, MultiReader):
        return list(zip(reader.readers, reader.doc_offsets, strict=True))
    return [(reader, 0)]


def generation(s) -> tuple:
    return tuple((r.segment().segment_id(), r.segment().deleted_count()) for r, _ in _segments(s))


# -- columns ------------------------------------------------------------------------------------
def _uninvert(reader, fieldname: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(docnums, value numbers, values) of one segment's field: a document with three unions
    appears three times."""
    key = (reader.segment().segment_id(), fieldname)
    cached = _segment_columns.get(key)
    if cached is None:
        docs, codes, values = [], [], []
        if fieldname in reader.schema:
            for text in reader.lexicon(fieldname):
                ids = _term_ids(reader, fieldname, text, deletions=False)
                docs.append(ids)
                codes.append(np.full(len(ids), len(values), np.int32))
                values.append(text.decode("utf-8"))
        cached = (
            np.concatenate(docs) if docs else EMPTY,
            np.concatenate(codes) if codes else np.empty(0, np.int32),
            values,
        )
        _segment_columns[key] = cached
    return cached


def facet_column(s, fieldname: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The whole index's (docnums, value numbers, values) for a field, from the segments' columns."""
    key = (generation(s), "facet", fieldname)
    found = _index_columns.get(key)
    if found is None:
        numbering: dict[str, int] = {}
        docs, codes = [], []
        for reader, offset in _segments(s):
            seg_docs, seg_codes, seg_values = _uninvert(reader, fieldname)
            remap = np.array([numbering.setdefault(v, len(numbering)) for v in seg_values] or [0], np.int32)
            docs.append(seg_docs + offset)
            codes.append(remap[seg_codes] if len(seg_codes) else seg_codes)
        found = (np.concatenate(docs), np.concatenate(codes), list(numbering))
        _remember_column(key, found)
    return found


def _per_document(s, name: str, read) -> np.ndarray:
    """A value per document over the whole index: `read(segment_reader)` once per segment
    (cached: segments never change), concatenated once per index generation."""
    key = (generation(s), name)
    found = _index_columns.get(key)
    if found is None:
        parts = []
        for reader, _ in _segments(s):
            seg_key = (reader.segment().segment_id(), name)
            if seg_key not in _segment_columns:
                _segment_columns[seg_key] = read(reader)
            parts.append(_segment_columns[seg_key])
        found = np.concatenate(parts) if parts else EMPTY
        _remember_column(key, found)
    return found


def date_column(s) -> np.ndarray:
    """Every document's date as Whoosh stores it (a sortable integer), by docnum."""

    def read(reader):
        column = reader.column_reader(DATE_FIELD, translate=False)
        return np.fromiter(column, np.int64, count=reader.doc_count_all())

    return _per_document(s, DATE_FIELD, read)


def _remember_column(key, value) -> None:
    with _lock:
        for old in [k for k in _index_columns if k[0] != key[0]]:
            del _index_columns[old]  # columns of an older generation
        _index_columns[key] = value


def _value_ranks(s, fieldname: str) -> np.ndarray:
    """Each value number's place in the values' alphabetical order (ties in a facet's counts)."""
    key = (generation(s), "ranks", fieldname)
    found = _index_columns.get(key)
    if found is None:
        _, _, values = facet_column(s, fieldname)
        found = np.empty(len(values), np.int64)
        found[np.argsort(np.array(values, dtype=object), kind="stable")] = np.arange(len(values))
        _remember_column(key, found)
    return found


def count_facets(s, docnums: np.ndarray, facets: dict[str, dict]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values with their counts among the matched documents, most frequent first
    (then alphabetical), at most the facet's `limit` of them: 工会 matches 30,000 names at 100k
    articles, and making and sorting them all was most of the search page's time."""
    mask = np.zeros(s.doc_count_all(), bool)
    mask[docnums] = True
    out = {}
    for name, options in facets.items():
        docs, codes, values = facet_column(s, name)
        counts = np.bincount(codes[mask[docs]], minlength=len(values))
        present = np.flatnonzero(counts)
        order = present[np.lexsort((_value_ranks(s, name)[present], -counts[present]))]
        limit = (options or {}).get("limit")
        out[name] = [(values[i], int(counts[i])) for i in (order[:limit] if limit else order)]
    return out


# -- matching -----------------------------------------------------------------------------------
def _leaf(reader, fieldname: str, text: bytes):
    """The raw posting reader of Whoosh's W3 codec for a term (its block layout is relied on;
    the version is pinned and tests cover it), or the generic matcher for anything else."""
    m = reader.postings(fieldname, text)
    leaf = getattr(m, "child", m)  # a segment with deletions wraps the leaf in a filter
    return (leaf, True) if hasattr(leaf, "_read_data") and not leaf._byteids else (m, False)


def _blocks(leaf):
    """(docnums, block) for each posting block; the docnums are stored as deltas."""
    while leaf.is_active():
        leaf._read_data()
        yield np.cumsum(np.asarray(leaf._data[0], np.int64)), leaf
        leaf._next_block()


def _term_postings(reader, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(docnums, weights) of a term in a segment, deletions included; None when the postings
    are not the W3 codec's."""

    def read():
        m, raw = _leaf(reader, fieldname, text)
        if not raw:
            return None
        ids, weights = [], []
        for docnums, block in _blocks(m):
            ids.append(docnums)
            weights.append(_block_weights(block._data[1], len(docnums)))
        if not ids:
            return EMPTY, np.empty(0)
        return np.concatenate(ids), np.concatenate(weights)

    if (fieldname, text) not in reader:
        return EMPTY, np.empty(0)
    return _postings.get((reader.segment().segment_id(), fieldname, text), read)


def _term_ids(reader, fieldname: str, text: bytes, *, deletions: bool = True) -> np.ndarray:
    """A segment's documents holding a term."""
    found = _term_postings(reader, fieldname, text)
    if found is None:
        return np.fromiter(reader.postings(fieldname, text).all_ids(), np.int64)
    ids = found[0]
    if deletions and reader.has_deletions():
        ids = ids[~np.isin(ids, _deleted_in(reader))]
    return ids


def _is_grams(s, fieldname: str) -> bool:
    return fieldname in s.schema and getattr(s.schema[fieldname], "beside_segments", False)


def _gram_file(s, reader, fieldname: str) -> grams.Postings | None:
    key = (reader.segment().segment_id(), fieldname)
    if key not in s.gram_files:
        s.gram_files[key] = grams.read(s.gram_storage, reader.segment(), fieldname)
    return s.gram_files[key]


def _gram_files(s, fieldname: str):
    """(gram file, segment reader, docnum offset) of each segment that has one."""
    for reader, offset in _segments(s):
        found = _gram_file(s, reader, fieldname)
        if found is not None:
            yield found, reader, offset


def _alive(reader, docs: np.ndarray) -> np.ndarray:
    """Which of a segment's docnums are not deleted."""
    if not reader.has_deletions():
        return np.ones(len(docs), bool)
    return ~np.isin(docs, _deleted_in(reader))


def _gram_ids(s, fieldname: str, low: int, high: int | None = None) -> np.ndarray:
    """The documents holding gram `low`, or any gram of [low, high)."""
    parts = []
    for found, reader, offset in _gram_files(s, fieldname):
        t0, t1 = found.terms_of(low, high)
        docs = found.docs[found.doc_starts[t0] : found.doc_starts[t1]].astype(np.int64)
        if t1 - t0 > 1:  # several grams: their documents overlap
            docs = np.unique(docs)
        parts.append(docs[_alive(reader, docs)] + offset)
    return np.concatenate(parts) if parts else EMPTY


def gram_doc_frequency(s, fieldname: str, gram: int) -> int:
    """Documents holding a gram, deleted ones included (as Whoosh counts for its terms)."""
    return sum(found.doc_frequency(gram) for found, _, _ in _gram_files(s, fieldname))


def _phrase_ids(s, q) -> np.ndarray:
    """Documents where the phrase's grams follow each other: each gram's occurrences keyed by
    (document, where the phrase would start), kept where every earlier gram has the same key,
    rarest gram first; after it, only the positions in the documents still in the running are
    read. Keys come out of the gram files already sorted (documents ascend, and positions
    within a document), so no sort is needed."""
    codes = [(i, grams.code(word)) for i, word in enumerate(q.words)]
    codes.sort(key=lambda ic: gram_doc_frequency(s, q.fieldname, ic[1]))
    found = None
    for i, gram in codes:
        parts = []
        for postings, reader, offset in _gram_files(s, q.fieldname):
            among = None
            if found is not None:  # the documents of this segment still in the running
                lo, hi = np.searchsorted(found, [offset << 32, (offset + reader.doc_count_all()) << 32])
                if lo == hi:
                    continue
                among = np.unique(found[lo:hi] >> 32) - offset
            docs, positions = postings.occurrences(gram, among)
            keep = positions >= i
            if found is None:  # the rarest gram: deleted documents drop out here, once
                keep &= _alive(reader, docs)
            parts.append(((docs[keep] + offset) << 32) | (positions[keep] - i))
        keys = np.concatenate(parts) if parts else EMPTY
        found = keys if found is None else _sorted_common(found, keys)
        if not len(found):
            return EMPTY
    return EMPTY if found is None else np.unique(found >> 32)


def _sorted_common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of sorted array `a` that also occur in sorted array `b`."""
    where = np.searchsorted(b, a)
    where[where == len(b)] = 0
    return a[b[where] == a] if len(b) else EMPTY


def _in_range(q, dates: np.ndarray) -> np.ndarray:
    keep = np.ones(len(dates), bool)
    if q.start is not None:
        keep &= dates > q.start if q.startexcl else dates >= q.start
    if q.end is not None:
        keep &= dates < q.end if q.endexcl else dates <= q.end
    return keep


def _date_range(s, q) -> np.ndarray:
    alive = np.flatnonzero(_in_range(q, date_column(s)))
    return alive if not s.reader().has_deletions() else np.setdiff1d(alive, _deleted(s), assume_unique=True)


def _deleted_in(reader) -> np.ndarray:
    """A segment's deleted docnums (kept by the per-document reader of Whoosh's codec)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return np.fromiter(perdoc.deleted_docs(), np.int64)
    return np.array([d for d in range(reader.doc_count_all()) if reader.is_deleted(d)], np.int64)


def _deleted(s) -> np.ndarray:
    parts = [_deleted_in(r) + off for r, off in _segments(s) if r.has_deletions()]
    return np.concatenate(parts) if parts else EMPTY


def ids(s, q) -> np.ndarray:
    """The sorted docnums a query matches."""
    if isinstance(q, wq.Term | wq.Prefix | wq.Phrase) and _is_grams(s, q.fieldname):
        return _gram_query_ids(s, q)
    if isinstance(q, wq.Term) and _is_facet(s, q.fieldname):
        return _facet_ids(s, q.fieldname, q.text)
    if isinstance(q, wq.Term):
        parts = [_term_ids(r, q.fieldname, _term_bytes(s, q)) + off for r, off in _segments(s)]
        return np.concatenate(parts) if parts else EMPTY
    if isinstance(q, wq.AndMaybe):  # the optional side only scores
        return ids(s, q.a)
    if isinstance(q, wq.AndNot):
        return np.setdiff1d(ids(s, q.a), ids(s, q.b), assume_unique=True)
    if isinstance(q, wq.And):
        result = None
        for sub in sorted(q.subqueries, key=lambda sub: isinstance(sub, wq.NumericRange)):
            if result is not None and isinstance(sub, wq.NumericRange) and sub.fieldname == DATE_FIELD:
                result = result[_in_range(sub, date_column(s)[result])]  # the matches' dates only
                continue
            found = ids(s, sub)
            if result is None:
                result = found
            else:  # both sorted: look the smaller up in the larger (a filter is often tiny)
                small, large = sorted((result, found), key=len)
                result = _sorted_common(small, large)
            if not len(result):
                break
        return EMPTY if result is None else result
    if isinstance(q, wq.Or):
        parts = [ids(s, sub) for sub in q.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, wq.Prefix):
        parts = [
            _term_ids(r, q.fieldname, term) + off
            for r, off in _segments(s)
            for term in r.expand_prefix(q.fieldname, q.text)
        ]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, wq.NumericRange) and q.fieldname == DATE_FIELD:
        return _date_range(s, q)
    if q is wq.NullQuery:
        return EMPTY
    return np.fromiter(s.docs_for_query(q), np.int64)  # phrases, prefixes: Whoosh's matcher


def _is_facet(s, fieldname: str) -> bool:
    """A field of whole values that rank nothing (union, topic, kind, month, the model)."""
    return fieldname in s.schema and not s.schema[fieldname].scorable and fieldname not in (ID, DJANGO_ID)


def _facet_ids(s, fieldname: str, value) -> np.ndarray:
    """The documents with a facet value, from the facet's column: each value's documents are
    laid out once per index generation, so a filter is a slice."""
    key = (generation(s), "by value", fieldname)
    table = _index_columns.get(key)
    if table is None:
        docs, codes, values = facet_column(s, fieldname)
        order = np.argsort(codes, kind="stable")  # documents stay ascending within a value
        bounds = np.searchsorted(codes[order], np.arange(len(values) + 1))
        table = (docs[order], bounds, {v: i for i, v in enumerate(values)})
        _remember_column(key, table)
    docs, bounds, number = table
    i = number.get(value.decode("utf-8") if isinstance(value, bytes) else value)
    if i is None:
        return EMPTY
    found = docs[bounds[i] : bounds[i + 1]]
    return np.setdiff1d(found, _deleted(s), assume_unique=True) if s.reader().has_deletions() else found


def _gram_query_ids(s, q) -> np.ndarray:
    """What search.analyzer.gram_query makes: a gram, one character (a prefix), or a phrase of
    grams. Whoosh holds no gram postings, so nothing else can be answered on these fields."""
    if isinstance(q, wq.Term):
        return _gram_ids(s, q.fieldname, grams.code(q.text))
    if isinstance(q, wq.Prefix) and len(q.text) == 1:
        return _gram_ids(s, q.fieldname, *grams.prefix_range(q.text))
    if isinstance(q, wq.Phrase) and q.slop == 1:
        return _phrase_ids(s, q)
    raise ValueError(f"{q!r} cannot be matched on a gram field")


def _term_bytes(s, q) -> bytes:
    return q.text if isinstance(q.text, bytes) else s.schema[q.fieldname].to_bytes(q.text)


# -- ranking ------------------------------------------------------------------------------------
# BM25F as Whoosh computes it (whoosh.scoring.bm25, the same idf and parameters), over whole
# posting blocks: the weight of a posting is its term frequency; a query's score is the sum of
# its terms' scores (a phrase: its grams'); terms of unscored fields (facets, ids) add nothing.
B, K1 = 0.75, 1.2
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], np.float64)


def _lengths(s, fieldname: str) -> np.ndarray:
    """Every document's length of a field, by docnum (Whoosh keeps it as one byte per document)."""

    def read(reader):
        n = reader.doc_count_all()
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return np.zeros(n) if column is None else _LENGTH_OF_BYTE[np.fromiter(column, np.uint8, count=n)]

    return _per_document(s, "length:" + fieldname, read)


def _term_weights(s, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, term frequencies) of a term over the index; deleted documents drop out when
    the caller restricts them to the matched set."""
    ids, weights = [], []
    for reader, offset in _segments(s):
        found = _term_postings(reader, fieldname, text)
        if found is None:
            return EMPTY, np.empty(0)
        ids.append(found[0] + offset)
        weights.append(found[1])
    if not ids:
        return EMPTY, np.empty(0)
    return np.concatenate(ids), np.concatenate(weights)


def _block_weights(stored, n: int) -> np.ndarray:
    """A block's weights as the codec keeps them: all 1.0 (None), all alike (a float), or each."""
    if stored is None or isinstance(stored, float):
        return np.full(n, 1.0 if stored is None else stored)
    return np.asarray(stored, np.float64)


def _gram_lengths(s, fieldname: str) -> np.ndarray:
    """Every document's number of grams in a field, by docnum (exact: the gram files keep them)."""

    def read(reader):
        found = _gram_file(s, reader, fieldname)
        return np.zeros(reader.doc_count_all()) if found is None else found.lengths.astype(np.float64)

    return _per_document(s, "gram-length:" + fieldname, read)


def _gram_weights(s, fieldname: str, gram: int) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, occurrences) of a gram over the index."""
    ids, tf = [], []
    for found, _, offset in _gram_files(s, fieldname):
        docs, freqs = found.documents(gram)
        ids.append(docs.astype(np.int64) + offset)
        tf.append(freqs.astype(np.float64))
    return (np.concatenate(ids), np.concatenate(tf)) if ids else (EMPTY, np.empty(0))


def _add_term(s, fieldname: str, text, boost: float, docnums: np.ndarray, scores: np.ndarray) -> None:
    if fieldname not in s.schema or not s.schema[fieldname].scorable:
        return
    if _is_grams(s, fieldname):
        gram = grams.code(text)
        ids, tf = _gram_weights(s, fieldname, gram)
        tf = tf * s.schema[fieldname].format.field_boost
        df = gram_doc_frequency(s, fieldname, gram)
        lengths = _gram_lengths(s, fieldname)
        avgfl = lengths.sum() / max(len(lengths), 1)
    else:
        text = text if isinstance(text, bytes) else s.schema[fieldname].to_bytes(text)
        ids, tf = _term_weights(s, fieldname, text)
        df = s.doc_frequency(fieldname, text)
        lengths = _lengths(s, fieldname)
        avgfl = s.avg_field_length(fieldname)
    where = np.searchsorted(docnums, ids)
    inside = where < len(docnums)
    inside[inside] = docnums[where[inside]] == ids[inside]
    if not inside.any():
        return
    ids, tf, where = ids[inside], tf[inside], where[inside]
    idf = np.log(s.doc_count_all() / (df + 1)) + 1
    fl = lengths[ids]
    avgfl = avgfl or 1
    scores[where] += boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))


def _score(s, q, docnums: np.ndarray, scores: np.ndarray, boost: float = 1.0) -> None:
    boost *= q.boost
    if isinstance(q, wq.Term):
        _add_term(s, q.fieldname, q.text, boost, docnums, scores)
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            _add_term(s, q.fieldname, word, boost, docnums, scores)
    elif isinstance(q, wq.AndNot):
        _score(s, q.a, docnums, scores, boost)
    elif isinstance(q, wq.CompoundQuery | wq.AndMaybe):
        for sub in q.children():
            _score(s, sub, docnums, scores, boost)
    # prefixes (one character) and ranges rank nothing: every match has them alike


def ranking(s, q, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, docnums) of the matched documents, best first; equal scores in index order."""
    scores = np.zeros(len(docnums))
    _score(s, q, docnums, scores)
    order = np.argsort(-scores, kind="stable")
    return scores[order], docnums[order]


def ranked(s, q, docnums: np.ndarray) -> list[tuple[float, int]]:
    """The matched documents as (score, docnum), best first."""
    scores, ordered = ranking(s, q, docnums)
    return list(zip(scores.tolist(), ordered.tolist(), strict=True))


def match(s, q, query_string: str) -> Match:
    return _remembered.get((generation(s), query_string), lambda: Match(ids(s, q)))


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
    found = match(s, q, query_string)
    hits = len(found.docnums)
    end = hits if end_offset is None else min(end_offset, hits)
    out = {
        "results": Page(s, _page(s, q, found, sort_by, start_offset, end), result_class or SearchResult),
        "hits": hits,
        "spelling_suggestion": None,
    }
    if facets:
        asked = tuple(sorted((name, tuple(sorted((options or {}).items()))) for name, options in facets.items()))
        if asked not in found.facets:  # haystack asks again with every slice of a faceted search
            found.facets[asked] = count_facets(s, found.docnums, dict(facets))
        out["facets"] = {"fields": found.facets[asked], "dates": {}, "queries": {}}
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


def _page(s, q, found: Match, sort_by, start: int, end: int) -> Callable[[], list[tuple[float, int]]]:
    """The (score, docnum) of results start..end, computed when first asked for."""
    return lambda: _ranked(s, q, found, sort_by, start, end)


def _ranked(s, q, found: Match, sort_by, start: int, end: int) -> list[tuple[float, int]]:
    if start >= end:
        return []
    if sort_by:
        (order,) = sort_by  # the archive sorts by one field: the date
        if order.lstrip("-") != DATE_FIELD:
            raise ValueError(f"cannot sort by {order}")
        dates = date_column(s)[found.docnums]
        keys = -dates if order.startswith("-") else dates
        chosen = found.docnums[np.lexsort((found.docnums, keys))[start:end]]
        return [(0.0, int(d)) for d in chosen]
    if found.order is None:
        found.order = ranking(s, q, found.docnums)  # kept for the next pages of the same search
    scores, ordered = found.order
    return list(zip(scores[start:end].tolist(), ordered[start:end].tolist(), strict=True))

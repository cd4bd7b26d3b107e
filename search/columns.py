"""What the engine reads per index segment, once, and keeps: dates and field lengths by document,
deletions, the decoded postings of busy Whoosh terms, and the gram files (facets: their own
module, search.facet_columns, built on this one's per-segment and per-index values).

A segment never changes once written (a commit adds segments and marks deletions), so a value
computed for a segment stays right for as long as the segment exists; what is made for the whole
index (a facet's column over every segment) is keyed by the index generation. When a searcher
is opened on a new generation, everything kept for segments that are gone is dropped (`purge`):
a web process lives through thousands of commits and merges.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from search import grams
from search.whoosh_private import EMPTY, deleted_docnums, field_length_bytes, segment_readers, term_postings

DATE_FIELD = "date"
POSTINGS_CACHE_BYTES = 48 * 2**20  # decoded posting lists kept per process (common terms; 96 MB
# when they were kept as int64 and float64: the same terms)

lock = threading.Lock()


class LRU:
    """Values computed once (outside the lock) and kept while their total weight fits in `limit`,
    the least recently used dropped first. A value of None is not kept. A value that grows in
    place is weighed again by `reweigh`."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda value: 1):
        self.limit, self.weigh, self.total = limit, weigh, 0
        self.entries: OrderedDict[tuple, object] = OrderedDict()
        self.weights: dict[tuple, int] = {}

    def get(self, key: tuple, compute: Callable[[], object]):
        with lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        found = compute()
        if found is None:
            return None
        with lock:
            if key not in self.entries:
                self.entries[key] = found
                self._weigh(key)
            self._fit()
        return found

    def reweigh(self, key: tuple) -> None:
        with lock:
            if key in self.entries:
                self._weigh(key)
                self._fit()

    def _weigh(self, key: tuple) -> None:
        weight = self.weigh(self.entries[key])
        self.total += weight - self.weights.get(key, 0)
        self.weights[key] = weight

    def _fit(self) -> None:
        while self.total > self.limit and len(self.entries) > 1:
            old, _ = self.entries.popitem(last=False)
            self.total -= self.weights.pop(old)

    def drop(self, keep: Callable[[tuple], bool]) -> None:
        with lock:
            for key in [k for k in self.entries if not keep(k)]:
                del self.entries[key]
                self.total -= self.weights.pop(key)

    def clear(self) -> None:
        with lock:
            self.entries.clear()
            self.weights.clear()
            self.total = 0


_per_segment: dict[tuple[str, str], object] = {}  # (segment id, what): a segment's column
_per_index: dict[tuple, object] = {}  # (generation, what…): a column over the whole index
# Decoded Whoosh postings of one segment, (segment id, field, term): deletions are applied after.
_postings = LRU(POSTINGS_CACHE_BYTES, weigh=lambda arrays: sum(a.nbytes for a in arrays))


def purge(live: set[str]) -> None:
    """Forget what was kept for segments not in `live` (merged away or deleted)."""
    with lock:
        for key in [k for k in _per_segment if k[0] not in live]:
            del _per_segment[key]
    _postings.drop(lambda key: key[0] in live)


def segments(s) -> list[tuple[object, int]]:
    return segment_readers(s.reader())


def generation(s) -> tuple:
    return tuple((r.segment().segment_id(), r.segment().deleted_count()) for r, _ in segments(s))


def segment_value(reader, what: str, read: Callable[[], object]):
    key = (reader.segment().segment_id(), what)
    found = _per_segment.get(key)
    if found is None:
        found = _per_segment[key] = read()
    return found


def set_segment_value(reader, what: str, value) -> None:
    """Keep a segment's value in another form (a view of the index's column)."""
    with lock:
        _per_segment[(reader.segment().segment_id(), what)] = value


def index_value(s, what: tuple, make: Callable[[], object]):
    key = (generation(s), *what)
    found = _per_index.get(key)
    if found is None:
        found = make()
        with lock:
            for old in [k for k in _per_index if k[0] != key[0]]:
                del _per_index[old]  # made for an older generation
            _per_index[key] = found
    return found


# -- Whoosh terms -------------------------------------------------------------------------------
def term_weights(reader, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(docnums, weights) of a term in a segment, deletions included, kept for busy terms; None
    when Whoosh's codec is not the one whose blocks we read. Kept as int32 and float32, half of
    what numpy's defaults take: a segment's docnums fit, and Whoosh stores weights as 32-bit
    floats (so nothing is lost); the caller widens the ones it uses."""
    if (fieldname, text) not in reader:
        return EMPTY, np.empty(0)
    key = (reader.segment().segment_id(), fieldname, text)
    return _postings.get(key, lambda: _narrow(term_postings(reader, fieldname, text)))


def _narrow(found: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray] | None:
    return None if found is None else (found[0].astype(np.int32), found[1].astype(np.float32))


def term_ids(reader, fieldname: str, text: bytes, *, deletions: bool = True) -> np.ndarray:
    """A segment's documents holding a term."""
    found = term_weights(reader, fieldname, text)
    if found is None:
        return np.fromiter(reader.postings(fieldname, text).all_ids(), np.int64)
    ids = found[0].astype(np.int64)
    if deletions and reader.has_deletions():
        ids = ids[~np.isin(ids, deleted_in(reader))]
    return ids


# -- deletions ----------------------------------------------------------------------------------
def deleted_in(reader) -> np.ndarray:
    """A segment's deleted docnums (not kept: they change with every commit that deletes)."""
    return deleted_docnums(reader)


def deleted(s) -> np.ndarray:
    parts = [deleted_in(r) + off for r, off in segments(s) if r.has_deletions()]
    return np.concatenate(parts) if parts else EMPTY


def alive(reader, docs: np.ndarray) -> np.ndarray:
    """Which of a segment's docnums are not deleted."""
    if not reader.has_deletions():
        return np.ones(len(docs), bool)
    return ~np.isin(docs, deleted_in(reader))


# -- per-document columns -------------------------------------------------------------------------
def _per_document(s, what: str, read: Callable[[object], np.ndarray]) -> np.ndarray:
    """A value per document over the whole index: `read(segment reader)` once per segment,
    concatenated once per index generation."""

    def make():
        parts = [segment_value(reader, what, lambda reader=reader: read(reader)) for reader, _ in segments(s)]
        if len(parts) < 2:  # one segment (an optimised index): its column is the index's
            return parts[0] if parts else EMPTY
        whole = np.concatenate(parts)
        with lock:  # each segment's column becomes a view of the whole: kept once, not twice
            for (reader, offset), part in zip(segments(s), parts, strict=True):
                _per_segment[(reader.segment().segment_id(), what)] = whole[offset : offset + len(part)]
        return whole

    return index_value(s, (what,), make)


def column(reader, fieldname: str) -> np.ndarray:
    """A segment's numeric column (dates as Whoosh sorts them; ColumnField values)."""
    values = reader.column_reader(fieldname, translate=False)
    return np.fromiter(values, np.int64, count=reader.doc_count_all())


def segment_column(reader, fieldname: str) -> np.ndarray:
    return segment_value(reader, "column:" + fieldname, lambda: column(reader, fieldname))


def date_column(s) -> np.ndarray:
    """Every document's date as Whoosh stores it (a sortable integer), by docnum."""
    return _per_document(s, DATE_FIELD, lambda reader: column(reader, DATE_FIELD))


def length_bytes(s, fieldname: str) -> np.ndarray:
    """Every document's length of a Whoosh field as Whoosh keeps it, a byte (LENGTH_OF_BYTE), by
    docnum."""
    return _per_document(s, "length:" + fieldname, lambda reader: field_length_bytes(reader, fieldname))


def gram_lengths(s, fieldname: str) -> np.ndarray:
    """Every document's number of grams in a field (uint32), by docnum (exact: the gram files
    keep them; copied, not the mapped file's)."""
    return _per_document(
        s, "gram-length:" + fieldname, lambda reader: gram_file(s, reader, fieldname).lengths.astype(np.uint32)
    )


# -- gram files ---------------------------------------------------------------------------------
def open_gram_files(s, storage) -> None:
    """Map every segment's gram files when the searcher opens, so that they live as long as it
    does: a merge that deletes a segment's files afterwards cannot make a search miss it (the
    mapping keeps the file). A segment without its file is an error, never a segment skipped."""
    s.gram_files = {}
    names = grams.gram_fields(s.schema)
    for reader, _ in segments(s):
        for name in names:
            found = grams.read(storage, reader.segment(), name)
            if found is None:
                raise FileNotFoundError(f"{grams.filename(reader.segment(), name)} is missing")
            s.gram_files[(reader.segment().segment_id(), name)] = found


def gram_file(s, reader, fieldname: str) -> grams.Postings:
    return s.gram_files[(reader.segment().segment_id(), fieldname)]


def gram_files(s, fieldname: str):
    """(gram file, segment reader, docnum offset) of each segment."""
    for reader, offset in segments(s):
        yield gram_file(s, reader, fieldname), reader, offset


def array_bytes(value) -> int:
    """The bytes of the numpy arrays in a kept value (tuples, lists, dicts and objects of them)."""
    if isinstance(value, np.ndarray):
        return value.nbytes if value.base is None else 0  # a view costs nothing of its own
    if isinstance(value, dict):
        return sum(array_bytes(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(array_bytes(v) for v in value)
    if hasattr(value, "__dict__"):
        return array_bytes(vars(value))
    return 0


def kept_bytes() -> dict[str, int]:
    """What this process keeps of the index, by kind (the benchmark reports it per web worker)."""
    with lock:
        return {
            "segment_columns": sum(array_bytes(v) for v in _per_segment.values()),
            "index_columns": sum(array_bytes(v) for v in _per_index.values()),
            "term_postings": _postings.total,
        }

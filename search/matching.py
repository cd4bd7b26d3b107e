"""Which documents a query matches, as a sorted numpy array of docnums.

Character grams are read from the segments' gram files as slices of memory-mapped arrays: a
two-character term is one gram, one character the range of grams starting with it, a longer
string the phrase of its grams, whose positions must follow each other. Whoosh's own terms
(jieba words, facet values) are read from their posting blocks; AND / OR / NOT / date ranges
are numpy set operations, and anything else is left to Whoosh's matcher.
"""

from __future__ import annotations

import numpy as np
from haystack.constants import DJANGO_ID, ID
from whoosh import query as wq

from search import grams
from search.columns import (
    DATE_FIELD,
    alive,
    date_column,
    deleted,
    gram_files,
    segments,
    term_ids,
)
from search.facet_columns import facet_table
from search.whoosh_private import EMPTY


def ids(s, q) -> np.ndarray:
    """The sorted docnums a query matches."""
    if isinstance(q, wq.Term | wq.Prefix | wq.Phrase) and is_grams(s, q.fieldname):
        return _gram_query_ids(s, q)
    if isinstance(q, wq.Term) and _is_facet(s, q.fieldname):
        return _facet_ids(s, q.fieldname, q.text)
    if isinstance(q, wq.Term):
        parts = [term_ids(r, q.fieldname, term_bytes(s, q)) + off for r, off in segments(s)]
        return np.concatenate(parts) if parts else EMPTY
    if isinstance(q, wq.AndMaybe):  # the optional side only scores
        return ids(s, q.a)
    if isinstance(q, wq.AndNot):
        return np.setdiff1d(ids(s, q.a), ids(s, q.b), assume_unique=True)
    if isinstance(q, wq.And):
        return _and(s, q)
    if isinstance(q, wq.Or):
        parts = [ids(s, sub) for sub in q.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, wq.Prefix):
        parts = [
            term_ids(r, q.fieldname, term) + off
            for r, off in segments(s)
            for term in r.expand_prefix(q.fieldname, q.text)
        ]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, wq.NumericRange) and q.fieldname == DATE_FIELD:
        return _date_range(s, q)
    if q is wq.NullQuery:
        return EMPTY
    return np.fromiter(s.docs_for_query(q), np.int64)  # anything else: Whoosh's matcher


def _and(s, q) -> np.ndarray:
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
            result = sorted_common(small, large)
        if not len(result):
            break
    return EMPTY if result is None else result


def is_grams(s, fieldname: str) -> bool:
    return fieldname in s.schema and getattr(s.schema[fieldname], "beside_segments", False)


def _is_facet(s, fieldname: str) -> bool:
    """A field of whole values that rank nothing (union, topic, kind, month, the model)."""
    return fieldname in s.schema and not s.schema[fieldname].scorable and fieldname not in (ID, DJANGO_ID)


def _facet_ids(s, fieldname: str, value) -> np.ndarray:
    """The documents with a facet value: a slice of the facet's table."""
    docs, bounds, number = facet_table(s, fieldname)
    i = number.get(value.decode("utf-8") if isinstance(value, bytes) else value)
    if i is None or i + 1 >= len(bounds):  # a value no document of this index has
        return EMPTY
    found = docs[bounds[i] : bounds[i + 1]].astype(np.int64)  # kept as int32; matched ids are int64
    return np.setdiff1d(found, deleted(s), assume_unique=True) if s.reader().has_deletions() else found


def term_bytes(s, q) -> bytes:
    return q.text if isinstance(q.text, bytes) else s.schema[q.fieldname].to_bytes(q.text)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array, in one pass (np.unique hashes or sorts them again:
    half of a common phrase's matching time)."""
    if len(a) < 2:
        return a
    first = np.empty(len(a), bool)
    first[0] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    return a[first]


MERGE_RATIO = 16  # arrays within this factor of each other's length are merged, not searched


def sorted_common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of sorted array `a` that also occur in sorted array `b` (each without repeats).
    A small array is looked up in a large one; two of like length are merged, which the sort
    does in one pass over two sorted runs (2-3× faster than a binary search per value)."""
    if len(a) and len(b) and max(len(a), len(b)) < MERGE_RATIO * min(len(a), len(b)):
        both = np.concatenate([a, b])
        both.sort(kind="stable")
        return both[1:][both[1:] == both[:-1]].astype(a.dtype, copy=False)
    where = np.searchsorted(b, a)
    where[where == len(b)] = 0
    return a[b[where] == a] if len(b) else EMPTY


# -- dates --------------------------------------------------------------------------------------
def _in_range(q, dates: np.ndarray) -> np.ndarray:
    keep = np.ones(len(dates), bool)
    if q.start is not None:
        keep &= dates > q.start if q.startexcl else dates >= q.start
    if q.end is not None:
        keep &= dates < q.end if q.endexcl else dates <= q.end
    return keep


def _date_range(s, q) -> np.ndarray:
    found = np.flatnonzero(_in_range(q, date_column(s)))
    return found if not s.reader().has_deletions() else np.setdiff1d(found, deleted(s), assume_unique=True)


# -- grams --------------------------------------------------------------------------------------
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


def _gram_ids(s, fieldname: str, low: int, high: int | None = None) -> np.ndarray:
    """The documents holding gram `low`, or any gram of [low, high)."""
    parts = []
    for found, reader, offset in gram_files(s, fieldname):
        t0, t1 = found.terms_of(low, high)
        docs = found.docs[found.doc_starts[t0] : found.doc_starts[t1]].astype(np.int64)
        if t1 - t0 > 1:  # several grams: their documents overlap
            docs = np.unique(docs)
        parts.append(docs[alive(reader, docs)] + offset)
    return np.concatenate(parts) if parts else EMPTY


def gram_doc_frequency(s, fieldname: str, gram: int) -> int:
    """Documents holding a gram, deleted ones included (as Whoosh counts for its terms)."""
    return sum(found.doc_frequency(gram) for found, _, _ in gram_files(s, fieldname))


def frequencies(s, fieldname: str, codes: np.ndarray) -> np.ndarray:
    """Documents holding each gram (numbers, uint64), deleted ones included: one look-up per
    segment for all of them."""
    counts = np.zeros(len(codes), np.int64)
    for found, _, _ in gram_files(s, fieldname):
        counts += found.frequencies(codes)
    return counts


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
        for postings, reader, offset in gram_files(s, q.fieldname):
            among = None
            if found is not None:  # the documents of this segment still in the running
                lo, hi = np.searchsorted(found, [offset << 32, (offset + reader.doc_count_all()) << 32])
                if lo == hi:
                    continue
                among = sorted_unique(found[lo:hi] >> 32) - offset
            docs, positions = postings.occurrences(gram, among)
            keep = positions >= i
            if found is None:  # the rarest gram: deleted documents drop out here, once
                keep &= alive(reader, docs)
            parts.append(((docs[keep] + offset) << 32) | (positions[keep] - i))
        keys = np.concatenate(parts) if parts else EMPTY
        found = keys if found is None else sorted_common(found, keys)
        if not len(found):
            return EMPTY
    return EMPTY if found is None else sorted_unique(found >> 32)

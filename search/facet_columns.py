"""Facet columns: each document's values of a field of whole values (union, topic, person,
region, page, kind, month, the model), read once per segment, joined once per index generation,
and counted for every search page.

Kept compact, since a web worker holds every facet of every document (at a million articles
they were most of its 700 MB, bench/RESULTS.md):

- values are numbered once per process and field (`Numbering`), not once per segment. A
  segment's numbers then stay right in every generation: the index's column is the segments'
  laid end to end, and each segment's becomes a view of it (kept once, not twice), and a value's
  text is held once however many segments hold it (union names were held once per segment);
- a field where no document has two values (page, kind, month, the model) is one number per
  document, -1 for none, in the narrowest integer type that holds it: 1–2 bytes a document where
  the layout below took 8;
- a field with several values per document is laid out by document (compressed rows):
  `starts[d]:starts[d + 1]` are the places of document d's value numbers in `codes`. Counting
  the values of a set of documents then reads only theirs (at a million articles, reading every
  value of every facet for each page was 100–200 ms).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

import numpy as np

from search import grams
from search.columns import index_value, segment_value, segments, set_segment_value
from search.whoosh_private import term_postings


class Numbering:
    """A field's values in the order this process first met them; a number never changes."""

    def __init__(self):
        self.number: dict[str, int] = {}
        self.values: list[str] = []
        self._lock = threading.Lock()

    def of(self, value: str) -> int:
        found = self.number.get(value)
        if found is None:
            with self._lock:
                found = self.number.setdefault(value, len(self.values))
                if found == len(self.values):
                    self.values.append(value)
        return found


_numberings: dict[str, Numbering] = {}
_numberings_lock = threading.Lock()


def numbering(fieldname: str) -> Numbering:
    with _numberings_lock:
        return _numberings.setdefault(fieldname, Numbering())


def narrowest(most: int) -> type:
    """The smallest signed integer type holding -1 .. most."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if most <= np.iinfo(t).max)


@dataclass
class Facet:
    """A facet's value numbers: one per document (-1: none) when `starts` is None, else by place
    (see the module's docstring). `size` is how many values were numbered when it was made: every
    number in it is below."""

    codes: np.ndarray
    starts: np.ndarray | None
    size: int

    def __len__(self) -> int:
        return len(self.codes) if self.starts is None else len(self.starts) - 1

    def of(self, docs: np.ndarray) -> np.ndarray:
        """The value numbers of (sorted) documents."""
        if self.starts is None:
            found = self.codes[docs]
            return found[found >= 0]
        first = self.starts[docs].astype(np.int64)
        return self.codes[grams.runs(first, self.starts[docs + 1] - first)]

    def entries(self) -> np.ndarray:
        """Every value number, by document."""
        return self.codes[self.codes >= 0] if self.starts is None else self.codes

    def documents(self) -> np.ndarray:
        """The document of each of `entries()`."""
        if self.starts is None:
            return np.flatnonzero(self.codes >= 0).astype(np.int32)
        return np.repeat(np.arange(len(self), dtype=np.int32), np.diff(self.starts))

    def counts(self) -> np.ndarray:
        """How many values each document has."""
        return (self.codes >= 0).astype(np.int32) if self.starts is None else np.diff(self.starts)


def _starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(counts) + 1, np.int32)
    np.cumsum(counts, out=starts[1:])
    return starts


def _read(reader, fieldname: str) -> Facet:
    """One segment's facet, from its terms' postings (read once: not kept as postings too)."""
    known = numbering(fieldname)
    n = reader.doc_count_all()
    docs, codes = [], []
    if fieldname in reader.schema:
        for text in reader.lexicon(fieldname):
            found = term_postings(reader, fieldname, text)
            ids = np.fromiter(reader.postings(fieldname, text).all_ids(), np.int64) if found is None else found[0]
            docs.append(ids.astype(np.int32))
            codes.append(np.full(len(ids), known.of(text.decode("utf-8")), np.int64))
    size = len(known.values)
    docs = np.concatenate(docs) if docs else np.empty(0, np.int32)
    codes = np.concatenate(codes) if codes else np.empty(0, np.int64)
    dtype = narrowest(int(codes.max(initial=0)))
    counts = np.bincount(docs, minlength=n)
    if counts.max(initial=0) <= 1:
        column = np.full(n, -1, dtype)
        column[docs] = codes
        return Facet(column, None, size)
    return Facet(codes[np.argsort(docs, kind="stable")].astype(dtype), _starts(counts), size)


def segment_facet(reader, fieldname: str) -> Facet:
    return segment_value(reader, "facet:" + fieldname, lambda: _read(reader, fieldname))


def facet(s, fieldname: str) -> Facet:
    """The whole index's facet. Each segment's codes become views of the index's."""

    def make():
        parts = [(reader, offset, segment_facet(reader, fieldname)) for reader, offset in segments(s)]
        if len(parts) == 1:  # an optimised index: the segment's column as it is, not a copy
            return parts[0][2]
        size = len(numbering(fieldname).values)
        if all(part.starts is None for _, _, part in parts):
            whole = Facet(np.concatenate([part.codes for _, _, part in parts]), None, size)
            for reader, offset, part in parts:
                view = Facet(whole.codes[offset : offset + len(part)], None, part.size)
                set_segment_value(reader, "facet:" + fieldname, view)
            return whole
        whole = Facet(
            np.concatenate([part.entries() for _, _, part in parts]),
            _starts(np.concatenate([part.counts() for _, _, part in parts])),
            size,
        )
        for reader, offset, part in parts:
            if part.starts is not None:  # a view of the index's codes, its own starts
                where = slice(whole.starts[offset], whole.starts[offset + len(part)])
                set_segment_value(reader, "facet:" + fieldname, Facet(whole.codes[where], part.starts, part.size))
        return whole

    return index_value(s, ("facet", fieldname), make)


def facet_table(s, fieldname: str) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Each facet value's documents laid out once per index generation, so a filter is a slice:
    (documents by value, where each value's run begins, value → number). A value numbered after
    the table was made has no run: its number is past the bounds."""

    def make():
        found = facet(s, fieldname)
        codes = found.entries()
        order = np.argsort(codes, kind="stable")  # documents stay ascending within a value
        bounds = np.searchsorted(codes[order], np.arange(found.size + 1))
        return found.documents()[order], bounds, numbering(fieldname).number

    return index_value(s, ("by value", fieldname), make)


def _totals(s, fieldname: str) -> np.ndarray:
    """Each value's documents in the whole index, deleted ones included."""

    def make():
        found = facet(s, fieldname)
        return np.bincount(found.entries(), minlength=found.size)

    return index_value(s, ("totals", fieldname), make)


def _value_ranks(s, fieldname: str) -> np.ndarray:
    """Each value number's place in the values' alphabetical order (ties in a facet's counts)."""

    def make():
        values = numbering(fieldname).values[: facet(s, fieldname).size]
        found = np.empty(len(values), np.int64)
        found[np.argsort(np.array(values, dtype=object), kind="stable")] = np.arange(len(values))
        return found

    return index_value(s, ("ranks", fieldname), make)


def count_facets(s, docnums: np.ndarray, facets: dict[str, dict]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values with their counts among the matched documents (sorted docnums), most
    frequent first (then alphabetical), at most the facet's `limit` of them: 工会 matches 30,000
    names at 100k articles, and making and sorting them all was most of the search page's time.
    A match of most of the index is counted as the totals less the values of the rest."""
    n = s.doc_count_all()
    rest = len(docnums) * 2 > n
    if rest:
        outside = np.ones(n, bool)
        outside[docnums] = False
        docnums = np.flatnonzero(outside)
    out = {}
    for name, options in facets.items():
        found = facet(s, name)
        counts = np.bincount(found.of(docnums), minlength=found.size)
        if rest:
            counts = _totals(s, name) - counts
        present = np.flatnonzero(counts)
        order = present[np.lexsort((_value_ranks(s, name)[present], -counts[present]))]
        limit = (options or {}).get("limit")
        values = numbering(name).values
        out[name] = [(values[i], int(counts[i])) for i in (order[:limit] if limit else order)]
    return out


def values_bytes() -> int:
    """The memory of the facet values' texts and their numbering (they are not arrays)."""
    with _numberings_lock:
        found = list(_numberings.values())
    return sum(sys.getsizeof(n.values) + sys.getsizeof(n.number) + sum(map(sys.getsizeof, n.values)) for n in found)

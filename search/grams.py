"""Character-gram postings, written with numpy into a file beside each Whoosh segment.

Whoosh writes postings in pure Python, one at a time: each of the ~700 distinct grams of an
article goes through its pool, a sort, its block writer and a pickle, about 13 ms of CPU per
article (bench/RESULTS.md); reading them back decodes a zlib pickle per block. That capped the
import at 49 articles/s on two cores and made a full re-index of 100k articles take over 20
minutes. Grams need none of it: a batch of texts becomes postings in a few array operations, and
a query reads a term's postings as a slice of a memory-mapped file.

Whoosh still owns everything else: segments, commits and their lock, deletions, the ids, the
jieba words and the facet fields. The GRAMS fields simply never reach its posting pool: the
segment writer (search.gram_writer) takes their texts aside and, when Whoosh finishes the
segment, writes one file per gram field named after the segment (`MAIN_<segment>.grams_<field>`).
Whoosh's own clean-up deletes it with the segment. This module is the file format.

A gram is a number: the first character's code point shifted left by 21 bits, or-ed with the
second's (0 when the gram is the last character of a run). Code points are below 2**21, so the
grams starting with one character are one range of numbers, which answers one-character queries.
"""

from __future__ import annotations

import itertools
import mmap
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.fields import TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions

from search.analyzer import gram_query, indexed

SHIFT = 21
# `among` this large a share of a gram's documents: mark them rather than look each one up
AMONG_RATIO = 8
# 3: the big arrays first (written in place by merges); 4: grams of the text as analyzer.indexed
# gives it (Chinese joined across whitespace), so an index of 3 is rebuilt by ensure_index.
MAGIC = b"ZJGRAMS4"
HEADER = np.dtype([("magic", "S8"), ("terms", "<u8"), ("pairs", "<u8"), ("postings", "<u8"), ("docs", "<u8")])
EXT = ".grams_"

# The characters RUN_RE (search.analyzer) treats as text, as code point ranges.
_RANGES = [(0x30, 0x39), (0x61, 0x7A), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]


def code(gram: str) -> int:
    """The number of a gram of one or two characters."""
    return ord(gram[0]) << SHIFT | (ord(gram[1]) if len(gram) > 1 else 0)


def prefix_range(char: str) -> tuple[int, int]:
    """The numbers of every gram starting with `char`: [low, high)."""
    return ord(char) << SHIFT, (ord(char) + 1) << SHIFT


# -- the file ---------------------------------------------------------------------------------
@dataclass
class Postings:
    """A segment's postings of one field: for each gram, the documents holding it (ascending)
    with how often, and the positions of every occurrence (by document, then ascending)."""

    terms: np.ndarray  # uint64, sorted, unique
    doc_starts: np.ndarray  # int64, len(terms) + 1: where each gram's documents begin
    pos_starts: np.ndarray  # int64, len(terms) + 1: where each gram's positions begin
    docs: np.ndarray  # uint32: the documents of each gram
    freqs: np.ndarray  # uint32: occurrences in each of those documents
    positions: np.ndarray  # uint32
    lengths: np.ndarray  # uint32, one per document of the segment: its number of grams
    mapped: mmap.mmap | None = None  # the file, when the arrays are views of its memory map

    def release(self) -> None:
        """Drop the pages of the file this process has touched from its resident memory (they
        stay in the kernel's page cache, shared by every process, and are mapped again when
        read: the arrays stay valid)."""
        if self.mapped is not None and hasattr(mmap, "MADV_DONTNEED"):  # Linux, macOS
            self.mapped.madvise(mmap.MADV_DONTNEED)

    def terms_of(self, low: int, high: int | None = None) -> tuple[int, int]:
        """The term numbers of grams [low, high) (the gram `low` alone when high is None)."""
        # the key as the array's type: a Python int would make numpy convert the whole array
        t0 = int(self.terms.searchsorted(np.uint64(low)))
        if high is None:
            return t0, t0 + int(t0 < len(self.terms) and self.terms[t0] == low)
        return t0, int(self.terms.searchsorted(np.uint64(high)))

    def frequencies(self, grams: np.ndarray) -> np.ndarray:
        """Documents holding each of the grams (numbers, uint64), deleted ones included."""
        at = self.terms.searchsorted(grams)
        held = at < len(self.terms)
        held[held] = self.terms[at[held]] == grams[held]
        counts = np.zeros(len(grams), np.int64)
        counts[held] = self.doc_starts[at[held] + 1] - self.doc_starts[at[held]]
        return counts

    def doc_frequency(self, gram: int) -> int:
        t0, t1 = self.terms_of(gram)
        return int(self.doc_starts[t1] - self.doc_starts[t0])

    def documents(self, gram: int) -> tuple[np.ndarray, np.ndarray]:
        """(documents, occurrences in each) of a gram."""
        t0, t1 = self.terms_of(gram)
        a, b = self.doc_starts[t0], self.doc_starts[t1]
        return self.docs[a:b], self.freqs[a:b]

    def occurrences(self, gram: int, among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of every occurrence of a gram, in that order; only in the
        documents `among` (sorted) when given, read without touching the others' positions."""
        t0, t1 = self.terms_of(gram)
        docs, freqs = self.documents(gram)
        p0 = int(self.pos_starts[t0])
        if among is None:
            return np.repeat(docs.astype(np.int64), freqs), self.positions[p0 : self.pos_starts[t1]].astype(np.int64)
        if len(among) * AMONG_RATIO > len(docs):  # most of the gram's documents: mark them
            marked = np.zeros(int(docs[-1]) + 1 if len(docs) else 0, bool)
            marked[among[among < len(marked)]] = True
            chosen = np.repeat(marked[docs], freqs)
            every = np.repeat(docs.astype(np.int64), freqs)
            return every[chosen], self.positions[p0 : self.pos_starts[t1]][chosen].astype(np.int64)
        among = among.astype(docs.dtype)
        where = docs.searchsorted(among)
        inside = where < len(docs)
        where = where[inside][docs[where[inside]] == among[inside]]
        ends = np.cumsum(freqs, dtype=np.int64)
        counts = freqs[where].astype(np.int64)
        starts = p0 + ends[where] - counts
        # the positions of each chosen document: a run from its start, runs laid end to end
        return np.repeat(docs[where].astype(np.int64), counts), self.positions[runs(starts, counts)].astype(np.int64)


def runs(first: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices first[i] .. first[i] + lengths[i] - 1 of every run, runs laid end to end."""
    ends = np.cumsum(lengths)
    return np.repeat(first - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)


def encode(texts: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(grams, documents, positions, lengths) of a batch of texts, document i being texts[i], in
    document and position order: the same grams and positions as analyzer.gram_positions, at
    every searchable character the bigram starting there (the last of a run: itself)."""
    normalised = [indexed(t) if t else "" for t in texts]
    if not normalised:
        empty = np.empty(0, np.int64)
        return empty.astype(np.uint64), empty, empty.astype(np.uint32), empty.astype(np.uint32)
    chars = np.frombuffer("\0".join(normalised).encode("utf-32-le"), np.uint32)
    searchable = np.zeros(len(chars), bool)
    for low, high in _RANGES:
        searchable |= (chars >= low) & (chars <= high)
    where = np.flatnonzero(searchable)
    first = chars[where].astype(np.uint64)
    second = np.zeros(len(where), np.uint64)
    follows = where[1:] == where[:-1] + 1  # the next searchable character is the next character
    second[:-1][follows] = first[1:][follows]
    grams = first << np.uint64(SHIFT) | second
    text_starts = np.cumsum([0] + [len(t) + 1 for t in normalised[:-1]])
    docs = np.searchsorted(text_starts, where, "right") - 1
    lengths = np.bincount(docs, minlength=len(normalised)).astype(np.uint32)
    doc_first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    positions = (np.arange(len(where)) - doc_first[docs]).astype(np.uint32)
    return grams, docs, positions, lengths


def build(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], lengths: np.ndarray) -> Postings:
    """Postings from (grams, documents, positions) parts, each in document and position order:
    when the parts follow each other in document order too (as a writer makes them), a stable
    sort by gram keeps that order within each gram."""
    if parts:
        grams, docs, positions = (np.concatenate([p[i] for p in parts]) for i in range(3))
    else:
        grams, docs, positions = np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int64)
    in_order = all(a[1][-1] < b[1][0] for a, b in itertools.pairwise(parts) if len(a[1]) and len(b[1]))
    order = np.argsort(grams, kind="stable") if in_order else np.lexsort((positions, docs, grams))
    grams, docs, positions = grams[order], docs[order], positions[order]
    new_term = np.ones(len(grams), bool)
    new_term[1:] = grams[1:] != grams[:-1]
    new_doc = new_term.copy()
    new_doc[1:] |= docs[1:] != docs[:-1]
    term_at, doc_at = np.flatnonzero(new_term), np.flatnonzero(new_doc)
    return Postings(
        terms=grams[term_at],
        doc_starts=np.append(np.searchsorted(doc_at, term_at), len(doc_at)).astype(np.int64),
        pos_starts=np.append(term_at, len(grams)).astype(np.int64),
        docs=docs[doc_at].astype(np.uint32),
        freqs=np.diff(np.append(doc_at, len(grams))).astype(np.uint32),
        positions=positions.astype(np.uint32),
        lengths=lengths.astype(np.uint32),
    )


def layout(terms: int, pairs: int, postings: int, docs: int) -> list[tuple[str, str, int, int]]:
    """The arrays of a file after the header: (name, type, length, offset). The big ones come
    first, so that a merge, which knows their lengths before it starts, writes them straight
    into place range by range (search.gram_writer); the gram index, known only at the end, comes
    last. Every array starts at a multiple of 8 bytes."""
    out, offset = [], HEADER.itemsize
    for name, dtype, count in [
        ("docs", "<u4", pairs),
        ("freqs", "<u4", pairs),
        ("positions", "<u4", postings),
        ("lengths", "<u4", docs),
        ("terms", "<u8", terms),
        ("doc_starts", "<i8", terms + 1),
        ("pos_starts", "<i8", terms + 1),
    ]:
        out.append((name, dtype, count, offset))
        offset += -(-np.dtype(dtype).itemsize * count // 8) * 8
    return out


def filename(segment, fieldname: str) -> str:
    return segment.make_filename(EXT + fieldname)


def header(terms: int, pairs: int, postings: int, docs: int) -> bytes:
    return np.array([(MAGIC, terms, pairs, postings, docs)], HEADER).tobytes()


def write(storage, segment, fieldname: str, postings: Postings) -> None:
    p = postings
    counts = len(p.terms), len(p.docs), len(p.positions), len(p.lengths)
    f = storage.create_file(filename(segment, fieldname))
    try:
        f.write(header(*counts))
        for name, dtype, _, offset in layout(*counts):
            f.seek(offset)
            f.write(np.ascontiguousarray(getattr(p, name), dtype).tobytes())
    finally:
        f.close()


def current(storage, segment, fieldname: str) -> bool:
    """Whether a segment has its gram file for a field, in this version's format."""
    name = filename(segment, fieldname)
    if not storage.file_exists(name):
        return False
    f = storage.open_file(name)
    try:
        return f.read(len(MAGIC)) == MAGIC
    finally:
        f.close()


def read(storage, segment, fieldname: str) -> Postings | None:
    """A segment's postings of a field, memory-mapped from a file storage (the page cache is
    shared between processes and nothing is decoded), or None when the segment has no file for
    the field (written before the field existed)."""
    name = filename(segment, fieldname)
    if not storage.file_exists(name):
        return None
    mapped = None
    if isinstance(storage, FileStorage):
        with open(os.path.join(storage.folder, name), "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        buf = np.frombuffer(mapped, np.uint8)
    else:  # in memory (haystack's "ram" storage)
        f = storage.open_file(name)
        try:
            buf = np.frombuffer(f.read(), np.uint8)
        finally:
            f.close()
    found = np.frombuffer(buf[: HEADER.itemsize], HEADER)[0]
    if found["magic"] != MAGIC:
        raise ValueError(f"{name} is not a gram postings file")
    arrays = {}
    for array, dtype, count, offset in layout(*(int(found[k]) for k in ("terms", "pairs", "postings", "docs"))):
        arrays[array] = np.frombuffer(buf[offset : offset + np.dtype(dtype).itemsize * count], dtype)
    return Postings(**arrays, mapped=mapped)


# -- the Whoosh side ----------------------------------------------------------------------------
class GramsBeside(Positions):
    """The format of GRAMS fields: Whoosh never sees their postings (they are in the segment's
    gram files); named so that an index written before (grams in Whoosh's postings) is told apart
    and rebuilt by `manage.py ensure_index`."""


class GRAMS(TEXT):
    """Character grams with positions, which parse their own queries: a term becomes the phrase
    of its bigrams (a single character, a prefix), which is exact substring matching. The text
    goes to search.gram_writer, never to Whoosh's posting pool."""

    beside_segments = True

    def __init__(self, analyzer, field_boost=1.0):
        super().__init__(analyzer=analyzer, field_boost=field_boost, phrase=True)
        self.format = GramsBeside(field_boost=field_boost)

    def index(self, value, **kwargs):
        raise TypeError("GRAMS fields are written by search.gram_writer.GramWriter")

    def self_parsing(self):
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return gram_query(fieldname, qstring, boost)


def gram_fields(schema) -> list[str]:
    return [name for name, field in schema.items() if getattr(field, "beside_segments", False)]

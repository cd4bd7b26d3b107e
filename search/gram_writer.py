"""Writing a segment's gram files (search.grams) in bounded memory.

A segment's gram file is made from parts: the texts of the documents added to the writer, and
the gram files of the segments a merge carries over (their documents renumbered, deleted ones
left out). Merging used to hold every posting of every part as arrays and sort them at once:
2 GB for a merge of 20,000 articles, so `optimize_index` at 100k would need about 10 GB and an
archive of 1M could not be merged at all. Now the gram space is cut into ranges holding about
CHUNK positions each; a range is read from every part, renumbered and sorted, and its documents,
frequencies and positions are written straight into their place in the new file (their lengths
are known before the merge starts). A merge holds one range at a time (plus the gram numbers of
the new segment, 8 bytes per distinct gram), whatever the sizes of the segments.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from whoosh.index import FileIndex

from search import grams
from search.grams import Postings, build, encode, gram_fields, read
from search.whoosh_private import HookedSegmentWriter, deleted_docnums

CHUNK = 1 << 22  # positions handled at once: about 100 MB of arrays in flight
END = 1 << 63  # above every gram number (two 21-bit code points)
ARRAYS = ("docs", "freqs", "positions")


@dataclass
class Part:
    """Postings to carry into the new segment, and each of their documents' number there (-1:
    left out, a deleted document)."""

    postings: Postings
    renumber: np.ndarray

    @property
    def first(self) -> int:
        kept = self.renumber[self.renumber >= 0]
        return int(kept[0]) if len(kept) else END


def write_merged(storage, segment, fieldname: str, parts: list[Part], count: int) -> None:
    """The gram file of `segment` (`count` documents) for one field, from its parts: the big
    arrays written into place range by range (their lengths are known before: every kept
    document's positions, every kept document-gram pair), the gram index and the header last."""
    lengths = np.zeros(count, np.uint32)
    for part in parts:
        kept = part.renumber >= 0
        lengths[part.renumber[kept]] = np.asarray(part.postings.lengths)[kept]
    # documents ascend part by part, and within a part: a stable sort by gram keeps that order
    parts = sorted((p for p in parts if len(p.postings.terms)), key=lambda p: p.first)
    pairs, postings = sum(_kept_pairs(p) for p in parts), int(lengths.sum(dtype=np.int64))
    at = {name: offset for name, _, _, offset in grams.layout(0, pairs, postings, count)}
    written = dict.fromkeys(ARRAYS, 0)
    index = []  # (grams, pairs per gram, positions per gram) of each range
    name = grams.filename(segment, fieldname)
    out = storage.create_file(name)
    try:
        for lo, hi in itertools.pairwise(_bounds(parts)):
            chunk = _merge_range(parts, lo, hi)
            for part in parts:
                part.postings.release()  # what this range read of the old files: page cache only
            if chunk is None:
                continue
            index.append(chunk[:3])
            for array_name, array in zip(ARRAYS, chunk[3], strict=True):
                out.seek(at[array_name] + 4 * written[array_name])
                out.write(np.ascontiguousarray(array, "<u4").data)
                written[array_name] += len(array)
        if (written["docs"], written["positions"]) != (pairs, postings):
            raise AssertionError(f"merged {written} into a file laid out for {pairs} pairs, {postings} positions")
        terms = np.concatenate([c[0] for c in index]) if index else np.empty(0, np.uint64)
        tail = {
            "lengths": lengths,
            "terms": terms,
            "doc_starts": _starts([c[1] for c in index]),
            "pos_starts": _starts([c[2] for c in index]),
        }
        for array_name, dtype, _, offset in grams.layout(len(terms), pairs, postings, count):
            if array_name in tail:
                out.seek(offset)
                out.write(np.ascontiguousarray(tail[array_name], dtype).data)
        out.seek(0)
        out.write(grams.header(len(terms), pairs, postings, count))
    except BaseException:
        out.close()
        storage.delete_file(name)  # never a half-written gram file
        raise
    out.close()


def _kept_pairs(part: Part) -> int:
    """How many of a part's document-gram pairs are of documents kept (read CHUNK at a time)."""
    kept = part.renumber >= 0
    docs = part.postings.docs
    if kept.all():
        return len(docs)
    return sum(int(np.count_nonzero(kept[docs[s : s + CHUNK]])) for s in range(0, len(docs), CHUNK))


def _bounds(parts: list[Part]) -> list[int]:
    """Gram numbers cutting the parts' grams into ranges of about CHUNK positions (a single gram
    holding more is a range of its own)."""
    samples = [p.postings.terms[:: max(1, len(p.postings.terms) // 4096)] for p in parts]
    candidates = np.unique(np.concatenate(samples)) if samples else np.empty(0, np.uint64)
    before = np.zeros(len(candidates), np.int64)  # positions below each candidate, in all parts
    for part in parts:
        p = part.postings
        before += np.asarray(p.pos_starts)[p.terms.searchsorted(candidates)]
    bounds, last = [0], 0
    for candidate, total in zip(candidates.tolist(), before.tolist(), strict=True):
        if total - last >= CHUNK:
            bounds.append(candidate)
            last = total
    return [*bounds, END]


def _merge_range(parts: list[Part], lo: int, hi: int):
    """(grams, documents per gram, positions per gram, (documents, frequencies, positions)) of
    the grams in [lo, hi), in the new segment's numbering; None when there are none."""
    grams, docs, freqs, positions = [], [], [], []
    for part in parts:
        p = part.postings
        t0, t1 = p.terms_of(lo, hi)
        if t0 == t1:
            continue
        d0, d1, q0, q1 = int(p.doc_starts[t0]), int(p.doc_starts[t1]), int(p.pos_starts[t0]), int(p.pos_starts[t1])
        part_freqs = np.asarray(p.freqs[d0:d1])
        renumbered = part.renumber[np.asarray(p.docs[d0:d1])]
        part_grams = np.repeat(p.terms[t0:t1], np.diff(p.doc_starts[t0 : t1 + 1]))
        part_positions = np.asarray(p.positions[q0:q1])
        kept = renumbered >= 0
        if not kept.all():
            part_positions = part_positions[np.repeat(kept, part_freqs)]
            part_grams, renumbered, part_freqs = part_grams[kept], renumbered[kept], part_freqs[kept]
        grams.append(part_grams)
        docs.append(renumbered)
        freqs.append(part_freqs)
        positions.append(part_positions)
    if not grams or not sum(len(g) for g in grams):
        return None
    grams, docs, freqs, positions = (np.concatenate(a) for a in (grams, docs, freqs, positions))
    if len(parts) > 1:  # one part's grams are already in order
        order = np.argsort(grams, kind="stable")
        counts = freqs[order].astype(np.int64)
        starts = (np.cumsum(freqs, dtype=np.int64) - freqs)[order]
        # each pair's run of positions, runs laid end to end in the new order
        offsets = (
            np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
        )
        grams, docs, freqs, positions = grams[order], docs[order], freqs[order], positions[offsets]
    new_gram = np.ones(len(grams), bool)
    new_gram[1:] = grams[1:] != grams[:-1]
    at = np.flatnonzero(new_gram)
    pairs = np.diff(np.append(at, len(grams)))
    per_gram = np.add.reduceat(freqs.astype(np.int64), at)
    return grams[at], pairs, per_gram, (docs, freqs, positions)


def _starts(counts: list[np.ndarray]) -> np.ndarray:
    """Where each gram's run begins, from the runs' lengths (one more than there are grams)."""
    ends = np.cumsum(np.concatenate(counts)) if counts else np.empty(0, np.int64)
    return np.concatenate([np.zeros(1, np.int64), ends])


class GramWriter(HookedSegmentWriter):
    """Whoosh's segment writer, with the GRAMS fields' postings written by numpy."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._grams = gram_fields(self.schema)
        self._texts: dict[str, list[tuple[int, str]]] = {name: [] for name in self._grams}
        self._merged: list[tuple[object, np.ndarray]] = []  # (segment, renumbering) per merged segment

    def add_document(self, **fields):
        docnum = self.docnum
        texts = {name: fields.pop(name) for name in self._grams if name in fields}
        super().add_document(**fields)
        for name, text in texts.items():
            if text:
                self._texts[name].append((docnum, text))

    def add_reader(self, reader):
        """Merge a segment: Whoosh copies its documents, skipping deleted ones; their gram
        postings follow them to their new numbers when the segment is written."""
        base = self.docnum
        super().add_reader(reader)
        alive = np.ones(reader.doc_count_all(), bool)
        if reader.has_deletions():
            alive[deleted_docnums(reader)] = False
        self._merged.append((reader.segment(), np.where(alive, base + np.cumsum(alive) - 1, -1)))

    def segment_written(self, segment) -> None:
        for name in self._grams:
            parts = []
            for merged, renumber in self._merged:
                found = read(self.storage, merged, name)
                if found is None:
                    raise FileNotFoundError(f"segment {merged.segment_id()} has no gram file for {name}")
                parts.append(Part(found, renumber))
            if self._texts[name]:
                docnums = np.array([d for d, _ in self._texts[name]], np.int64)
                grams, docs, positions, lengths = encode([t for _, t in self._texts[name]])
                parts.append(Part(build([(grams, docs, positions)], lengths), docnums))
                self._texts[name] = []  # the arrays are built: the strings can go
            write_merged(self.storage, segment, name, parts, segment.doc_count_all())


class GramIndex(FileIndex):
    """An index whose writers are GramWriters."""

    def writer(self, procs=1, **kwargs):
        kwargs.pop("multisegment", None)
        kwargs.pop("batchsize", None)
        return GramWriter(self, **kwargs)

"""Every use of Whoosh-Reloaded's internals, in one place.

The engine reads posting blocks, field lengths and deletions straight into numpy, and the gram
writer hooks the end of a segment; Whoosh has no public API for either. Everything here is
pinned to the version in requirements.txt, and tests/test_whoosh_contract.py checks each piece
against Whoosh's public answers, so an upgrade that changes one fails a test loudly instead of
returning wrong results.
"""

from __future__ import annotations

import contextlib

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import MultiReader
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

VERSION = "2.7.5"  # the Whoosh-Reloaded these internals were read from
EMPTY = np.empty(0, np.int64)
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], np.float64)


def segment_readers(reader) -> list[tuple[object, int]]:
    """(segment reader, first docnum) of each segment of an index reader (none for an empty index)."""
    if isinstance(reader, MultiReader):
        return list(zip(reader.readers, reader.doc_offsets, strict=True))
    return [(reader, 0)] if reader.segment() is not None else []


def frequency_value(n: int) -> bytes:
    """How Whoosh's Frequency format stores a term's count in a document."""
    return pack_uint(n)


# -- posting blocks of the W3 codec ------------------------------------------------------------
def term_postings(reader, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(docnums, weights) of a term in a segment, deleted documents included, read a block at a
    time; None when its postings are not the W3 codec's (the caller asks Whoosh's matcher)."""
    m = reader.postings(fieldname, text)
    leaf = getattr(m, "child", m)  # a segment with deletions wraps the leaf in a filter
    if not hasattr(leaf, "_read_data") or leaf._byteids:
        return None
    ids, weights = [], []
    while leaf.is_active():
        leaf._read_data()
        docnums = np.cumsum(np.asarray(leaf._data[0], np.int64))  # stored as deltas
        ids.append(docnums)
        weights.append(_block_weights(leaf._data[1], len(docnums)))
        leaf._next_block()
    if not ids:
        return EMPTY, np.empty(0)
    return np.concatenate(ids), np.concatenate(weights)


def _block_weights(stored, n: int) -> np.ndarray:
    """A block's weights as the codec keeps them: all 1.0 (None), all alike (a float), or each."""
    if stored is None or isinstance(stored, float):
        return np.full(n, 1.0 if stored is None else stored)
    return np.asarray(stored, np.float64)


# -- per-document data -------------------------------------------------------------------------
def field_length_bytes(reader, fieldname: str) -> np.ndarray:
    """Every document's length of a field in a segment as Whoosh keeps it: one byte per document,
    which LENGTH_OF_BYTE decodes (a web worker keeps the bytes: an eighth of the lengths)."""
    n = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return np.zeros(n, np.uint8) if column is None else np.fromiter(column, np.uint8, count=n)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's length of a field in a segment."""
    return LENGTH_OF_BYTE[field_length_bytes(reader, fieldname)]


def deleted_docnums(reader) -> np.ndarray:
    """A segment's deleted docnums, from the codec's per-document reader when it keeps them."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return np.fromiter(perdoc.deleted_docs(), np.int64)
    return np.array([d for d in range(reader.doc_count_all()) if reader.is_deleted(d)], np.int64)


# -- the end of a segment ----------------------------------------------------------------------
class HookedSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, telling `segment_written(segment)` when it has finished writing
    a new segment's own files (before the table of contents names it), so that files of ours
    can be written beside it under the segment's name."""

    def segment_written(self, segment) -> None:
        raise NotImplementedError

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        self.segment_written(segment)
        return segment

    def _flush_segment(self):
        """Whoosh's, but asking its lengths reader whether a field has lengths once per field:
        it looks for the file again for every posting of a field without them (the facets),
        a tenth of a re-index spent in stat()."""
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        known = _FieldLengths(lengths) if lengths else None
        self.fieldwriter.add_postings(self.schema, known, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()


class _FieldLengths:
    """A per-document reader's doc_field_length, knowing which fields have no lengths."""

    def __init__(self, reader):
        self.reader, self.has = reader, {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        has = self.has.get(fieldname)
        if has is None:
            has = self.has[fieldname] = self.reader.has_column(_lenfield(fieldname))
        return self.reader.doc_field_length(docnum, fieldname, default) if has else default


def commit(writer, **options) -> None:
    """writer.commit(), and when it fails half-way (a full disk while the segment is written),
    the writer given up: its lock released at once (Whoosh leaves it held by the dead writer
    until the process exits) and its files left for Whoosh's next clean-up."""
    try:
        writer.commit(**options)
    except BaseException:
        if not writer.is_closed:
            with contextlib.suppress(Exception):  # half-closed already: the lock is what matters
                writer._close_segment()
            writer._tempstorage.destroy()
            writer.is_closed = True
        if writer.writelock is not None:
            with contextlib.suppress(Exception):  # released already if the commit got that far
                writer.writelock.release()
        raise


def from_python(backend, value):
    """A prepared field value as haystack's Whoosh backend stores it (dates as ISO strings,
    lists joined, …): its private `_from_python`, the one step of haystack's own `update()`
    the index writer repeats (search.writer.document); pinned by tests/test_whoosh_contract.py."""
    return backend._from_python(value)

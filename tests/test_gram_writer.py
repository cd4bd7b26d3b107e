"""A segment's gram file written range by range (bounded memory) holds exactly the postings of
one built at once from the same documents, whatever the ranges, the parts and the deletions."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage

from search import gram_writer, grams

TEXTS = st.text(alphabet="工会职劳模议员代表ab1 ，。", max_size=40)


class Segment:
    def __init__(self, name: str):
        self.name = name

    def make_filename(self, ext: str) -> str:
        return f"MAIN_{self.name}{ext}"


def in_memory(texts: list[str]) -> grams.Postings:
    g, d, p, lengths = grams.encode(texts)
    return grams.build([(g, d, p)], lengths)


def same(a: grams.Postings, b: grams.Postings) -> bool:
    return all(
        np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name)))
        for name in ("terms", "doc_starts", "pos_starts", "docs", "freqs", "positions", "lengths")
    )


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.lists(TEXTS, min_size=1, max_size=8), min_size=1, max_size=4),
    chunk=st.integers(1, 60),
    data=st.data(),
)
def test_a_merge_written_range_by_range_equals_the_postings_built_at_once(parts, chunk, data):
    kept_texts, merged, base = [], [], 0
    for texts in parts:
        alive = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
        renumber = np.full(len(texts), -1, np.int64)
        for i, (text, keep) in enumerate(zip(texts, alive, strict=True)):
            if keep:
                renumber[i] = base
                base += 1
                kept_texts.append(text)
        merged.append(gram_writer.Part(in_memory(texts), renumber))
    storage, segment = RamStorage(), Segment("merged")
    ranges = []
    real = gram_writer._merge_range

    def recorded(*args):
        found = real(*args)
        if found is not None:
            ranges.append((len(found[3][2]), int(found[2].max())))  # positions held, the largest gram's
        return found

    with mock.patch.object(gram_writer, "CHUNK", chunk), mock.patch.object(gram_writer, "_merge_range", recorded):
        gram_writer.write_merged(storage, segment, "grams", merged, base)
    written = grams.read(storage, segment, "grams")
    assert same(written, in_memory(kept_texts))
    # bounded: a range holds about CHUNK positions, or a single gram that alone holds more
    assert all(held <= chunk + largest for held, largest in ranges)
    assert list(storage.list()) == [grams.filename(segment, "grams")]  # and nothing else


@pytest.mark.parametrize("chunk", [1, gram_writer.CHUNK])  # many ranges, or one
def test_a_failure_half_way_leaves_no_file_behind(chunk):
    storage, segment = RamStorage(), Segment("broken")
    parts = [gram_writer.Part(in_memory(["工会职工劳模", "会议代表"]), np.array([0, 1]))]
    real = gram_writer._merge_range

    def fails_at_the_last_range(*args):
        if args[2] == gram_writer.END:
            raise OSError(28, "No space left on device")
        return real(*args)

    with (
        mock.patch.object(gram_writer, "CHUNK", chunk),
        mock.patch.object(gram_writer, "_merge_range", fails_at_the_last_range),
        pytest.raises(OSError),
    ):
        gram_writer.write_merged(storage, segment, "grams", parts, 2)
    assert list(storage.list()) == []

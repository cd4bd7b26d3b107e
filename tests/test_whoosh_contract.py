"""What search.whoosh_private relies on in Whoosh-Reloaded's internals, checked against Whoosh's
own public answers: an upgrade that changes any of it fails here, loudly, instead of making
searches return wrong results."""

from __future__ import annotations

import pytest
import whoosh
from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from search import whoosh_private

WORDS = ["工会", "职工", "劳模", "工会", "会议", "职工", "工会"]


@pytest.fixture(scope="module")
def index():
    """Two segments, one of them with deletions, of a field with frequencies and lengths."""
    schema = fields.Schema(id=fields.ID(stored=True, unique=True), words=fields.TEXT(phrase=False))
    ix = RamStorage().create_index(schema)
    for batch in (range(0, 150), range(150, 300)):
        with ix.writer() as w:
            for n in batch:
                w.add_document(id=str(n), words=" ".join(WORDS[: 1 + n % len(WORDS)] * (1 + n % 3)))
    with ix.writer() as w:
        for n in (3, 160, 161, 299):
            w.delete_by_term("id", str(n))
    return ix


def test_it_is_the_pinned_version():
    assert whoosh.versionstring() == whoosh_private.VERSION


def test_segment_readers_and_their_offsets_cover_every_document(index):
    with index.reader() as reader:
        segments = whoosh_private.segment_readers(reader)
        assert len(segments) == 2
        assert [offset for _, offset in segments] == [0, segments[0][0].doc_count_all()]
        assert sum(r.doc_count_all() for r, _ in segments) == reader.doc_count_all()


def test_term_postings_read_from_the_blocks_equal_the_matchers_answer(index):
    with index.reader() as reader:
        for segment, _ in whoosh_private.segment_readers(reader):
            for word in ("工会", "劳模", "会议"):
                found = whoosh_private.term_postings(segment, "words", word.encode())
                assert found is not None, "the W3 block fields are gone: read_data, _data, _byteids, _next_block"
                docnums, weights = found
                m = segment.postings("words", word.encode())
                expected = []
                while m.is_active():
                    expected.append((m.id(), m.weight()))
                    m.next()
                alive = [
                    (d, w) for d, w in zip(docnums.tolist(), weights.tolist(), strict=True) if not segment.is_deleted(d)
                ]
                assert alive == [(d, w) for d, w in expected if not segment.is_deleted(d)]


def test_field_lengths_and_deletions_equal_the_readers_answers(index):
    with index.reader() as reader:
        for segment, _ in whoosh_private.segment_readers(reader):
            n = segment.doc_count_all()
            lengths = whoosh_private.field_lengths(segment, "words")
            assert lengths.tolist() == [segment.doc_field_length(d, "words") for d in range(n)]
            deleted = whoosh_private.deleted_docnums(segment)
            assert sorted(deleted.tolist()) == [d for d in range(n) if segment.is_deleted(d)]
        assert sum(len(whoosh_private.deleted_docnums(s)) for s, _ in whoosh_private.segment_readers(reader)) == 4


def test_the_frequency_value_is_what_the_frequency_format_writes():
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.formats import Frequency

    values = {w: v for w, _, _, v in Frequency().word_values("工会 工会 工会 职工", SpaceSeparatedTokenizer())}
    assert values == {"工会": whoosh_private.frequency_value(3), "职工": whoosh_private.frequency_value(1)}


def test_the_segment_hook_runs_once_a_segment_is_written_and_before_it_is_committed():
    schema = fields.Schema(id=fields.ID(stored=True))
    ix = RamStorage().create_index(schema)
    seen = []

    class Writer(whoosh_private.HookedSegmentWriter):
        def segment_written(self, segment):
            seen.append((segment.doc_count_all(), ix.latest_generation()))

    assert issubclass(Writer, SegmentWriter) and hasattr(SegmentWriter, "_finalize_segment")
    w = Writer(ix)
    for n in range(5):
        w.add_document(id=str(n))
    w.commit()
    assert seen == [(5, 0)]  # the new segment's documents, while the table of contents was still the old one
    assert ix.doc_count() == 5


def test_a_merge_numbers_the_carried_documents_after_the_added_ones_leaving_deleted_ones_out():
    """What the gram writer follows documents by: the writer's docnum counts the added documents
    first; a merge policy, run at commit, adds the old segments' live documents after them."""
    from whoosh.reading import SegmentReader

    schema = fields.Schema(id=fields.ID(stored=True, unique=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for n in range(4):
            w.add_document(id=f"old{n}")
    with ix.writer() as w:
        w.delete_by_term("id", "old1")
    numbers = []

    def merge_all(writer, segments):
        for segment in segments:
            numbers.append(writer.docnum)
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        numbers.append(writer.docnum)
        return []

    w = ix.writer()
    w.add_document(id="new")
    w.commit(mergetype=merge_all)
    assert numbers == [1, 4]  # after the one added; three live documents carried over
    with ix.searcher() as s:
        assert [s.stored_fields(d)["id"] for d in range(s.doc_count_all())] == ["new", "old0", "old2", "old3"]


def test_a_commit_that_fails_half_way_leaves_the_lock_free():
    schema = fields.Schema(id=fields.ID(stored=True))
    ix = RamStorage().create_index(schema)

    class Failing(whoosh_private.HookedSegmentWriter):
        def segment_written(self, segment):
            raise OSError(28, "No space left on device")

    w = Failing(ix)
    w.add_document(id="1")
    with pytest.raises(OSError):
        whoosh_private.commit(w)
    assert w.is_closed
    with ix.writer(timeout=2) as again:  # not a LockError: the failed writer let go
        again.add_document(id="2")
    assert ix.doc_count() == 1


def test_haystack_stores_values_as_the_index_writer_prepares_them():
    """search.writer.document repeats the step of haystack's update() that turns prepared values
    into what Whoosh stores: dates as datetimes, lists as comma-separated text, None as the word
    "None" (so the index's prepare_* never return None), the rest as is."""
    import datetime as dt

    from haystack import connections

    backend = connections["default"].get_backend()
    assert whoosh_private.from_python(backend, dt.date(2022, 5, 19)) == dt.datetime(2022, 5, 19)
    assert whoosh_private.from_python(backend, ["浙江省总工会", "德清县总工会"]) == "浙江省总工会,德清县总工会"
    assert whoosh_private.from_python(backend, "工会") == "工会"
    assert whoosh_private.from_python(backend, 7) == 7
    assert whoosh_private.from_python(backend, None) == "None"


def test_field_lengths_asked_per_posting_are_the_readers_with_one_look_per_field(index):
    plain, reader = (index.reader().leaf_readers()[0][0]._perdoc for _ in range(2))
    segment = index._segments()[0]
    looks = []
    has_column = reader.has_column
    reader.has_column = lambda name: looks.append(name) or has_column(name)
    known = whoosh_private._FieldLengths(reader)
    for docnum in range(segment.doc_count_all()):
        for field in ("id", "words"):  # without lengths, with them
            assert known.doc_field_length(docnum, field) == plain.doc_field_length(docnum, field)
    assert looks.count("_id_len") == 1  # a field without lengths: looked for once, not once per posting
    assert any(known.doc_field_length(d, "words") for d in range(segment.doc_count_all()))

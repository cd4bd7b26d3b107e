"""The Whoosh backend with Chinese analysis swapped in, written in large parallel batches, and
searched through one long-lived searcher whose facets come from cached columns.

- Schema: our field types (search.fields) replace haystack's text fields; facet fields are
  indexed once (no `_exact` twins) and nothing but the ids is stored, since results are loaded
  from the database anyway.
- Writing: a batch of PARALLEL_MIN articles or more (BatchIndexer, rebuild_index) goes through
  Whoosh's multiprocess writer (tokenising and posting on both cores, one new segment per
  process) when no database transaction is open; everything else (an edit, one page) takes
  the ordinary writer. Commits merge only tiny segments (merge_tiny).
- Searching: see search.engine.
"""

from __future__ import annotations

import logging
from array import array

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID as ID_FIELD
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.system import pack_uint
from whoosh.writing import AsyncWriter

from search import engine
from search.analyzer import gram_positions, gram_query, words

log = logging.getLogger(__name__)

PARALLEL_MIN = 200  # below this, starting the writer processes costs more than it saves
PROCS = 2


class IndexWriteError(Exception):
    pass


assert array("I").itemsize == 4, "GramPositions stores positions as 32-bit integers"


class GramPositions(Positions):
    """Whoosh's Positions format, with the positions as raw 32-bit integers instead of a pickled
    list of deltas: search.engine reads a whole posting block of them into numpy at once to
    match phrases; Whoosh's own phrase matcher decodes them one posting at a time."""

    def encode(self, poslist):
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return array("I", valuestring).tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def combine(self, vs):
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


class GRAMS(TEXT):
    """Character grams with positions, which parse their own queries: a term becomes the phrase
    of its bigrams (a single character, a prefix), which is exact substring matching."""

    def __init__(self, analyzer, field_boost=1.0):
        super().__init__(analyzer=analyzer, field_boost=field_boost, phrase=True)
        self.format = GramPositions(field_boost=field_boost)

    def index(self, value, **kwargs):
        encode, boost = self.format.encode, self.format.field_boost
        for gram, positions in gram_positions(value).items():
            yield gram.encode(), len(positions), len(positions) * boost, encode(positions)

    def self_parsing(self):
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return gram_query(fieldname, qstring, boost)


class WORDS(TEXT):
    """jieba words, counted in one pass."""

    def index(self, value, **kwargs):
        counts: dict[str, int] = {}
        for w in words(value):
            counts[w] = counts.get(w, 0) + 1
        boost = self.format.field_boost
        for w, n in counts.items():
            yield w.encode(), n, n * boost, pack_uint(n)  # what Whoosh's Frequency format stores


def _field_type(field):
    if field.field_type == "zh_words":
        from search.analyzer import ChineseWordAnalyzer

        return WORDS(analyzer=ChineseWordAnalyzer(), field_boost=field.boost, phrase=False)
    if field.field_type == "zh_grams":
        from search.analyzer import CharGramAnalyzer

        return GRAMS(analyzer=CharGramAnalyzer(), field_boost=field.boost)
    if field.is_multivalued:
        # Counted as facets and matched whole; never scored, so no field lengths to keep.
        return KEYWORD(commas=True, scorable=False)
    if field.field_type == "string":
        # Facet values and codes (kind, month) are matched and counted whole; haystack's
        # default would stem and split them (2022-05 → 2022, 05).
        return ID(sortable=True)
    if field.field_type in ("date", "datetime"):
        return DATETIME(sortable=True)
    return None


TINY = 500  # documents: what an edit or a small upload leaves as a segment
TINY_SEGMENTS = 8


def merge_tiny(writer, segments):
    """The merge policy of every commit: fold tiny segments together once there are several,
    never rewrite the large ones. Whoosh's default (MERGE_SMALL) merges ever larger runs of
    segments in one Python thread; at 100k articles an import stalled for many minutes inside
    such merges, and an admin's one-word correction could trigger one. Search reads many
    segments cheaply (search.engine works per segment); `manage.py optimize_index` merges all
    of them when wanted."""
    from whoosh.reading import SegmentReader

    tiny = [seg for seg in segments if seg.doc_count_all() < TINY]
    if len(tiny) < TINY_SEGMENTS:
        return segments
    for seg in tiny:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg.doc_count_all() >= TINY]


def _fingerprint(schema) -> list[tuple[str, str, str]]:
    return sorted(
        (name, type(field).__name__, type(getattr(field, "format", None)).__name__) for name, field in schema.items()
    )


class ChineseWhooshBackend(WhooshSearchBackend):
    def setup(self):
        """Open the index files as plain files, not memory maps: Whoosh wraps each mapped file in
        a BytesIO, which copies it, so every process held the whole index twice (at 10k articles
        a 250 MB index made a 700 MB web process). Plain reads go through the page cache, which
        the web processes share."""
        super().setup()
        if self.use_file_storage:
            self.storage = FileStorage(self.path, supports_mmap=False)
            self.index = self.storage.open_index(schema=self.schema)

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field in fields.values():
            made = _field_type(field)
            if made is not None:
                schema.remove(field.index_fieldname)
                schema.add(field.index_fieldname, made)
        return content_field_name, schema

    def written_with_current_schema(self) -> bool:
        """Whether the index on disk has the fields and formats this code writes (the schema is
        stored in the index; a changed field type, e.g. how grams store positions, needs a
        rebuild). An index not created yet counts as current."""
        if not self.setup_complete:
            self.setup()
        try:
            stored = whoosh_index.open_dir(self.path).schema
        except (whoosh_index.EmptyIndexError, OSError, AttributeError):  # AttributeError: a class gone
            return not whoosh_index.exists_in(self.path)
        return _fingerprint(stored) == _fingerprint(self.schema)

    def parallel_writer(self):
        """Whoosh's multiprocess writer. Its processes are forked at once, so call this where
        the process has no database connection open: a forked child that drops an inherited
        connection can roll back the parent's SQLite transaction ("disk I/O error", seen at
        100k articles) or end its PostgreSQL session. BatchIndexer does that between pages.
        Waits for the lock in this thread: a batch import must know its entries are written
        before it reports them done."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        return self.index.writer(procs=PROCS, multisegment=True, limitmb=128, batchsize=100, timeout=600)

    def update(self, index, iterable, commit=True, writer=None):
        objs = list(iterable)
        if not objs:
            return
        if not self.setup_complete:
            self.setup()
        if writer is None and len(objs) >= PARALLEL_MIN:  # rebuild_index, update_index
            from search.indexing import parallel_writer

            writer = parallel_writer()
        self.index = self.index.refresh()
        parallel = writer is not None
        if writer is None:
            writer = AsyncWriter(self.index)  # as haystack does: waits in a thread if locked
        expected = set()
        try:
            for obj in objs:
                try:
                    doc = index.full_prepare(obj)
                except SkipDocument:
                    continue
                if parallel and not all(task.is_alive() for task in writer.tasks):
                    raise IndexWriteError("an index writer process died")  # its queue would block
                doc = {key: self._from_python(value) for key, value in doc.items() if key != "boost"}
                writer.update_document(**doc)
                expected.add(doc[ID_FIELD])
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_tiny)
        engine.forget()
        if parallel:
            self._check_written(expected)

    def _check_written(self, expected: set[str]) -> None:
        """Whoosh's multiprocess commit drops the segment of a worker process that failed
        without saying so; make sure every document is there."""
        self.index = self.index.refresh()
        with self.index.reader() as reader:
            missing = [i for i in expected if (ID_FIELD, i) not in reader]
        if missing:
            raise IndexWriteError(f"{len(missing)} of {len(expected)} documents were not written to the index")

    def remove(self, obj_or_string, commit=True):
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = AsyncWriter(self.index)
        writer.delete_by_term(ID_FIELD, get_identifier(obj_or_string))
        writer.commit(mergetype=merge_tiny)
        engine.forget()

    def clear(self, models=None, commit=True):
        super().clear(models=models, commit=commit)
        engine.forget()

    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, facets=None, **kwargs):
        if not self.setup_complete:
            self.setup()
        return engine.search(
            self,
            query_string,
            sort_by=sort_by,
            start_offset=start_offset,
            end_offset=end_offset,
            facets=facets,
            result_class=kwargs.get("result_class"),
        )


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshBackend

"""The Whoosh backend with Chinese analysis swapped in, and searched through one long-lived
searcher whose facets come from cached columns.

- Schema: our field types (search.fields) replace haystack's text fields; facet fields are
  indexed once (no `_exact` twins) and nothing but the ids is stored, since results are loaded
  from the database anyway.
- Writing: only the index writer writes (search.writer, from the outbox); haystack's own update
  and remove refuse. The character grams, nearly all of the postings, are written by numpy into
  files beside Whoosh's segments (search.gram_writer); Whoosh writes the rest. Commits merge
  segments in tiers of ten (merge_tiers), so their number grows with the log of the archive.
- Searching: see search.engine.
"""

from __future__ import annotations

import logging
import math

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, TEXT
from whoosh.filedb.filestore import FileStorage

from search import engine, grams
from search.analyzer import words
from search.gram_writer import GramIndex
from search.grams import GRAMS
from search.whoosh_private import frequency_value, segment_readers

log = logging.getLogger(__name__)


class WORDS(TEXT):
    """jieba words, counted in one pass."""

    def index(self, value, **kwargs):
        counts: dict[str, int] = {}
        for w in words(value):
            counts[w] = counts.get(w, 0) + 1
        boost = self.format.field_boost
        for w, n in counts.items():
            yield w.encode(), n, n * boost, frequency_value(n)


def _field_type(field):
    if field.field_type == "zh_words":
        from search.analyzer import ChineseWordAnalyzer

        return WORDS(analyzer=ChineseWordAnalyzer(), field_boost=field.boost, phrase=False)
    if field.field_type == "zh_grams":
        from search.analyzer import CharGramAnalyzer

        return GRAMS(analyzer=CharGramAnalyzer(), field_boost=field.boost)
    if field.field_type == "column_int":
        return COLUMN(columns.NumericColumn("q"))  # signed 64 bits
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


MERGE_FACTOR = 10


def merge_tiers(writer, segments):
    """The merge policy of every commit (Lucene's log merge policy): segments are grouped by the
    power of ten of their live documents, and a group of MERGE_FACTOR is merged into one segment
    of the next group. So each article is rewritten about once per tenfold growth of the archive,
    an admin's one-word correction merges at most a few small segments, and 100k articles sit in
    a few dozen segments at most. Whoosh's default merges ever larger runs of segments on
    ordinary commits. Segments whose documents are all deleted are dropped."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list] = {}
    for seg in segments:
        if seg.doc_count():
            tiers.setdefault(int(math.log10(seg.doc_count())), []).append(seg)
    merged = set()
    for group in tiers.values():
        if len(group) >= MERGE_FACTOR:
            for seg in group:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)
                reader.close()
                merged.add(seg.segment_id())
    return [seg for seg in segments if seg.doc_count() and seg.segment_id() not in merged]


def _fingerprint(schema) -> list[tuple[str, str, str]]:
    return sorted(
        (name, type(field).__name__, type(getattr(field, "format", None)).__name__) for name, field in schema.items()
    )


class ChineseWhooshBackend(WhooshSearchBackend):
    def setup(self):
        """Open the index as a GramIndex (its writers write the gram files), and its files as
        plain files, not memory maps: Whoosh wraps each mapped file in a BytesIO, which copies
        it, so every process held the whole index twice (at 10k articles a 250 MB index made a
        700 MB web process). Plain reads go through the page cache, which the web processes
        share; the gram files are mapped by search.grams itself, without a copy."""
        super().setup()
        if self.use_file_storage:
            self.storage = FileStorage(self.path, supports_mmap=False)
        self.index = GramIndex(self.storage, schema=self.schema)

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
        rebuild), and every segment has gram files in the current format. An index not created
        yet counts as current."""
        if not self.setup_complete:
            self.setup()
        try:
            ix = whoosh_index.open_dir(self.path)
            stored = ix.schema
        except (whoosh_index.EmptyIndexError, OSError, AttributeError):  # AttributeError: a class gone
            return not whoosh_index.exists_in(self.path)
        if _fingerprint(stored) != _fingerprint(self.schema):
            return False
        with ix.reader() as reader:
            segments = [leaf.segment() for leaf, _ in segment_readers(reader)]
        return all(grams.current(ix.storage, seg, name) for seg in segments for name in grams.gram_fields(stored))

    def update(self, index, iterable, commit=True):
        raise NotImplementedError(
            "the index is written by the index writer only: queue the articles (newspaper.outbox)"
        )

    def remove(self, obj_or_string, commit=True):
        raise NotImplementedError(
            "the index is written by the index writer only: queue the articles (newspaper.outbox)"
        )

    def clear(self, models=None, commit=True):
        raise NotImplementedError("use manage.py rebuild_index, which holds the index writer's lock")

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

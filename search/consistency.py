"""The proof that the index follows the database, article by article (`manage.py check_index`).

Every entry carries its article's id, the article's updated_at when it was written (`stamp`) and
a hash of everything else it holds (`content`, search.search_indexes). Compared with the
database:

- missing: an article with no entry;
- stale: an entry written from an older version (its stamp differs; with `full`, also its
  content, recomputed from the database: slower, but it catches a change that bypassed the
  outbox and updated_at alike);
- extra: an entry of an article that no longer exists, or a second entry of one that does.

Articles with index work still queued are neither: the writer has yet to come by. Work that
already failed is no excuse: its article is counted as it is (a full disk, a row that keeps
failing, must not pass the check).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newspaper import outbox
from newspaper.models import Article, IndexWork
from search import columns
from search.search_indexes import stamp
from search.whoosh_private import deleted_docnums, segment_readers

SHOWN = 20  # ids named in the summary line
CHUNK = 2000  # articles prepared at a time for a full comparison


@dataclass
class Difference:
    articles: int = 0  # in the database
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    waiting: int = 0  # articles with work still in the outbox

    @property
    def matches(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def line(self) -> str:
        queued = f" ({self.waiting} still queued for the index writer)" if self.waiting else ""
        if self.matches:
            return f"index matches database: {self.articles} articles{queued}"
        named = sorted({*self.missing, *self.stale, *self.extra})[:SHOWN]
        return (
            f"index differs: {len(self.missing)} missing, {len(self.stale)} stale, {len(self.extra)} extra"
            f"{queued}; ids: {', '.join(map(str, named))}"
        )


def entries(backend) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(article id, stamp, content) of every live entry of the index, in index order."""
    if not backend.setup_complete:
        backend.setup()
    reader = backend.index.refresh().reader()
    try:
        parts = []
        for seg_reader, _ in segment_readers(reader):
            if not seg_reader.doc_count_all():
                continue
            values = [columns.column(seg_reader, name) for name in ("article_pk", "stamp", "content")]
            keep = np.ones(seg_reader.doc_count_all(), bool)
            if seg_reader.has_deletions():
                keep[deleted_docnums(seg_reader)] = False
            parts.append([v[keep] for v in values])
    finally:
        reader.close()
    if not parts:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def compare(backend, *, full: bool = False) -> Difference:
    waiting = set(IndexWork.objects.filter(attempts=0).values_list("article_id", flat=True))
    rows = Article.objects.order_by("pk").values_list("pk", "updated_at").iterator(chunk_size=10000)
    db_pks, db_stamps = [], []
    for pk, updated_at in rows:
        db_pks.append(pk)
        db_stamps.append(stamp(updated_at))
    db_pk, db_stamp = np.array(db_pks, np.int64), np.array(db_stamps, np.int64)
    pk, entry_stamp, content = entries(backend)
    out = Difference(articles=len(db_pk), waiting=len(waiting))

    unique, first, counts = np.unique(pk, return_index=True, return_counts=True)
    in_db = np.isin(unique, db_pk)
    extra = [*unique[~in_db].tolist(), *unique[in_db & (counts > 1)].tolist()]
    missing = db_pk[~np.isin(db_pk, unique)].tolist()
    # entries of articles in both, aligned with the database's rows (one entry each: the first)
    both = db_pk[np.isin(db_pk, unique)]
    at = first[np.searchsorted(unique, both)]
    stale = both[entry_stamp[at] != db_stamp[np.searchsorted(db_pk, both)]].tolist()
    if full:
        stale = sorted({*stale, *_content_differs(both, content[at])})
    out.missing, out.stale, out.extra = (sorted(set(ids) - waiting) for ids in (missing, stale, extra))
    return out


def _content_differs(pks: np.ndarray, indexed: np.ndarray) -> list[int]:
    """The articles whose entry's content hash is not what they would be written with now."""
    from haystack import connections

    index = connections["default"].get_unified_index().get_index(Article)
    expected = dict(zip(pks.tolist(), indexed.tolist(), strict=True))
    differs = []
    ids = pks.tolist()
    for start in range(0, len(ids), CHUNK):
        for article in Article.objects.for_index().filter(pk__in=ids[start : start + CHUNK]):
            if index.full_prepare(article)["content"] != expected[article.pk]:
                differs.append(article.pk)
    return differs


def repair(found: Difference) -> int:
    """Queue every article that differs (the writer replaces or removes its entries)."""
    ids = sorted({*found.missing, *found.stale, *found.extra})
    pages = {}
    for start in range(0, len(ids), CHUNK):
        pages.update(Article.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", "page_id"))
    return outbox.queue([(pk, pages.get(pk)) for pk in ids], bulk=True)

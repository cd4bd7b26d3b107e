"""A whole new index, written beside the old one while the old one goes on answering searches,
then swapped in (`manage.py rebuild_index`).

It holds the writer lock from start to end (search.writer), so the index writer waits and the
outbox keeps what changes meanwhile; the writer writes it into the new index afterwards (the
uncertain mark makes it replace entries, since the rebuild may already have written them). The
articles are written BATCH at a time, one commit each, with the writer's merge policy, so its
memory does not grow with the archive. A rebuild that is killed leaves the old index in place
(and a half-written one beside it, removed by the next rebuild).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from haystack import connections
from whoosh.filedb.filestore import FileStorage

from newspaper.models import Article
from search import engine
from search.backends import merge_tiers
from search.gram_writer import GramIndex
from search.whoosh_private import commit
from search.writer import BATCH, WriterLock, document, uncertain_mark


def rebuild(*, batch: int = BATCH, progress=None) -> int:
    """Write every article into a new index and swap it in; the number of articles written.
    `progress(done, total)` is told after each batch."""
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    index = connections["default"].get_unified_index().get_index(Article)
    target = Path(backend.path)
    fresh, old = target.with_name(target.name + ".rebuild"), target.with_name(target.name + ".old")
    with WriterLock(backend.path):
        uncertain_mark(backend.path).touch()
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        ix = FileStorage(str(fresh), supports_mmap=False).create_index(backend.schema, indexclass=GramIndex)
        pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            writer = ix.writer(timeout=30)
            try:
                for article in Article.objects.for_index().filter(pk__in=pks[start : start + batch]):
                    writer.add_document(**document(index, backend, article))
            except BaseException:
                writer.cancel()
                raise
            commit(writer, mergetype=merge_tiers)
            if progress:
                progress(min(start + batch, len(pks)), len(pks))
        # The swap: two renames (a search opening a searcher in between tries again).
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        engine.forget()
    return len(pks)

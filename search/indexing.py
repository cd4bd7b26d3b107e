"""Writing articles to the search index. Ingestion calls these inside its transaction, so a page
whose indexing fails is rolled back with it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable

from haystack import connections

from newspaper.models import Article

_state = threading.local()


def _index_and_backend():
    index = connections["default"].get_unified_index().get_index(Article)
    return index, connections["default"].get_backend()


def index_articles(articles: Iterable[Article], writer=None) -> None:
    """Write articles to the index; `writer` is a backend.parallel_writer() for large batches."""
    articles = list(articles)
    if articles:
        index, backend = _index_and_backend()
        backend.update(index, articles, writer=writer)


def parallel_writer():
    """A multiprocess index writer, or None when there is no reason or no safe moment to fork
    one: inside a database transaction, a forked process could disturb it."""
    from django.db import connections as databases

    if any(conn.in_atomic_block for conn in databases.all(initialized_only=True)):
        return None
    databases.close_all()  # nothing for the forked processes to inherit; reopened on next use
    return _index_and_backend()[1].parallel_writer()


def unindex_articles(ids: Iterable[int]) -> None:
    _, backend = _index_and_backend()
    for pk in ids:
        backend.remove(f"newspaper.article.{pk}")


@contextlib.contextmanager
def signals_paused():
    """Inside, article saves do not index themselves: the caller indexes them in one batch."""
    previous = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = previous


def signals_are_paused() -> bool:
    return getattr(_state, "paused", False)

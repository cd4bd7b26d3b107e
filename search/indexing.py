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


def index_articles(articles: Iterable[Article], new: Iterable[int] = ()) -> None:
    """Write articles to the index; those whose ids are in `new` were never indexed, so they are
    added without looking for an entry to replace."""
    articles = list(articles)
    if articles:
        index, backend = _index_and_backend()
        backend.update(index, articles, new={f"newspaper.article.{pk}" for pk in new})


def unindex_articles(ids: Iterable[int]) -> None:
    _, backend = _index_and_backend()
    backend.remove_many([f"newspaper.article.{pk}" for pk in ids])


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

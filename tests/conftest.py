"""Shared fixtures: the sample pages, a fresh search index per test, a tiny archive."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from haystack import connections

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "in").glob("*.txt"))


def seed(name: str) -> bytes:
    """A sample page by its number prefix, e.g. seed("002")."""
    return next(p for p in SEEDS if p.name.startswith(name)).read_bytes()


@pytest.fixture(autouse=True)
def search_index():
    """Each test starts with an empty index. haystack keeps the settings it started with and one
    backend per thread, so the index directory is removed and this thread's backend reloaded;
    the live server answers each request in a new thread, with a new backend."""
    shutil.rmtree(connections["default"].get_backend().path, ignore_errors=True)
    connections.reload("default")
    yield


@pytest.fixture
def archive(db):
    """The five sample pages, imported through the real ingestion path."""
    from newspaper.ingest import Source, ingest_source
    from newspaper.models import Article
    from search.indexing import index_articles

    outcomes = [ingest_source(Source(p.name, p.read_bytes()), index=False) for p in SEEDS]
    assert not [o for o in outcomes if o.failed], [o.line() for o in outcomes]
    index_articles(
        Article.objects.select_related("page__issue").prefetch_related("credits__person", "unions", "topics")
    )
    return outcomes


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess running the embedded default (SQLite and the SQLite job
    queue in data_dir), as make run does."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "newspaper.settings",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "HUEY_IMMEDIATE": "0",
        "SECRET_KEY": "x" * 50,
        **extra,
    }

"""Shared fixtures: the sample pages, a fresh search index per test, a tiny archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from haystack import connections

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "in").glob("*.txt"))


def seed(name: str) -> bytes:
    """A sample page by its number prefix, e.g. seed("002")."""
    return next(p for p in SEEDS if p.name.startswith(name)).read_bytes()


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Each test gets an empty index of its own, so tests never see each other's documents."""
    settings.HAYSTACK_CONNECTIONS = {
        "default": {"ENGINE": "search.backends.ChineseWhooshEngine", "PATH": str(tmp_path / "index")}
    }
    connections.reload("default")
    yield
    connections.reload("default")


@pytest.fixture
def archive(db):
    """The five sample pages, imported through the real ingestion path."""
    from newspaper.ingest import Source, ingest_source

    outcomes = [ingest_source(Source(p.name, p.read_bytes())) for p in SEEDS]
    assert not [o for o in outcomes if o.failed], [o.line() for o in outcomes]
    return outcomes

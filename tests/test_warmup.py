"""A web worker warms up before taking requests (search.warmup, gunicorn.conf.py): the columns a
search page reads are loaded, and nothing of the warm-up search is remembered as a result."""

from __future__ import annotations

import pytest

from search import columns, engine
from search.warmup import warm_up

pytestmark = pytest.mark.django_db


def test_warming_up_reads_the_columns_a_search_page_needs_and_remembers_no_result(archive):
    columns._per_segment.clear()
    engine.forget()
    warm_up()
    read = {what for _, what in columns._per_segment}
    assert any("date" in str(w) for w in read), read
    assert len(read) >= 3, read  # the date column and the facets'
    assert not engine._remembered.entries


def test_gunicorn_runs_it_in_each_worker_before_requests():
    import runpy

    settings = runpy.run_path("gunicorn.conf.py")
    assert settings["post_worker_init"].__code__.co_names.count("warm_up")

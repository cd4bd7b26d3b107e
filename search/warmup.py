"""What a web worker does before it takes requests (gunicorn.conf.py's post_worker_init).

Loading jieba's dictionary and opening the index is not enough: a worker's first search also
reads every segment's date and facet columns and maps the gram files, 3.3 s at 100k articles
(bench/RESULTS.md, issue 18), which the first reader after a deploy or a restart would wait for.
So the worker runs two searches of the kinds the search page runs, with every facet and the
month histogram, and forgets their results.
"""

from __future__ import annotations

import jieba
from django.http import QueryDict
from haystack import connections

from search import engine
from search.forms import ArchiveSearchForm

WARM_QUERY = "工会"  # in most articles: its grams are among the most read


def warm_up() -> None:
    jieba.initialize()
    connections["default"].get_backend().setup()
    # A term ranked by relevance with every facet and the months; everything, newest first (the
    # date column: the order of a filter-only search and of 日期 sorts).
    for params in (f"q={WARM_QUERY}", ""):
        form = ArchiveSearchForm(QueryDict(params))
        if form.is_valid():
            found = form.results()
            list(found.sqs[:20])
    engine.forget()

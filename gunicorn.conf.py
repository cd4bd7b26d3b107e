"""gunicorn settings (read from the working directory). Workers load jieba's dictionary and open
the search index before taking requests, so the first search is not the slow one."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"


def post_worker_init(worker):
    from search.analyzer import warm_up

    warm_up()

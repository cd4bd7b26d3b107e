"""gunicorn settings (read from the working directory). Workers load jieba's dictionary, open
the search index and run two searches before taking requests (search.warmup), so the first
reader's search is not the slow one; after requests they hand the heap their searches freed back
to the system (newspaper.freed_memory)."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"

# The request line and headers, which gunicorn reads before Django sees anything. A search URL
# with every filter and 二次检索 terms, percent-encoded (9 bytes per Chinese character), can pass
# gunicorn's default 4094 bytes: 8190 is its most. Browsers send about 20 headers; 50 is room.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
# gunicorn sets no limit on a body: the upload's is enforced from Content-Length before the body
# is read, by newspaper.limits (UPLOAD_MAX_REQUEST_MB); other forms keep Django's 5 MB.


def post_worker_init(worker):
    from search.warmup import warm_up

    warm_up()


def post_request(worker, req, environ, resp):
    from newspaper.freed_memory import give_back

    give_back()

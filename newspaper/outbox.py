"""Index work, written in the transaction of the change that needs it (the outbox pattern).

Every change that alters what an article's index entry holds writes IndexWork rows before its
transaction commits: ingestion calls `queue` itself; everything else (the admin, a shell, a
script) goes through the model signals connected here:

- an article saved or deleted, its credits, its unions and topics (in either direction);
- a union, person or topic renamed or deleted: every article naming it;
- an issue's date changed, a page moved to another issue: their articles.

The rows' articles are also "touched" (updated_at set), since an index entry remembers the
updated_at it was written from: `check_index` compares the two to find stale entries.

The search index writer (search.writer, `manage.py index_writer`) drains the rows; this module
never writes the index. A bulk `QuerySet.update()` bypasses signals: call `queue_articles` in
the same transaction.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, signals
from django.utils import timezone

from newspaper.models import Article, Credit, IndexWork, IndexWriterStatus, Issue, Page, Person, Topic, Union

_paused = threading.local()
CHUNK = 2000  # ids per statement (SQLite allows 32,766 parameters)


def queue(
    articles: Iterable[tuple[int, int | None]], *, new: Iterable[int] = (), bulk: bool = False, touch: bool = False
) -> int:
    """Write index work for (article id, page id) pairs; `new`: ids created in this transaction.
    `touch` sets the articles' updated_at (for a change made to a row they refer to)."""
    pairs = dict(articles)
    if not pairs:
        return 0
    fresh, now, ids = set(new), timezone.now(), list(pairs)
    for start in range(0, len(ids) if touch else 0, CHUNK):
        Article.objects.filter(pk__in=ids[start : start + CHUNK]).update(updated_at=now)
    IndexWork.objects.bulk_create(
        [IndexWork(article_id=a, page_id=p, new=a in fresh, bulk=bulk, queued_at=now) for a, p in pairs.items()],
        batch_size=CHUNK,
    )
    return len(pairs)


def queue_articles(articles: QuerySet, *, bulk: bool = False, touch: bool = True) -> int:
    """Index work for every article of a queryset (after a change to a row they refer to)."""
    return queue(articles.values_list("pk", "page_id").order_by(), bulk=bulk, touch=touch)


@contextlib.contextmanager
def signals_paused():
    """Inside, model signals write no index work: the caller (ingestion) queues its own."""
    previous = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = previous


def _active() -> bool:
    return not getattr(_paused, "on", False)


# -- receivers ----------------------------------------------------------------------------------
def _article_changed(sender, instance, **kwargs):
    if _active() and instance.pk is not None:
        queue([(instance.pk, instance.page_id)])


def _credit_changed(sender, instance, **kwargs):
    if _active():
        queue_articles(Article.objects.filter(pk=instance.article_id))


def _renamed(related: str):
    """A receiver for a model whose indexed values its articles carry (their facet values or
    date): when they changed, every article reached through `related` is queued."""

    def receiver(sender, instance, created=False, raw=False, **kwargs):
        if _active() and not created and not raw and instance.indexed_changed():
            queue_articles(Article.objects.filter(**{related: instance.pk}))
        instance.remember_indexed()

    return receiver


def _removed(related: str):
    """Before a union, person or topic goes, its articles are queued (their relation rows go
    with it, without signals)."""

    def receiver(sender, instance, **kwargs):
        if _active():
            queue_articles(Article.objects.filter(**{related: instance.pk}))

    return receiver


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """article.unions / article.topics changed from either side."""
    if not _active() or action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        queue_articles(Article.objects.filter(pk=instance.pk))
    elif action == "pre_clear":  # union.articles.clear(): the ids are gone after it
        related = "unions" if isinstance(instance, Union) else "topics"
        queue_articles(Article.objects.filter(**{related: instance.pk}))
    elif pk_set:
        queue_articles(Article.objects.filter(pk__in=pk_set))


_RELATED = {Union: "unions", Topic: "topics", Person: "credits__person", Issue: "page__issue", Page: "page"}


def connect() -> None:
    """Called once, from the app's ready()."""
    signals.post_save.connect(_article_changed, sender=Article, dispatch_uid="outbox-article-saved")
    signals.post_delete.connect(_article_changed, sender=Article, dispatch_uid="outbox-article-deleted")
    signals.post_save.connect(_credit_changed, sender=Credit, dispatch_uid="outbox-credit-saved")
    signals.post_delete.connect(_credit_changed, sender=Credit, dispatch_uid="outbox-credit-deleted")
    for model, related in _RELATED.items():
        signals.post_save.connect(_renamed(related), sender=model, weak=False, dispatch_uid=f"outbox-{related}-saved")
    for model in (Union, Topic, Person):
        signals.pre_delete.connect(
            _removed(_RELATED[model]), sender=model, weak=False, dispatch_uid=f"outbox-{model.__name__}-deleted"
        )
    for through in (Article.unions.through, Article.topics.through):
        signals.m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"outbox-{through.__name__}")


# -- how far the index is behind ----------------------------------------------------------------
def backlog(work: QuerySet | None = None) -> dict[str, object]:
    """{"waiting": articles still to be written, "failed": of those, how many failed at least
    once, "error": the latest reason} for the outbox or a part of it."""
    work = IndexWork.objects.all() if work is None else work
    waiting = work.values("article_id").distinct().count()
    failed = work.exclude(error="")
    latest = failed.order_by("-pk").values_list("error", flat=True).first()
    return {"waiting": waiting, "failed": failed.values("article_id").distinct().count(), "error": latest or ""}


def backlog_of_pages(page_ids: Iterable[int]) -> dict[str, object]:
    return backlog(IndexWork.objects.filter(page_id__in=list(page_ids)))


# -- making sure a writer runs while a command imports ---------------------------------------------
def _sees_other_processes() -> bool:
    """Whether another process can read what this one stores: not in SQLite in memory, nor
    inside a transaction that has not committed (as in tests)."""
    return not connection.in_atomic_block and not (connection.vendor == "sqlite" and connection.is_in_memory_db())


class WriterForCommand:
    """What `manage.py ingest`, `reparse`, `retag` and `check_index --repair` do to have their
    work written while they store more: when no index writer is running (no recent heartbeat),
    start one as a separate process (`manage.py index_writer --parent PID`: it exits after its
    parent and the outbox are done), and at the end wait until the work queued since the start
    is written. Where no other process could read the work (SQLite in memory, a transaction
    still open: in tests) the writer runs here, after the command's work."""

    def __init__(self, out=None, *, start: bool = True, wait_seconds: float | None = None):
        self.out = out or sys.stderr
        self.start, self.wait_seconds = start, wait_seconds
        self.process: subprocess.Popen | None = None
        self.since = 0

    def __enter__(self) -> WriterForCommand:
        self.since = IndexWork.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if self.start and _sees_other_processes() and not IndexWriterStatus.current().alive:
            self._start()
        return self

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "index_writer", "--parent", str(os.getpid())],
            stdin=subprocess.DEVNULL,
        )

    def __exit__(self, *exc) -> None:
        """A writer started here goes on until its work is done, then exits by itself."""

    def mine(self) -> QuerySet:
        return IndexWork.objects.filter(pk__gt=self.since)

    def wait(self) -> dict[str, object]:
        """Until the work queued since the start is written, or only failed work remains (it is
        retried by the writer; the caller reports it)."""
        if not _sees_other_processes():
            from django.core.management import CommandError, call_command

            with contextlib.suppress(CommandError):  # what could not be written is reported below
                call_command("index_writer", drain=True, verbosity=0)
            return backlog(self.mine())
        self.mine().filter(bulk=True).update(bulk=False)  # nothing more is coming: write it now
        deadline = None if self.wait_seconds is None else time.monotonic() + self.wait_seconds
        told = time.monotonic() - 8  # the first note after two seconds
        while True:
            left = backlog(self.mine())
            if left["waiting"] == left["failed"] or (deadline and time.monotonic() > deadline):
                return left
            if (self.process is None or self.process.poll() is not None) and not IndexWriterStatus.current().alive:
                self.out.write("no index writer is running (none started, or it stopped): starting one\n")
                self._start()
            if time.monotonic() - told > 10:
                self.out.write(f"waiting for the index writer: {left['waiting']} articles to go\n")
                told = time.monotonic()
            time.sleep(0.2)

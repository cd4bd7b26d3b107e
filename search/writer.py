"""The one writer of the search index: drains the outbox (newspaper.outbox) into Whoosh.

    manage.py index_writer            # runs until stopped (make run, docker-compose's indexer)
    manage.py index_writer --drain    # until the outbox is empty, then exits

A batch, under the writer lock (a file lock beside the index, which rebuild_index and
optimize_index take too):

1. read the outbox rows (after taking the lock, so that two writers, or a rebuild, never write
   an older version of an article over a newer one);
2. read those articles as they are now, and write their entries: added, replaced, or removed for
   articles that no longer exist; an entry whose article has not changed since (the same
   updated_at and content) is left alone;
3. commit the index, then delete exactly the rows read in 1.

A writer killed anywhere leaves its rows for the next one. Killed between 3's commit and the
rows' deletion, it has written entries the rows still ask for: the "uncertain" mark, a file set
before 2 and removed after 3, makes the next batch replace entries rather than add them, so no
article is ever indexed twice. A batch that fails (a full disk) leaves its rows with the reason
and a time to retry, later after each failure, in smaller batches; an article whose entry cannot
be made is kept back alone, the rest of its batch written.

Imports queue their rows as `bulk`: the writer waits for BATCH of them (or for the import to
pause) and writes thousands per commit, on the other core. An editor's change is written at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
from django.db import close_old_connections, connection
from django.db import connections as databases
from django.db.models import Max, Q
from django.utils import timezone
from haystack import connections

from newspaper.models import Article, IndexWork, IndexWriterStatus
from search import columns, engine
from search.backends import merge_tiers
from search.whoosh_private import commit, deleted_docnums, from_python, segment_readers

log = logging.getLogger(__name__)

BATCH = 2000  # articles per commit during an import
MOST = 4 * BATCH  # at most, when the writer fell behind (a merge took it a while): fewer, larger segments
QUIET = 1.0  # seconds without a new bulk row: the import paused or ended, write what there is
POLL = 0.25  # seconds between looks at the outbox when idle
HEARTBEAT = 2.0  # seconds between heartbeats (IndexWriterStatus)
LOCK_WAIT = 600.0  # seconds a batch waits for the lock (a rebuild holds it for minutes)
RETRY_BASE = 2.0  # seconds before a failed row is retried, doubling with each failure
RETRY_MOST = 300.0
DRAIN_ATTEMPTS = 3  # --drain gives up on rows that failed this often (the writer never does)
CHUNK = 2000  # ids per query (SQLite allows 32,766 parameters)


class WriterLock:
    """An exclusive lock on a file beside the index: whoever holds it is the only writer."""

    def __init__(self, index_path: str):
        path = Path(index_path)
        self.path = path.with_name(path.name + ".writer.lock")
        self.fd: int | None = None

    def acquire(self, timeout: float | None = None, *, waiting=None) -> bool:
        """Take the lock, waiting up to `timeout` seconds (None: for as long as it takes);
        `waiting()` is called now and then meanwhile (a heartbeat)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return True
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                if waiting:
                    waiting()
                time.sleep(0.1)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def uncertain_mark(index_path: str) -> Path:
    """Set while entries may have been committed whose outbox rows still exist."""
    path = Path(index_path)
    return path.with_name(path.name + ".uncertain")


def document(index, backend, article: Article) -> dict:
    """An article's index entry, as the Whoosh writer takes it."""
    prepared = index.full_prepare(article)
    return {key: from_python(backend, value) for key, value in prepared.items() if key != "boost"}


class IndexWriter:
    def __init__(self, *, batch: int = BATCH, most: int = MOST, quiet: float = QUIET):
        self.batch, self.most, self.quiet = batch, most, quiet
        self.backend = connections["default"].get_backend()
        if not self.backend.setup_complete:
            self.backend.setup()
        self.index = connections["default"].get_unified_index().get_index(Article)
        self.lock = WriterLock(self.backend.path)
        self.mark = uncertain_mark(self.backend.path)
        self._beat = 0.0
        self._entries: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # segment → columns
        self.written = 0

    # -- the loop ---------------------------------------------------------------------------------
    def run(self, *, drain: bool = False, parent: int | None = None, check_every: float = 0, stop=None) -> int:
        """Write batches until `stop()` says so; with `drain`, until only rows that keep failing
        are left (returns how many articles those are); with `parent`, until that process has
        gone and the outbox is drained. Every `check_every` seconds of idleness the index is
        compared with the database and what differs is queued (search.consistency)."""
        self.beat("starting", force=True)
        self._last_check = time.monotonic()
        try:
            while not (stop and stop()):
                try:
                    left = self._step(drain or (parent is not None and os.getppid() != parent), check_every)
                except Exception as exc:  # the database went away a moment, say: never die of it
                    if drain:
                        raise
                    log.exception("the index writer's loop failed; going on")
                    self._record_error(f"{exc.__class__.__name__}: {exc}")
                    time.sleep(1)
                    continue
                if left is not None:
                    return left
        finally:
            IndexWriterStatus.objects.filter(pk=1, pid=os.getpid()).update(state="stopped", heartbeat_at=None)
        return 0

    def _step(self, finishing: bool, check_every: float) -> int | None:
        """One batch, or a look at the outbox and a pause: the articles left when finishing."""
        from search import consistency

        if self.write_batch(force=finishing):
            return None
        left = IndexWork.objects.all()
        if finishing:
            if not left.exists():
                return 0
            if not left.filter(attempts__lt=DRAIN_ATTEMPTS).exists():
                return left.values("article_id").distinct().count()
        # Compared when nothing is due (rows waiting to retry do not put it off for good)
        if check_every and time.monotonic() - self._last_check >= check_every and not self.pending().exists():
            self._last_check = time.monotonic()
            self.beat("comparing the index with the database", force=True)
            found = consistency.compare(self.backend)
            consistency.repair(found)
            IndexWriterStatus.objects.filter(pk=1).update(last_check_at=timezone.now(), last_check=found.line())
        if time.monotonic() - self._beat >= HEARTBEAT:
            close_old_connections()  # a long-lived process: drop a connection that broke or grew old
        self.beat("idle")
        time.sleep(POLL)
        return None

    def _record_error(self, reason: str) -> None:
        IndexWriterStatus.objects.filter(pk=1).update(last_error=reason[:500], last_error_at=timezone.now())

    def pending(self):
        """Rows due now: never tried, or failed and waiting no longer."""
        return IndexWork.objects.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))

    def due(self) -> bool:
        """Whether to write now: an editor's change waits, or BATCH articles of an import, or an
        import that has paused for QUIET seconds."""
        pending = self.pending()
        if pending.filter(bulk=False).exists():
            return True
        newest = pending.aggregate(newest=Max("queued_at"))["newest"]
        if newest is None:
            return False
        if pending.order_by()[: self.batch].count() >= self.batch:
            return True
        return (timezone.now() - newest).total_seconds() >= self.quiet

    def beat(self, state: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._beat < HEARTBEAT:
            return
        self._beat = now
        fields = {
            "pid": os.getpid(),
            "host": socket.gethostname()[:100],
            "heartbeat_at": timezone.now(),
            "state": state,
        }
        if force and state == "starting":
            fields.update(started_at=timezone.now())
        try:
            IndexWriterStatus.objects.update_or_create(pk=1, defaults=fields)
        except Exception:  # a heartbeat must never stop the writing
            log.warning("could not record the index writer's heartbeat", exc_info=True)

    @contextlib.contextmanager
    def beating(self, state: str):
        """Heartbeats from a thread while a long batch (a merge of segments) runs, so that
        nobody takes this writer for dead and starts another. The thread only writes the status
        row, on its own connection; this process never forks."""
        if connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            yield  # another thread would not see this transaction's rows, or this database (tests)
            return
        done = threading.Event()

        def beat() -> None:
            try:
                while not done.wait(HEARTBEAT):
                    self.beat(state, force=True)
            finally:
                databases.close_all()  # this thread's connections only

        thread = threading.Thread(target=beat, name="index-writer-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(timeout=HEARTBEAT * 5)  # a heartbeat stuck on the database never stalls the writing

    # -- one batch --------------------------------------------------------------------------------
    def write_batch(self, *, force: bool = False) -> int:
        """Write one batch if one is due (or `force`): the number of articles written or removed."""
        if not (force and self.pending().exists()) and not self.due():
            return 0
        if not self.lock.acquire(LOCK_WAIT, waiting=lambda: self.beat("waiting for the index lock")):
            # not the rows' fault (a rebuild holds the lock): they keep their place
            self._record_error(f"the index lock ({self.lock.path}) was held by another process over {LOCK_WAIT:.0f} s")
            return 0
        try:
            rows = self._claim()  # read after taking the lock
            if not rows:
                return 0
            self.beat(f"writing {len(rows)} articles", force=True)
            try:
                with self.beating(f"writing {len(rows)} articles"):
                    done = self._write_rows(rows)
            except Exception as exc:
                log.exception("writing %d articles to the index failed; they will be retried", len(rows))
                self._failed(rows, f"{exc.__class__.__name__}: {exc}")
                return 0
        finally:
            self.lock.release()
        self.written += done
        IndexWriterStatus.objects.filter(pk=1).update(last_batch_at=timezone.now(), written=self.written)
        from newspaper.uploads import settle_all

        settle_all()
        return done

    def _claim(self) -> list[IndexWork]:
        """The rows of the next batch, oldest first; after failures, smaller batches."""
        first = self.pending().order_by("pk").first()
        if first is None:
            return []
        size = max(1, self.most // 8**first.attempts)
        return list(self.pending().order_by("pk")[:size])

    def _write_rows(self, rows: list[IndexWork]) -> int:
        ids = list(dict.fromkeys(r.article_id for r in rows))
        uncertain = self.mark.exists()
        self.mark.touch()
        # "new" (add without looking for an older entry) holds only for a row's first try: a row
        # that failed waits while later edits of its article are written, so by its retry the
        # article may have an entry.
        new = set() if uncertain else {r.article_id for r in rows if r.new and not r.attempts}
        new -= {r.article_id for r in rows if not r.new or r.attempts}
        articles = []
        for start in range(0, len(ids), CHUNK):
            articles += Article.objects.for_index().filter(pk__in=ids[start : start + CHUNK])
        gone = set(ids) - {a.pk for a in articles}
        refused = self.write(articles, gone, new)
        done = [r for r in rows if r.article_id not in refused]
        for start in range(0, len(done), CHUNK):
            IndexWork.objects.filter(pk__in=[r.pk for r in done[start : start + CHUNK]]).delete()
        for pk, reason in refused.items():
            self._failed([r for r in rows if r.article_id == pk], reason)
        self.mark.unlink()
        return len(ids) - len(refused)

    def _failed(self, rows: list[IndexWork], reason: str) -> None:
        """Keep the rows with the reason, to be tried again later: the more often they failed,
        the later (one statement per number of failures)."""
        self._record_error(reason)
        for attempts in {r.attempts for r in rows}:
            delay = min(RETRY_MOST, RETRY_BASE * 2**attempts)
            failed = [r.pk for r in rows if r.attempts == attempts]
            for start in range(0, len(failed), CHUNK):
                IndexWork.objects.filter(pk__in=failed[start : start + CHUNK]).update(
                    attempts=attempts + 1, error=reason[:500], retry_at=timezone.now() + dt.timedelta(seconds=delay)
                )

    # -- the index --------------------------------------------------------------------------------
    def write(self, articles: list[Article], gone: set[int], new: set[int]) -> dict[int, str]:
        """One commit: `articles` written (those in `new` added without a look for an older
        entry), entries of `gone` removed; the articles whose entries could not even be made,
        with the reason (the others are written all the same). Nothing is committed when nothing
        changed."""
        writer = self.backend.index.writer(timeout=30, delay=0.25)
        refused = {}
        try:
            entries = self._entries_of(writer, [a.pk for a in articles if a.pk not in new] + sorted(gone))
            changed = False
            for pk in gone:
                for docnum, *_ in entries.get(pk, ()):
                    writer.delete_document(docnum)
                    changed = True
            for article in articles:
                try:
                    doc = document(self.index, self.backend, article)
                except Exception as exc:  # this article's own trouble: it alone waits
                    log.exception("article %s cannot be written to the index", article.pk)
                    refused[article.pk] = f"{exc.__class__.__name__}: {exc}"
                    continue
                found = entries.get(article.pk, [])
                if len(found) == 1 and found[0][1:] == (doc["stamp"], doc["content"]):
                    continue  # the entry is this very version
                for docnum, *_ in found:
                    writer.delete_document(docnum)
                writer.add_document(**doc)
                changed = True
        except BaseException:
            writer.cancel()
            raise
        if changed:
            commit(writer, mergetype=merge_tiers)
            engine.forget()
        else:
            writer.cancel()
        return refused

    def _entries_of(self, writer, pks: list[int]) -> dict[int, list[tuple[int, int, int]]]:
        """The live entries of these articles in the writer's segments: pk → [(docnum, stamp,
        content)], from the segments' columns (kept per segment: they never change)."""
        found: dict[int, list[tuple[int, int, int]]] = {}
        if not pks or not writer.segments:
            return found
        wanted = np.array(sorted(set(pks)), np.int64)
        reader = writer.reader()
        try:
            live = set()
            for seg_reader, offset in segment_readers(reader):
                segid = seg_reader.segment().segment_id()
                live.add(segid)
                if segid not in self._entries:
                    self._entries[segid] = tuple(
                        columns.column(seg_reader, name) for name in ("article_pk", "stamp", "content")
                    )
                pk, stamp, content = self._entries[segid]
                hits = np.flatnonzero(np.isin(pk, wanted))
                if seg_reader.has_deletions() and len(hits):
                    hits = hits[~np.isin(hits, deleted_docnums(seg_reader))]
                for d in hits.tolist():
                    found.setdefault(int(pk[d]), []).append((d + offset, int(stamp[d]), int(content[d])))
            for segid in set(self._entries) - live:
                del self._entries[segid]
        finally:
            reader.close()
        return found

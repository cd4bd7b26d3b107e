"""Parsed dumps → database → search index, one page per transaction.

`ingest_source` is the one way pages enter the archive: the `ingest` command and the upload view
both call it. A page is stored whole or not at all, its index entries included; the same dump
again is `unchanged`, a changed dump of the same page is `updated` in place (articles keep their
ids, so permalinks survive re-imports).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.utils.text import slugify

from newspaper.models import ARTICLE_HISTORY, Article, Credit, Issue, Page, Person, Topic, Union
from newspaper.parser import ParsedPage, ParseError, parse_text
from newspaper.parser.decoding import decode
from newspaper.recognise import TopicRule, regions_of, tag, unions_mentioned
from newspaper.recognise.unions import find_unions

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 100  # a text dump compresses ~3-5×; far more is a zip bomb
DUMP_SUFFIXES = {".txt", ".text"}


class Status:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class Source:
    """One dump to import: a name to report (path, or archive.zip:entry) and its bytes."""

    name: str
    data: bytes = b""
    error: str | None = None  # set when the source could not even be read
    filename: str = ""  # what the page remembers: the file name, or archive.zip:entry

    def __post_init__(self):
        self.filename = self.filename or Path(self.name).name


@dataclass
class Outcome:
    source: str
    status: str
    message: str = ""
    page: Page | None = None
    articles: int = 0
    warnings: list[str] = field(default_factory=list)
    stored_ids: list[int] = field(default_factory=list)  # for a caller indexing in batches
    removed_ids: list[int] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED

    def line(self) -> str:
        if self.failed:
            return f"{self.source}: failed: {self.message}"
        where = f" ({self.page})" if self.page else ""
        return f"{self.source}: {self.status}{where}, {self.articles} articles" + (
            f"; {len(self.warnings)} warnings" if self.warnings else ""
        )


# -- reading sources --------------------------------------------------------------------------
def iter_sources(paths: list[str | Path]) -> Iterator[Source]:
    """Files, folders (recursively, *.txt) and .zip archives, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in DUMP_SUFFIXES or child.suffix.lower() == ".zip":
                    yield from iter_sources([child])
        elif not path.exists():
            yield Source(str(path), error="no such file or folder")
        elif path.suffix.lower() == ".zip":
            yield from iter_zip(str(path), path.read_bytes())
        else:
            yield read_file(path)


def read_file(path: Path) -> Source:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Source(str(path), error=f"too large ({size // 1024 // 1024} MB, limit {MAX_FILE_BYTES // 2**20} MB)")
        return Source(str(path), path.read_bytes())
    except OSError as exc:
        return Source(str(path), error=f"cannot read: {exc.strerror or exc}")


def iter_zip(name: str, data: bytes) -> Iterator[Source]:
    """The dumps inside a zip archive. Entries are read into memory, never extracted, so a path
    in an entry name cannot write anywhere; unsafe names are refused all the same."""

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield Source(name, error="not a valid zip archive")
        return
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        yield Source(name, error=f"too many files in the archive ({len(entries)}, limit {MAX_ZIP_ENTRIES})")
        return
    for info in sorted(entries, key=lambda i: i.filename):
        label = f"{name}:{info.filename}"
        filename = f"{Path(name).name}:{info.filename}"

        def refused(reason: str, label=label, filename=filename) -> Source:
            return Source(label, error=reason, filename=filename)

        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts:
            yield refused("unsafe path inside the archive")
            continue
        if pure.name.startswith(".") or pure.parts[0] == "__MACOSX":
            continue
        if pure.suffix.lower() not in DUMP_SUFFIXES:
            yield refused("not a .txt dump")
            continue
        if info.file_size > MAX_FILE_BYTES:
            yield refused(f"too large ({info.file_size // 2**20} MB, limit {MAX_FILE_BYTES // 2**20} MB)")
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            yield refused("compression ratio too high (zip bomb?)")
            continue
        try:
            with archive.open(info) as fh:
                content = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
            yield refused(f"cannot read the entry: {exc}")
            continue
        if len(content) > MAX_FILE_BYTES:
            yield refused("too large once uncompressed")
            continue
        yield Source(label, content, filename=filename)


# -- storing ----------------------------------------------------------------------------------
def ingest_source(
    source: Source,
    *,
    date: dt.date | None = None,
    page: int | None = None,
    dry_run: bool = False,
    index: bool = True,
    lookups: Lookups | None = None,
) -> Outcome:
    """Parse and store one dump. Never raises for bad input: the outcome says what went wrong.
    With index=False the caller indexes the stored articles itself, through BatchIndexer; an
    import of many pages passes them all one `lookups`."""
    if source.error:
        return Outcome(source.name, Status.FAILED, source.error)
    try:
        text, encoding = decode(source.data)
        parsed = parse_text(text, date=date, page=page)
    except ParseError as exc:
        return Outcome(source.name, Status.FAILED, str(exc))
    parsed.encoding = encoding
    if parsed.page_number is None:
        return Outcome(source.name, Status.FAILED, "no page number in the dump (give one with --page)")
    return store_page(
        parsed,
        source_name=source.filename,
        sha256=hashlib.sha256(source.data).hexdigest(),
        raw_text=text,
        label=source.name,
        dry_run=dry_run,
        index=index,
        lookups=lookups,
    )


class BatchIndexer:
    """Writes the articles of many stored pages to the index in large batches: one commit per
    BATCH articles instead of one small commit per page (at 1,000 articles: 5.8 articles/s per
    page, over 100 in batches; bench/RESULTS.md). A batch is read from the database and written
    by a forked child process while this one stores the next pages, so the two use both cores:
    a thread would share the interpreter lock, and storing and writing, both Python, ran one at
    a time (at 10k articles: storing alone 55 s, writing alone 25 s, together in threads 86 s).
    When the child could not see the rows (a transaction is open, or the database is SQLite in
    memory, as in tests), the batch is read here and written by a thread instead.

    Articles of new pages are added without first looking for an older entry to replace (a
    look-up in every segment per article); everything else replaces its entry. While the writer
    is busy (a merge takes it tens of seconds at 100k articles) the batch grows instead of the
    import waiting, up to MOST articles.

    Each page is still stored whole or not at all. Its index entries follow within the batch;
    if writing a batch fails, its articles are queued for the index worker (durably, in the job
    queue) and `failed` says how many, so nothing stored is left out of the index for good.

        with BatchIndexer() as batch:
            for source in sources:
                outcome = batch.ingest(source)

    The pages of one batch import share their Lookups (topics, unions, the current issue).
    """

    BATCH = 2000
    MOST = 4 * BATCH  # articles stored but not yet handed to the writer, at most

    def __init__(self, size: int = BATCH):
        self.size = size
        self.pending: list[int] = []
        self.new: set[int] = set()
        self.removed: list[int] = []
        self.indexed = 0
        self.failed = 0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-writer")
        self._writing: tuple[Future, list[int], list[int]] | None = None
        self.lookups = Lookups()

    def __enter__(self) -> BatchIndexer:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.flush()
            self._wait()
        finally:
            self._thread.shutdown()

    def ingest(self, source: Source, **options) -> Outcome:
        """ingest_source(source, **options), its articles indexed with the batch."""
        outcome = ingest_source(source, index=False, lookups=self.lookups, **options)
        self.add_ids(outcome.stored_ids, outcome.removed_ids, new=outcome.status == Status.CREATED)
        return outcome

    def add_ids(self, stored: list[int], removed: list[int] = (), *, new: bool = False) -> None:
        """Articles to index (`new`: rows created just now, never indexed) and to unindex."""
        self.pending += stored
        if new:
            self.new.update(stored)
        self.removed += removed
        if len(self.pending) >= self.size and (not self._busy() or len(self.pending) >= self.MOST):
            self.flush()

    def _busy(self) -> bool:
        """Whether the writer is still at the last batch (merging segments, say): the pages go on
        being stored meanwhile instead of waiting, up to MOST articles behind."""
        return self._writing is not None and not self._writing[0].done()

    def flush(self) -> None:
        """Start writing what is pending (after the batch being written, if any)."""
        from django.db import connection

        ids, new, removed = self.pending, self.new, self.removed
        self.pending, self.new, self.removed = [], set(), []
        if not ids and not removed:
            return
        # Read here when another connection could not see the rows yet (a transaction is open),
        # or could not read while this one writes (an in-memory SQLite database, as in tests,
        # locks whole tables between connections).
        here = connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        loaded = _load_for_index(ids) if here else None
        self._wait()  # Whoosh has one writer at a time
        if here or not hasattr(os, "fork"):
            future = self._thread.submit(_write_index, ids, loaded, new, removed)
        else:
            future = _Forked(_write_index, ids, None, new, removed)
        self._writing = (future, ids, removed)

    def _wait(self) -> None:
        if self._writing is None:
            return
        future, ids, removed = self._writing
        self._writing = None
        try:
            self.indexed += future.result()
        except Exception:
            log.exception("writing %d articles to the index failed; queued for the index worker", len(ids))
            self.failed += len(ids)
            from newspaper.tasks import reindex_articles

            reindex_articles([*ids, *removed])


class _Forked:
    """A function called in a forked child process, its result (or its error) sent back through a
    pipe; done() and result() as a Future's. The child is a copy of this process as it is, so it
    needs no set-up (settings, loaded dictionaries), but it must not share a database
    connection: they are closed here first (between pages; the next query reconnects), and the
    child opens its own."""

    def __init__(self, fn: Callable, *args):
        from django.db import connections

        connections.close_all()
        context = multiprocessing.get_context("fork")
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_call_and_send, args=(sender, fn, args), name="index-writer")
        self._process.start()
        sender.close()

    def done(self) -> bool:
        return self._results.poll()

    def result(self):
        try:
            ok, value = self._results.recv()
        except EOFError:  # killed (out of memory, say) before it could answer
            ok, value = False, RuntimeError("the index writer process ended without a result")
        finally:
            self._results.close()
            self._process.join()
        if not ok:
            raise value
        return value


def _call_and_send(sender, fn: Callable, args: tuple) -> None:
    try:
        result = True, fn(*args)
    except BaseException as exc:
        log.exception("the index writer process failed")
        result = False, RuntimeError(f"{exc.__class__.__name__}: {exc}")  # whatever it was, it pickles
    sender.send(result)
    sender.close()


def _load_for_index(ids: list[int]) -> list[Article]:
    return list(
        Article.objects.filter(pk__in=ids)
        .select_related("page__issue")
        .prefetch_related("credits__person", "unions", "topics")
    )


def _write_index(ids: list[int], loaded: list[Article] | None, new: set[int], removed: list[int]) -> int:
    from django.db import connections

    from search.indexing import index_articles, unindex_articles

    try:
        articles = _load_for_index(ids) if loaded is None else loaded
        unindex_articles(removed)
        index_articles(articles, new=new)
        return len(articles)
    finally:
        connections.close_all()  # this thread's own connections


def reparse_page(page: Page, *, dry_run: bool = False) -> Outcome:
    """Parse a stored page's raw text again (after the parser improved) and store the result."""
    label = f"{page.source_name} ({page})"
    try:
        parsed = parse_text(page.raw_text, date=page.issue.date, page=page.number)
    except ParseError as exc:
        return Outcome(label, Status.FAILED, str(exc))
    parsed.encoding = page.encoding
    return store_page(
        parsed,
        source_name=page.source_name,
        sha256=page.sha256,
        raw_text=page.raw_text,
        label=label,
        dry_run=dry_run,
        force=True,
    )


def store_page(
    parsed: ParsedPage,
    *,
    source_name: str,
    sha256: str,
    raw_text: str,
    label: str,
    dry_run: bool = False,
    force: bool = False,
    index: bool = True,
    lookups: Lookups | None = None,
) -> Outcome:
    from search.indexing import index_articles, signals_paused, unindex_articles

    lookups = lookups or Lookups()
    indexed: list[int] = []
    try:
        with transaction.atomic(), signals_paused():
            page = (
                Page.objects.select_for_update(of=("self",))
                .select_related("issue")
                .filter(issue__publication=parsed.publication, issue__date=parsed.date, number=parsed.page_number)
                .first()
            )
            if page and page.sha256 == sha256 and not force:
                return Outcome(label, Status.UNCHANGED, page=page, articles=page.articles.count())
            outcome = Outcome(
                label,
                Status.UPDATED if page else Status.CREATED,
                articles=len(parsed.articles),
                warnings=parsed.warnings,
            )
            new = page is None
            issue = _issue_for(parsed, lookups, page.issue if page else None)
            page = page or Page(issue=issue, number=parsed.page_number)
            page.editor = parsed.editor or ""
            page.designer = parsed.designer or ""
            page.source_name = source_name[:255]
            page.sha256 = sha256
            page.encoding = parsed.encoding
            page.raw_text = raw_text
            page.warnings = parsed.warnings
            page.save()
            articles, removed = _store_articles(page, parsed, lookups, new=new)
            outcome.page = page
            if dry_run:
                transaction.set_rollback(True)
                lookups.forget()  # rows created by the rolled-back transaction
                outcome.message = "dry run: nothing stored"
                return outcome
            outcome.stored_ids, outcome.removed_ids = [a.pk for a in articles], removed
            # Last step inside the transaction: if the index refuses, the page is rolled back.
            if index:
                unindex_articles(removed)
                index_articles(articles)
                indexed = [a.pk for a in articles]
    except Exception as exc:  # the page is rolled back; report it and let the batch go on
        log.exception("importing %s failed", label)
        lookups.forget()
        if indexed:  # the commit itself failed after indexing: take the entries out again
            unindex_articles(indexed)
        return Outcome(label, Status.FAILED, f"could not store the page: {exc.__class__.__name__}: {exc}")
    return outcome


@dataclass
class Lookups:
    """Rows that every page of an import reads (the active topics, the unions and issues met so
    far), read once per import instead of once per page: pass one Lookups to every ingest_source
    call of an import. Without one, each page reads its own.

    What a failed or dry-run page created is rolled back, so everything is forgotten then. Topics
    edited while an import runs apply to the pages imported after it (or run `manage.py retag`).
    """

    unions: dict[str, Union] = field(default_factory=dict)
    issue: Issue | None = None  # the last page's: pages come issue by issue
    _topics: tuple[dict[str, Topic], list[TopicRule]] | None = None

    def topics(self) -> tuple[dict[str, Topic], list[TopicRule]]:
        """The active topics by name, and their rules."""
        if self._topics is None:
            rows = topic_rows()
            self._topics = rows, topic_rules(rows)
        return self._topics

    def forget(self) -> None:
        self.unions.clear()
        self.issue = None
        self._topics = None


def _issue_for(parsed: ParsedPage, lookups: Lookups, issue: Issue | None = None) -> Issue:
    last = lookups.issue
    if issue is None and last and (last.publication, last.date) == (parsed.publication, parsed.date):
        issue = last
    if issue is None:
        issue, _ = Issue.objects.get_or_create(publication=parsed.publication, date=parsed.date)
    lookups.issue = issue
    # Fill what this page knows and the issue does not yet (later pages lack the masthead).
    changed = False
    for attr in ("number", "lunar_date", "weekday", "cn", "postal_code"):
        value = getattr(parsed, attr)
        if value and not getattr(issue, attr):
            setattr(issue, attr, value)
            changed = True
    if changed:
        issue.save()
    return issue


def topic_rules(rows: dict[str, Topic] | None = None) -> list[TopicRule]:
    """The active topics' rules (from `rows`, topic_rows(), when already loaded)."""
    return [TopicRule(t.name, t.terms, t.threshold) for t in (topic_rows() if rows is None else rows).values()]


def topic_rows() -> dict[str, Topic]:
    """Topics by name, loaded once per import rather than once per article."""
    return {t.name: t for t in Topic.objects.filter(active=True)}


def _store_articles(page: Page, parsed: ParsedPage, lookups: Lookups, *, new: bool) -> tuple[list[Article], list[int]]:
    """Write the page's articles, reusing the rows already in their slots. History gets one
    version per article (not one per save and per relation set), and the relations of the
    page's articles are written in one query each. The articles of a `new` page are inserted
    in one query, and nothing of theirs is looked for to replace."""
    existing = {} if new else {a.order: a for a in page.articles.all()}
    topics, rules = lookups.topics()
    texts = ["\n".join([item.headline, item.body, *item.captions]) for item in parsed.articles]
    mentions = [find_unions(text) for text in texts]
    absent = _unions_named(mentions, lookups.unions)
    stored, created, links = [], set(), {"unions": [], "topics": []}
    for order, item in enumerate(parsed.articles, start=1):
        article = existing.pop(order, None) or Article(page=page, order=order)
        if article.pk is None:
            created.add(order)
        article.column = item.column or ""
        article.kicker = item.kicker or ""
        article.title = item.title or ""
        article.subtitle = item.subtitle or ""
        article.kind = item.kind
        article.byline = item.byline or ""
        article.body = item.body
        article.captions = item.captions
        article.pull_quotes = item.pull_quotes
        article.count_chars()
        headline, body, text = item.headline, "\n".join([item.body, *item.captions]), texts[order - 1]
        unions = store_unions(text, lookups.unions, mentions[order - 1], absent)
        article.regions = regions_of(text, [u for _, u in unions_mentioned(text, mentions[order - 1])])
        links["unions"] += [(article, u) for u in unions]
        if not article.topics_locked:
            names = tag(headline, body, rules)
            links["topics"] += [(article, topics[name]) for name in names if name in topics]
        stored.append(article)
    Article.objects.bulk_create([a for a in stored if a.order in created])
    for article in stored:
        if article.order not in created:
            article.skip_history_when_saving = True
            article.save()
            del article.skip_history_when_saving
    _store_people(stored, [item.people for item in parsed.articles], new=new)
    written = _link(stored, links, new=new)
    _record_history(stored, created, written)
    removed = [a.pk for a in existing.values()]
    if removed:
        Article.objects.filter(pk__in=removed).delete()
    return stored, removed


def _record_history(articles: list[Article], created: set[int], written: dict[str, tuple[set[int], list]]) -> None:
    """One history version per article, with its topics as simple_history snapshots them, written
    for the whole page in a few queries (simple_history's create_historical_record costs a save
    and a query per tracked relation for each article: a quarter of the import's time). The
    relation rows _link has just `written` are snapshotted as they are; only the rest are read."""
    versions = []
    for new in (True, False):
        batch = [a for a in articles if (a.order in created) == new]
        if batch:
            versions += Article.history.bulk_history_create(batch, update=not new)
    if not versions:
        return
    version_of = {v.id: v for v in versions}  # bulk_create set their keys (SQLite ≥ 3.35, PostgreSQL)
    for relation, snapshot in ARTICLE_HISTORY.m2m_models.items():
        through = relation.remote_field.through
        owners, rows = written.get(relation.name, (set(), []))
        unread = [pk for pk in version_of if pk not in owners]
        if unread:  # articles whose relation _link left alone (topics set by hand)
            rows = [*rows, *through.objects.filter(article_id__in=unread)]
        columns = [f.attname for f in through._meta.fields]
        snapshot.objects.bulk_create(
            [snapshot(history=version_of[row.article_id], **{c: getattr(row, c) for c in columns}) for row in rows]
        )


def _unions_named(mentions, known: dict[str, Union]) -> set[str]:
    """Add to `known` the Union rows the page's articles may need, in one query; returns the
    names that have no row yet."""
    names = set()
    for found in mentions:
        for mention in found:
            names.update(filter(None, (mention.union.canonical, mention.union.parent)))
    names -= known.keys()
    if names:
        known.update((u.name, u) for u in Union.objects.filter(name__in=names))
    return names - known.keys()


def _link(
    articles: list[Article], links: dict[str, list[tuple[Article, object]]], *, new: bool
) -> dict[str, tuple[set[int], list]]:
    """Replace the articles' unions and (unless set by hand) topics: one delete (none for the
    articles of a new page) and one insert per relation for the whole page. Returns, for each
    relation, the articles it was written for and the rows written."""
    written = {}
    for name in ("unions", "topics"):
        through = getattr(Article, name).through
        owners = {a.pk for a in articles if name == "unions" or not a.topics_locked}
        target = through._meta.get_field(name[:-1]).attname
        if not new:
            through.objects.filter(article_id__in=owners).delete()
        pairs = {(a.pk, obj.pk) for a, obj in links[name]}
        rows = through.objects.bulk_create([through(article_id=a, **{target: o}) for a, o in sorted(pairs)])
        written[name] = owners, rows
    return written


def _store_people(articles: list[Article], people: list[list[tuple[str, str]]], *, new: bool) -> None:
    if not new:
        Credit.objects.filter(article__in=articles).delete()
    names = {name for credits in people for name, _ in credits}
    persons = {p.name: p for p in Person.objects.filter(name__in=names)} if names else {}
    fresh = [Person(name=name) for name in sorted(names - persons.keys())]
    persons.update((p.name, p) for p in Person.objects.bulk_create(fresh))
    rows = []
    for article, credits in zip(articles, people, strict=True):
        seen = set()
        for order, (name, role) in enumerate(credits):
            if (name, role) not in seen:
                seen.add((name, role))
                rows.append(Credit(article=article, person=persons[name], role=role, order=order))
    Credit.objects.bulk_create(rows)


def store_unions(
    text: str, known: dict[str, Union] | None = None, mentions=None, absent: set[str] = frozenset()
) -> list[Union]:
    """The Union rows for the unions a text mentions, created (with their parents) when new;
    every written form other than the canonical name is remembered as an alias. `known` caches
    rows across texts; `mentions` is find_unions(text) when already known; `absent`, names
    already looked up without a row (not looked up again)."""
    known = {} if known is None else known
    stored: dict[str, Union] = {}
    for mention in find_unions(text) if mentions is None else mentions:
        union = stored.get(mention.union.canonical) or _union_row(mention.union, known, absent)
        if mention.written != union.name and mention.written not in union.aliases:
            union.aliases = [*union.aliases, mention.written]
            union.save(update_fields=["aliases"])
        stored[union.name] = union
    return list(stored.values())


def _union_row(ref, known: dict[str, Union], absent: set[str]) -> Union:
    union = _known_row(ref.canonical, known, absent)
    if union:
        known[union.name] = union
        return union
    parent = None
    if ref.parent:
        parent = _known_row(ref.parent, known, absent)
        if parent is None:
            mentions = find_unions(ref.parent)
            parent = _union_row(mentions[0].union, known, absent) if mentions else None
    known[ref.canonical] = Union.objects.create(
        name=ref.canonical,
        slug=slugify(ref.canonical, allow_unicode=True),
        level=ref.level,
        region=ref.region or "",
        parent=parent,
    )
    return known[ref.canonical]


def _known_row(name: str, known: dict[str, Union], absent: set[str]) -> Union | None:
    if name in known or name in absent:
        return known.get(name)
    return Union.objects.filter(name=name).first()


def retag(
    article: Article,
    rules: list[TopicRule],
    topics: dict[str, Topic],
    *,
    headline: str | None = None,
    body: str | None = None,
) -> None:
    """Apply the topic rules to one article (callers skip locked ones)."""
    if headline is None:
        headline, body = article.full_headline, "\n".join([article.body, *article.captions])
    article.topics.set([topics[name] for name in tag(headline, body or "", rules) if name in topics])

"""Parsed dumps → database, one page per transaction, with the page's index work in the same
transaction (newspaper.outbox; the index writer, search.writer, makes it searchable).

`ingest_source` is the one way pages enter the archive: the `ingest` command and the upload job
both call it. A page is stored whole or not at all; the same dump again is `unchanged` (its
articles are queued once more, so a page whose index entries were lost becomes searchable
again), a changed dump of the same page is `updated` in place (articles keep their ids, so
permalinks survive re-imports).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext

from newspaper import outbox
from newspaper.i18n import localize, site_language
from newspaper.models import Issue, Page, Topic, Union
from newspaper.parser import ParsedPage, ParseError, parse_text
from newspaper.parser.reasons import reason
from newspaper.reading import Read, read_ahead, read_source
from newspaper.recognise import TopicRule, tag
from newspaper.recognise.unions import Mention, find_unions
from newspaper.sources import Source
from newspaper.store import Origin, store_articles

log = logging.getLogger(__name__)

READ_AHEAD_FROM = 20  # dumps in an import from which a second process reads them ahead
RACES = 3  # attempts at a page another import is storing at the same moment (same page, union…)


class Status:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class Outcome:
    source: str
    status: str
    message: str = ""
    page: Page | None = None
    articles: int = 0
    warnings: list[str] = field(default_factory=list)
    kept: list[tuple[int, list[str]]] = field(default_factory=list)  # corrections kept: (article id, fields)

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED

    def line(self) -> str:
        if self.failed:
            return f"{self.source}: failed: {self.message}"
        where = f" ({self.page})" if self.page else ""
        return (
            f"{self.source}: {self.status}{where}, {self.articles} articles"
            + (f"; {len(self.warnings)} warnings" if self.warnings else "")
            + (f"; kept the corrections of {len(self.kept)} articles" if self.kept else "")
        )

    def kept_lines(self) -> list[str]:
        """One line per corrected article whose correction was kept, for the command line."""
        return [
            f"  kept the correction of article {pk}: "
            + ("not in the new text, kept whole" if names == ["*"] else ", ".join(names))
            for pk, names in self.kept
        ]


def ingest_source(
    source: Source,
    *,
    date: dt.date | None = None,
    page: int | None = None,
    dry_run: bool = False,
    lookups: Lookups | None = None,
    take_new: Collection[int] = (),
    origin: Origin | None = None,
) -> Outcome:
    """Parse and store one dump. Never raises for bad input: the outcome says what went wrong.
    An import of many pages passes them all one `lookups` (or goes through ingest_sources).
    Corrections are kept except for the articles in `take_new`; `origin` says in the history
    where the new versions come from."""
    read = read_source(source, date=date, page=page)
    return store_read(read, dry_run=dry_run, lookups=lookups, take_new=take_new, origin=origin)


def ingest_sources(
    sources: Iterable[Source], *, date: dt.date | None = None, page: int | None = None, dry_run: bool = False
) -> Iterator[Outcome]:
    """Import many dumps, one page per transaction as ingest_source does, the next pages read
    and recognised in a second process meanwhile (newspaper.reading); a few are read here.
    `sources` may be a generator: only READ_AHEAD_FROM of them are looked at before starting."""
    lookups = Lookups()
    sources = iter(sources)
    head = list(islice(sources, READ_AHEAD_FROM))
    if len(head) < READ_AHEAD_FROM:
        for source in head:
            yield ingest_source(source, date=date, page=page, dry_run=dry_run, lookups=lookups)
        return
    _, rules = lookups.topics()
    for read in read_ahead(chain(head, sources), rules=rules, date=date, page=page):
        lookups.ahead_unions, lookups.ahead_topics = read.unions, read.topics
        yield store_read(read, dry_run=dry_run, lookups=lookups)


def store_read(
    read: Read,
    *,
    dry_run: bool = False,
    lookups: Lookups | None = None,
    take_new: Collection[int] = (),
    origin: Origin | None = None,
) -> Outcome:
    """Store a dump read_source has read, or say why it cannot be."""
    if read.error:
        return Outcome(read.name, Status.FAILED, read.error)
    return store_page(
        read.parsed,
        source_name=read.filename,
        sha256=read.sha256,
        raw_text=read.text,
        label=read.name,
        dry_run=dry_run,
        lookups=lookups,
        take_new=take_new,
        origin=origin or Origin(reason=_origin("import", read.filename)),
    )


def reparse_page(page: Page, *, dry_run: bool = False) -> Outcome:
    """Parse a stored page's raw text again (after the parser improved) and store the result."""
    label = f"{page.source_name} ({page})"
    try:
        parsed = parse_text(page.raw_text, date=page.issue.date, page=page.number)
    except ParseError as exc:
        return Outcome(label, Status.FAILED, exc.reason)
    parsed.encoding = page.encoding
    return store_page(
        parsed,
        source_name=page.source_name,
        sha256=page.sha256,
        raw_text=page.raw_text,
        label=label,
        dry_run=dry_run,
        force=True,
        origin=Origin(reason=_origin("reparse", page.source_name)),
    )


def store_page(parsed: ParsedPage, *, label: str, lookups: Lookups | None = None, **options) -> Outcome:
    """Store one parsed page in one transaction. Two imports meeting the same new page, union or
    person at once: the one that loses the race on a unique name tries again and finds the
    other's row."""
    lookups = lookups or Lookups()
    for attempt in range(1, RACES + 1):
        try:
            return _store_page(parsed, label=label, lookups=lookups, **options)
        except Exception as exc:  # the page is rolled back; a race is tried again, the rest reported
            lookups.forget()
            if attempt == RACES or not lost_a_race(exc):
                log.exception("importing %s failed", label)
                return Outcome(label, Status.FAILED, not_stored(exc))
    raise AssertionError("unreachable")


# Another transaction's fault, gone on a second try: PostgreSQL's deadlock and serialization
# failures (two imports creating the same new unions in another order), SQLite's busy database.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def lost_a_race(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or "database is locked" in str(exc)


def not_stored(exc: Exception) -> str:
    return reason("could not store the page: {error}", error=f"{exc.__class__.__name__}: {exc}")


def _store_page(
    parsed: ParsedPage,
    *,
    source_name: str,
    sha256: str,
    raw_text: str,
    label: str,
    lookups: Lookups,
    dry_run: bool = False,
    force: bool = False,
    take_new: Collection[int] = (),
    origin: Origin | None = None,
) -> Outcome:
    with transaction.atomic(), outbox.signals_paused():
        page = (
            Page.objects.select_for_update(of=("self",))
            .select_related("issue")
            .filter(issue__publication=parsed.publication, issue__date=parsed.date, number=parsed.page_number)
            .first()
        )
        if page and page.sha256 == sha256 and not force:
            queued = 0 if dry_run else outbox.queue_articles(page.articles.all(), bulk=True, touch=False)
            return Outcome(label, Status.UNCHANGED, page=page, articles=queued or page.articles.count())
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
        page.name = (parsed.page_name or page.name)[:20]  # a dump without the page's line keeps the name known
        page.source_name = source_name[:255]
        page.sha256 = sha256
        page.encoding = parsed.encoding
        page.raw_text = raw_text
        with site_language():  # shown in the admin; the command line prints the outcome's
            page.warnings = [localize(w) for w in parsed.warnings]
        page.save()
        result = store_articles(page, parsed, lookups, new=new, take_new=take_new, origin=origin)
        outcome.page, outcome.kept = page, result.kept
        if dry_run:
            transaction.set_rollback(True)
            lookups.forget()  # rows created by the rolled-back transaction
            outcome.message = reason("dry run: nothing stored")
            return outcome
        queued = [*((a.pk, page.pk) for a in result.articles), *((pk, page.pk) for pk in result.removed)]
        outbox.queue(queued, new=result.created, bulk=True)
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
    # What a reading process found in the page being stored (newspaper.reading.Read), by text
    ahead_unions: dict[str, list[Mention]] = field(default_factory=dict)
    ahead_topics: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def unions_in(self, text: str) -> list[Mention]:
        found = self.ahead_unions.get(text)
        return find_unions(text) if found is None else found

    def topics_in(self, texts: tuple[str, str], rules: list[TopicRule]) -> list[str]:
        found = self.ahead_topics.get(texts)
        return tag(*texts, rules) if found is None else found

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
        self.ahead_unions, self.ahead_topics = {}, {}


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


def _origin(kind: str, name: str) -> str:
    """The history's reason for a version an import or a reparse wrote, in the site's language."""
    with site_language():
        if kind == "reparse":
            return gettext("re-parsed: %(name)s") % {"name": name}
        return gettext("imported: %(name)s") % {"name": name}

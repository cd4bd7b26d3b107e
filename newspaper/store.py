"""Storing a parsed page's articles: their text, people, unions, topics and one history version
each, in a few queries per page (newspaper.ingest calls this inside the page's transaction)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from newspaper.corrections import TEXT_FIELDS, align, held, value_of
from newspaper.models import ARTICLE_HISTORY, Article, Credit, Page, Person, Topic, Union
from newspaper.parser import ParsedPage
from newspaper.recognise import TopicRule, regions_of, rule_texts_of, tag, unions_mentioned
from newspaper.recognise.unions import find_unions

SHIFT = 1000  # past any slot a page has (newspaper.parser.MAX_ARTICLES)
ALIAS_TRIES = 3  # a union whose aliases other imports change at the same moment
KNOWN_UNIONS = 20_000  # union rows an import keeps between pages (Lookups.unions), then reads again


@dataclass
class Origin:
    """Who or what a stored version comes from, for the history: the uploader or nobody (a
    command), and a reason such as "上传 #12：002.txt"."""

    user: object = None
    reason: str = ""


@dataclass
class Stored:
    articles: list[Article]
    created: set[int]  # ids
    removed: list[int]  # ids
    kept: list[tuple[int, list[str]]] = field(default_factory=list)  # corrected articles: (id, fields kept)


def store_articles(
    page: Page,
    parsed: ParsedPage,
    lookups,
    *,
    new: bool,
    take_new: Collection[int] = (),
    origin: Origin | None = None,
) -> Stored:
    """Write the page's articles, reusing the rows of the same articles (corrections.align).
    A field a person corrected keeps its value, unless the article's id is in `take_new`; a
    corrected article the new text lacks is kept whole. History gets one version per article
    (not one per save and per relation set), and the relations of the page's articles are
    written in one query each. The articles of a `new` page are inserted in one query, and
    nothing of theirs is looked for to replace. `lookups`: newspaper.ingest.Lookups."""
    existing = [] if new else list(page.articles.all())  # credits read only for corrected people
    aligned = align(existing, parsed.articles) if existing else {}
    matched = {id(a) for a in aligned.values()}
    leftover = [a for a in existing if id(a) not in matched]
    removed = [a.pk for a in leftover if not a.corrected]
    kept_whole = [a for a in leftover if a.corrected and a.pk not in take_new]
    removed += [a.pk for a in leftover if a.corrected and a.pk in take_new]
    if removed:
        Article.objects.filter(pk__in=removed).delete()
    if any(a.order != i + 1 for i, a in aligned.items()) or kept_whole:
        # Slots move: out of the way first (one article per slot is a constraint).
        Article.objects.filter(page=page).update(order=F("order") + SHIFT)
    topics, rules = lookups.topics()
    stored, created, links, kept, keep_people = [], set(), {"unions": [], "topics": []}, [], set()
    texts = []
    for order, item in enumerate(parsed.articles, start=1):
        article = aligned.get(order - 1) or Article(page=page, order=order)
        article.order = order
        if article.pk is None:
            created.add(order)
        elif article.pk in take_new:
            if "topics" in article.corrected:  # the new text is tagged by the rules again
                article.topics_locked = False
            article.corrected = []
        corrected = set(article.corrected)
        if kept_fields := held(article, item):
            kept.append((article.pk, kept_fields))
        for name in TEXT_FIELDS:
            if name not in corrected:
                setattr(article, name, value_of(item, name))
        if corrected & {"people", "byline"}:  # the names a corrected byline gives are the editor's too
            keep_people.add(order)
        article.kind = item.kind
        article.count_chars()
        texts.append("\n".join(rule_texts(article)))
        stored.append(article)
    mentions = [lookups.unions_in(text) for text in texts]
    absent = _unions_named(mentions, lookups.unions)
    for article, text, found in zip(stored, texts, mentions, strict=True):
        unions = store_unions(text, lookups.unions, found, absent)
        article.regions = regions_of(text, [u for _, u in unions_mentioned(text, found)])
        links["unions"] += [(article, u) for u in unions]
        if not article.topics_locked:
            chosen = lookups.topics_in(rule_texts(article), rules)
            links["topics"] += [(article, topics[name]) for name in chosen if name in topics]
    for n, article in enumerate(kept_whole, start=len(stored) + 1):
        Article.objects.filter(pk=article.pk).update(order=n)
        kept.append((article.pk, ["*"]))
    Article.objects.bulk_create([a for a in stored if a.order in created])
    for article in stored:
        if article.order not in created:
            article.skip_history_when_saving = True
            article.save()
            del article.skip_history_when_saving
    credited = [(a, item.people) for a, item in zip(stored, parsed.articles, strict=True) if a.order not in keep_people]
    _store_people([a for a, _ in credited], [p for _, p in credited], new=new)
    written = _link(stored, links, new=new)
    _record_history(stored, created, written, origin or Origin())
    return Stored(stored, {a.pk for a in stored if a.order in created}, removed, kept)


def _record_history(
    articles: list[Article], created: set[int], written: dict[str, tuple[set[int], list]], origin: Origin
) -> None:
    """One history version per article, with its topics as simple_history snapshots them, written
    for the whole page in a few queries (simple_history's create_historical_record costs a save
    and a query per tracked relation for each article: a quarter of the import's time). The
    relation rows _link has just `written` are snapshotted as they are; only the rest are read."""
    versions = []
    for new in (True, False):
        batch = [a for a in articles if (a.order in created) == new]
        if batch:
            versions += Article.history.bulk_history_create(
                batch, update=not new, default_user=origin.user, default_change_reason=origin.reason[:100]
            )
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
    if len(known) > KNOWN_UNIONS:  # an import of a million articles meets some 100,000 unions
        known.clear()
    names = set()
    for found in mentions:
        for mention in found:
            names.update(filter(None, (mention.union.canonical, mention.union.parent)))
    # Not `names - known.keys()`: a set less a dict's keys walks every key (the import of a million
    # articles slowed from 40 to 17 pages a second, more than half its time in this line).
    names = {name for name in names if name not in known}
    if names:
        known.update((u.name, u) for u in Union.objects.filter(name__in=names))
    return {name for name in names if name not in known}


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
    """Credit the page's people: a name is a person's name or one of their aliases (a printing
    merged into them, newspaper.people), else a new person. A few queries per page: the names,
    and only when some are not a name, the people who have aliases (as many as merges were
    made; SQLite has no lookup into a JSON list)."""
    if not new:
        Credit.objects.filter(article__in=articles).delete()
    names = {name for credits in people for name, _ in credits}
    persons = {p.name: p for p in Person.objects.filter(name__in=names)} if names else {}
    if names - persons.keys():
        for person in Person.objects.exclude(aliases=[]):
            persons.update((alias, person) for alias in person.aliases if alias in names and alias not in persons)
    fresh = sorted(names - persons.keys())
    if fresh:  # another import may be adding the same names right now: its rows are as good
        Person.objects.bulk_create([Person(name=name) for name in fresh], ignore_conflicts=True)
        persons.update((p.name, p) for p in Person.objects.filter(name__in=fresh))
    rows = []
    for article, credits in zip(articles, people, strict=True):
        seen = set()  # a name and its alias in one byline are one credit
        for order, (name, role) in enumerate(credits):
            if (persons[name].pk, role) not in seen:
                seen.add((persons[name].pk, role))
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
        if not mention.inferred and mention.written != union.name and mention.written not in union.aliases:
            _add_alias(union, mention.written)
        stored[union.name] = union
    return list(stored.values())


def _add_alias(union: Union, written: str) -> None:
    """Append an alias to the row as it is in the database, not only as this import read it: two
    imports adding aliases to one union at once keep both (the update applies only while the
    row still holds the list read; otherwise read it again)."""
    for _ in range(ALIAS_TRIES):
        aliases = [*union.aliases, written]
        if Union.objects.filter(pk=union.pk, aliases=union.aliases).update(aliases=aliases):
            union.aliases = aliases
            return
        union.aliases = Union.objects.values_list("aliases", flat=True).get(pk=union.pk)
        if written in union.aliases:
            return
    raise IntegrityError(f"the aliases of {union.name} keep changing")  # the page is tried again


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
    known[ref.canonical] = _created_union(
        Union(
            name=ref.canonical,
            slug=slugify(ref.canonical, allow_unicode=True),
            level=ref.level,
            region=ref.region or "",
            parent=parent,
        )
    )
    return known[ref.canonical]


def _created_union(union: Union) -> Union:
    """Insert a union, or take the row another import inserted a moment ago (the failed insert
    rolls back to its savepoint only); a different name with the same slug gets a numbered slug."""
    for n in range(2, 100):
        try:
            with transaction.atomic():  # a savepoint: a conflict rolls back this insert only
                union.save()
            return union
        except IntegrityError:
            found = Union.objects.filter(name=union.name).first()
            if found:
                return found
            union.pk, union.slug = None, f"{slugify(union.name, allow_unicode=True)}-{n}"
    raise RuntimeError(f"cannot find a free slug for {union.name}")


def _known_row(name: str, known: dict[str, Union], absent: set[str]) -> Union | None:
    if name in known or name in absent:
        return known.get(name)
    return Union.objects.filter(name=name).first()


def rule_texts(article: Article) -> tuple[str, str]:
    """(headline, body with captions): what the union and topic rules read of an article."""
    a = article
    return rule_texts_of(a.column, a.kicker, a.title, a.subtitle, a.body, a.captions)


def retag(article: Article, rules: list[TopicRule], topics: dict[str, Topic]) -> bool:
    """Apply the topic rules to one article (callers skip locked ones; its topics prefetched):
    whether they changed."""
    chosen = [topics[name] for name in tag(*rule_texts(article), rules) if name in topics]
    if {t.pk for t in chosen} == {t.pk for t in article.topics.all()}:
        return False
    article.topics.set(chosen)
    return True

"""One person, one name (issue 16): finding the people whose names are one OCR confusion apart,
merging a variant into the person kept, and undoing a merge.

A merge moves every credit of the variant to the person kept, keeps the variant's name (and
its own aliases) as aliases of the kept one, so that the next import of that printing credits
the right person (newspaper.store), records what it did (PersonMerge) and deletes the variant;
every article of the kept person is queued for the index in the same transaction
(newspaper.outbox). Undoing restores the variant under its old id, with its credits and
aliases, and takes the aliases back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from newspaper import learning, outbox
from newspaper.models import Article, Credit, DistinctPeople, Person, PersonMerge
from newspaper.recognise.lookalikes import lookalike_pairs

YEARS_APART = 2  # credited years this far apart still count as overlapping


class MergeRefusedError(Exception):
    """Why a merge or an undo cannot be done, in words for the admin."""


# -- suggestions ------------------------------------------------------------------------------
@dataclass
class Career:
    """A person as the suggestions see them: their name, the years they were credited in each
    role, and how many articles credit them."""

    pk: int
    name: str
    years: dict[str, tuple[int, int]]  # role: (first year, last year)
    articles: int = 0

    @property
    def span(self) -> tuple[int, int]:
        return min(y for y, _ in self.years.values()), max(y for _, y in self.years.values())


@dataclass
class Suggestion:
    """Two people who are most likely one: `keep` is the one proposed to keep (more articles)."""

    keep: Career
    variant: Career
    score: float  # how alike the two differing characters look
    roles: list[str]  # the roles they share, in years close enough

    @property
    def role_labels(self) -> list[str]:
        return [Credit.Role(r).label for r in self.roles]

    @property
    def years(self) -> tuple[int, int]:
        (a, b), (c, d) = self.keep.span, self.variant.span
        return min(a, c), max(b, d)


def named(name: str) -> Person | None:
    """The person printed under `name`: their name, or one of their aliases (a printing merged
    into them). The people who have aliases are few (merges are made by hand), and SQLite has no
    lookup into a JSON list: they are read when the name is no one's."""
    if "\x00" in name:  # PostgreSQL refuses NUL in a text value: no one is named so
        return None
    return Person.objects.filter(name=name).first() or next(
        (p for p in Person.objects.exclude(aliases=[]) if name in p.aliases), None
    )


def careers() -> dict[int, Career]:
    """Every credited person with their years per role, in one query."""
    rows = (
        Credit.objects.values("person_id", "person__name", "role")
        .annotate(first=Min("article__page__issue__date"), last=Max("article__page__issue__date"))
        .order_by()
    )
    found: dict[int, Career] = {}
    for row in rows:
        career = found.setdefault(row["person_id"], Career(row["person_id"], row["person__name"], {}))
        career.years[row["role"]] = (row["first"].year, row["last"].year)
    return found


def _shared_roles(a: Career, b: Career) -> list[str]:
    """The roles both were credited in, in years that overlap or are at most YEARS_APART apart."""
    shared = []
    for role in Credit.Role.values:
        if role in a.years and role in b.years:
            (a0, a1), (b0, b1) = a.years[role], b.years[role]
            if max(a0, b0) - min(a1, b1) <= YEARS_APART:
                shared.append(role)
    return shared


def _partners(pairs: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    partners: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), score in pairs.items():
        partners[a][b] = score
    return partners


def suggest(pairs: dict[tuple[str, str], float] | None = None) -> list[Suggestion]:
    """Pairs of people whose names have the same length (two characters or more) and differ in
    exactly one position by a look-alike character, who share a role in overlapping years (or
    years at most two apart), and whom no admin has judged different (DistinctPeople); most likely
    first: the more alike the characters, the longer the name, the closer the years, the more
    articles."""
    partners = _partners({**lookalike_pairs(), **learning.learned_pairs()} if pairs is None else pairs)
    people = careers()
    # Names alike but for position i share (name[:i], name[i+1:]): grouping by it finds the
    # candidates in one pass, however many people there are.
    around: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for career in people.values():
        name = career.name
        if len(name) >= 2:
            for i in range(len(name)):
                around[name[:i], name[i + 1 :]][name[i]].append(career.pk)
    found = []
    for chars in around.values():
        if len(chars) < 2:
            continue
        for char, ids in chars.items():
            for other, score in partners.get(char, {}).items():
                if char < other and other in chars:
                    found += [(score, people[a], people[b]) for a in ids for b in chars[other]]
    counts = _article_counts({c.pk for _, a, b in found for c in (a, b)})
    judged = set(DistinctPeople.objects.values_list("first", "second"))
    suggestions = []
    for score, a, b in found:
        roles = _shared_roles(a, b)
        if not roles or DistinctPeople.pair(a.name, b.name) in judged:
            continue
        a.articles, b.articles = counts.get(a.pk, 0), counts.get(b.pk, 0)
        keep, variant = sorted((a, b), key=lambda c: (-c.articles, c.pk))
        suggestions.append(Suggestion(keep, variant, score, roles))
    suggestions.sort(key=_likelihood)
    return suggestions


def judge_distinct(a: Person, b: Person, user=None) -> DistinctPeople:
    """An admin's judgement that two people are not one: the pair is not suggested again."""
    first, second = DistinctPeople.pair(a.name, b.name)
    if first == second:
        raise MergeRefusedError("同一个姓名，无从区分。")
    found, _ = DistinctPeople.objects.get_or_create(first=first, second=second, defaults={"decided_by": user})
    return found


def _likelihood(s: Suggestion) -> tuple:
    gap = max(s.keep.span[0], s.variant.span[0]) - min(s.keep.span[1], s.variant.span[1])
    return (-s.score, -len(s.keep.name), max(gap, 0), -(s.keep.articles + s.variant.articles), s.keep.name)


def _article_counts(ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = Credit.objects.filter(person_id__in=ids).values("person_id").annotate(n=Count("article_id", distinct=True))
    return {row["person_id"]: row["n"] for row in rows.order_by()}


# -- merging and undoing ------------------------------------------------------------------------
def merge(keep: Person, variant: Person, user=None) -> PersonMerge:
    """Merge `variant` into `keep` (see the module's note); the record of it."""
    if keep.pk == variant.pk:
        raise MergeRefusedError("不能把一个人员并入自己。")
    with transaction.atomic(), outbox.signals_paused():
        rows = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, variant.pk])}
        if len(rows) < 2:
            raise MergeRefusedError("要合并的人员已不存在（可能刚被合并或删除）。")
        keep, variant = rows[keep.pk], rows[variant.pk]
        credits = list(Credit.objects.filter(person=variant).order_by("pk"))
        held = set(
            Credit.objects.filter(person=keep, article_id__in={c.article_id for c in credits}).values_list(
                "article_id", "role"
            )
        )
        moved = [c for c in credits if (c.article_id, c.role) not in held]
        dropped = [c for c in credits if (c.article_id, c.role) in held]  # keep is credited there already
        Credit.objects.filter(pk__in=[c.pk for c in moved]).update(person=keep)
        Credit.objects.filter(pk__in=[c.pk for c in dropped]).delete()
        added = [n for n in dict.fromkeys([variant.name, *variant.aliases]) if n != keep.name and n not in keep.aliases]
        keep.aliases = [*keep.aliases, *added]
        keep.save(update_fields=["aliases"])
        repointed = list(PersonMerge.objects.filter(person=variant).values_list("pk", flat=True))
        PersonMerge.objects.filter(pk__in=repointed).update(person=keep)
        record = PersonMerge.objects.create(
            person=keep,
            kept_name=keep.name,
            variant_name=variant.name,
            variant_pk=variant.pk,
            variant_aliases=list(variant.aliases),
            added_aliases=added,
            credits=[_credit_row(c, moved=c in moved) for c in credits],
            repointed=repointed,
            merged_by=user,
        )
        variant.delete()
        outbox.queue_articles(Article.objects.filter(credits__person=keep))
    return record


def _credit_row(credit: Credit, *, moved: bool) -> dict:
    return {"id": credit.pk, "article": credit.article_id, "role": credit.role, "order": credit.order, "moved": moved}


def undo(record: PersonMerge, user=None) -> Person:
    """Restore the variant a merge removed: its row (under its old id when free), its credits,
    its aliases; the kept person loses the aliases the merge gave it. The restored person."""
    with transaction.atomic(), outbox.signals_paused():
        record = PersonMerge.objects.select_for_update().get(pk=record.pk)
        if record.undone_at is not None:
            raise MergeRefusedError("这次合并已经撤销过了。")
        keep = Person.objects.select_for_update().filter(pk=record.person_id).first()
        if keep is None:
            raise MergeRefusedError("保留的人员已被删除，无法撤销这次合并。")
        if Person.objects.filter(name=record.variant_name).exists():
            raise MergeRefusedError(f"已有名为“{record.variant_name}”的人员，无法撤销这次合并。")
        free = not Person.objects.filter(pk=record.variant_pk).exists()
        variant = Person(pk=record.variant_pk if free else None, name=record.variant_name)
        variant.aliases = list(record.variant_aliases)
        variant.save(force_insert=True)
        _restore_credits(record, keep, variant)
        taken = set(record.added_aliases)
        keep.aliases = [a for a in keep.aliases if a not in taken]
        keep.save(update_fields=["aliases"])
        PersonMerge.objects.filter(pk__in=record.repointed, person=keep).update(person=variant)
        record.undone_at, record.undone_by = timezone.now(), user
        record.save(update_fields=["undone_at", "undone_by"])
        outbox.queue_articles(Article.objects.filter(credits__person__in=[keep, variant]))
    return variant


def _restore_credits(record: PersonMerge, keep: Person, variant: Person) -> None:
    """The moved credits go back: by their id, or, for an article imported again since (its
    credits written anew), the kept person's credit in the same article and role, which the
    import gave it through the alias. The dropped ones are written again."""
    moved = [c for c in record.credits if c["moved"]]
    mine = {(c["article"], c["role"]) for c in moved}
    ids = {c["id"] for c in moved}
    back = [
        pk
        for pk, article, role in Credit.objects.filter(person=keep, article_id__in={a for a, _ in mine}).values_list(
            "pk", "article_id", "role"
        )
        if pk in ids or (article, role) in mine
    ]
    Credit.objects.filter(pk__in=back).update(person=variant)
    dropped = [c for c in record.credits if not c["moved"]]
    present = set(Article.objects.filter(pk__in=[c["article"] for c in dropped]).values_list("pk", flat=True))
    Credit.objects.bulk_create(
        [
            Credit(article_id=c["article"], person=variant, role=c["role"], order=c["order"])
            for c in dropped
            if c["article"] in present
        ]
    )

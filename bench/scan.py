"""The brute-force answer the benchmark compares the index with: every article's text held in
memory, each query answered by C-level substring search (str.find) over all of them."""

from __future__ import annotations

from collections import defaultdict


def bruteforce(params: dict, corpus: list[tuple]) -> int:
    """The same question answered by scanning every article's text in memory."""
    from search.analyzer import RUN_RE, normalise
    from search.query import parse

    query = parse(params.get("q", ""))
    needles = [normalise(run) for group in query.groups for c in group for run in RUN_RE.findall(c.text)]
    lo, hi = params.get("date_from", ""), params.get("date_to", "9999")
    union = params.get("union")
    hits = 0
    for text, date, unions in corpus:
        if lo and not lo <= date <= hi:
            continue
        if union and union not in unions:
            continue
        if all(n in text for n in needles):
            hits += 1
    return hits


def scan_corpus() -> list[tuple]:
    """Every article's searchable text, date and unions, as plain values (no model objects)."""
    from newspaper.models import Article, Credit
    from search.analyzer import FIELD_BREAK, indexed

    unions: dict[int, set[str]] = defaultdict(set)
    for article_id, name in Article.unions.through.objects.values_list("article_id", "union__name"):
        unions[article_id].add(name)
    people: dict[int, set[str]] = defaultdict(set)  # what search_indexes.searchable_text adds
    for article_id, name in Credit.objects.values_list("article_id", "person__name"):
        people[article_id].add(name)
    fields = ("column", "kicker", "title", "subtitle", "byline", "body")
    rows = Article.objects.values_list("pk", *fields, "captions", "page__issue__date").iterator(chunk_size=5000)
    return [
        (
            indexed(FIELD_BREAK.join(p for p in (*row[1:7], *row[7], *sorted(people[row[0]])) if p)),
            row[8].isoformat(),
            unions[row[0]],
        )
        for row in rows
    ]

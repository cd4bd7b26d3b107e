"""The query language of the search box, compiled to a Whoosh query string.

    易炼红 共同富裕        both must occur (each is matched as an exact substring)
    "工会信息工作"         an exact phrase (also “…” and 「…」)
    宁波 OR 温州           either (also | and 或)
    工会 -疫情             without (also －)
    标题:工会  title:工会   in the headline only
    作者:程雪  author:程雪  by a person named in a byline or photo credit

Nothing the user types can break the compiled query: every term is reduced to the characters the
index holds (CJK, digits, Latin letters), so operators and punctuation never reach Whoosh raw.
A query of nothing but exclusions or punctuation is empty; an empty query lists everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from search import tolerant as tolerance
from search.analyzer import RUN_RE, folded

FIELDS = {"标题": "headline", "title": "headline", "题名": "headline", "作者": "author", "author": "author"}
INDEX_FIELD = {"text": "grams", "headline": "headline_grams", "author": "people_grams"}
TOKEN_RE = re.compile(
    r"""(?P<neg>[-－])?(?:(?P<field>标题|题名|title|作者|author)\s*[:：]\s*)?"""
    r"""(?:"(?P<q1>[^"]*)"?|“(?P<q2>[^”]*)”?|「(?P<q3>[^」]*)」?|(?P<word>[^\s"“”「」]+))""",
    re.I,
)
OR_WORDS = {"OR", "|", "或", "||"}
# Every article: a real term (haystack's content-type field), not Whoosh's *:*, which swallows
# whatever it is combined with.
EVERYTHING = "django_ct:(newspaper.article)"
# Of some grams in a field, the articles holding each (search.engine.gram_frequencies)
Frequency = Callable[[str, list[str]], dict[str, int]]
# The variants of a run worth trying in a field (ParsedQuery.tried)
Tried = Callable[[str, str], list[str]]


@dataclass
class Clause:
    text: str  # the runs of the term, space-separated, normalised
    field: str = "text"
    negated: bool = False
    quoted: bool = False  # typed as "a phrase": shown with its quotes

    def whoosh(self, tolerant: bool = False, tried: Tried | None = None) -> str:
        """The clause for Whoosh; a tolerant one also matches its runs' variants (`tried`: which
        of them are worth trying in a field, by default all)."""
        index_field = INDEX_FIELD[self.field]
        if not tolerant:
            return f"{index_field}:({self.text})"
        runs = [
            "(" + " OR ".join(f"{index_field}:({r})" for r in [run, *(tried or _every)(index_field, run)]) + ")"
            for run in self.text.split()
        ]
        return runs[0] if len(runs) == 1 else "(" + " AND ".join(runs) + ")"


def _every(index_field: str, run: str) -> list[str]:
    return tolerance.variants(run)


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    tolerant: bool = False  # 容错: terms also match one look-alike character off (search.tolerant)
    # Of some grams in a field, the articles holding each: with it, a tolerant query tries only the
    # plausible variants (search.tolerant.plausible); without, every one.
    frequency: Frequency | None = field(default=None, repr=False, compare=False)
    _tried: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def highlight_terms(self) -> list[str]:
        """What to mark in titles and text: every run of every positive term."""
        terms = {run for group in self.groups for c in group if c.field != "author" for run in c.text.split()}
        return sorted(terms, key=len, reverse=True)

    @property
    def positive_runs(self) -> list[str]:
        return [run for group in self.groups for c in group for run in c.text.split()]

    def tried(self, index_field: str, run: str) -> list[str]:
        """The variants of a run worth trying in a field: the plausible ones, given `frequency`."""
        if self.frequency is None:
            return tolerance.variants(run)
        if (index_field, run) not in self._tried:
            frequency = self.frequency
            self._tried[index_field, run] = tolerance.plausible(run, lambda grams: frequency(index_field, grams))
        return self._tried[index_field, run]

    def variant_terms_if_tolerant(self) -> list[str]:
        """The variants this query would try with 容错 on (whether or not it is on)."""
        found = (
            v
            for group in self.groups
            for c in group
            for run in c.text.split()
            for v in self.tried(INDEX_FIELD[c.field], run)
        )
        return list(dict.fromkeys(found))

    @property
    def variant_terms(self) -> list[str]:
        """In a tolerant search, the look-alike variants of every positive term."""
        return self.variant_terms_if_tolerant() if self.tolerant else []

    def whoosh(self) -> str:
        """The compiled query: the matching set is exact substring matching on character grams;
        headline and word (jieba) matches only add to the score, through ANDMAYBE. A tolerant
        query matches the terms' variants too, and its exact terms, boosted far above, keep
        exact matches first."""
        widen = bool(self.variant_terms)  # no term long enough, or no look-alike: an exact query
        positive = " AND ".join(
            "(" + " OR ".join(c.whoosh(widen, self.tried) for c in group) + ")"
            if len(group) > 1
            else group[0].whoosh(widen, self.tried)
            for group in self.groups
        )
        boost = " OR ".join(
            f"headline_grams:({c.text})^4 OR text:({c.text})"
            for group in self.groups
            for c in group
            if c.field == "text"
        )
        if widen and positive:
            exact = " OR ".join(f"{c.whoosh()}^{tolerance.EXACT_BOOST}" for group in self.groups for c in group)
            boost = f"{boost} OR {exact}" if boost else exact
        query = f"(({positive}) ANDMAYBE ({boost}))" if positive and boost else f"({positive})" if positive else ""
        if self.excluded:
            negative = " OR ".join(c.whoosh() for c in self.excluded)
            query = f"({query or EVERYTHING} ANDNOT ({negative}))"
        return query or EVERYTHING

    def __str__(self) -> str:  # the query, normalised, as a person would type it
        def show(c: Clause) -> str:
            label = {"headline": "标题:", "author": "作者:"}.get(c.field, "")
            text = f'"{c.text}"' if " " in c.text or c.quoted else c.text
            return f"{'-' if c.negated else ''}{label}{text}"

        parts = [" OR ".join(show(c) for c in group) for group in self.groups]
        return " ".join(parts + [show(c) for c in self.excluded])


def parse(raw: str, *, tolerant: bool = False) -> ParsedQuery:
    parsed = ParsedQuery(tolerant=tolerant)
    pending_or = False
    for m in TOKEN_RE.finditer(raw or ""):
        word = m.group("word")
        if word is not None and word.upper() in OR_WORDS and not m.group("field") and not m.group("neg"):
            pending_or = bool(parsed.groups)
            continue
        text = next((g for g in (m.group("q1"), m.group("q2"), m.group("q3"), word) if g is not None), "")
        runs = RUN_RE.findall(folded(text))
        if not runs:
            continue
        field_name = FIELDS.get((m.group("field") or "").lower(), "text")
        quoted = word is None
        clause = Clause(" ".join(runs), field_name, negated=bool(m.group("neg")), quoted=quoted)
        if clause.negated:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    return parsed

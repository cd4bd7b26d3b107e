"""Tolerant search (容错, issue 16): a query term of three or more characters also matches text
that differs from it by one look-alike character (形近字) in one position, the commonest OCR
error in the archive (金钧胤 printed 金钩胤, 邹伟锋 printed 邹伟峰).

The variants are spelled out in the compiled query (search.query), so matching, counts, facets,
the chart and exports all follow one matched set, and the engine needs nothing new. Each
variant is a phrase of character grams like the term itself. Each character's look-alikes come
from the wide table (its 48 closest glyphs: newspaper.recognise.lookalikes), far more than a term
could try by phrase look-ups, so the candidates are first checked against the index's grams, all
at once, one look-up per segment (`plausible`, search.engine.gram_frequencies): a variant with a gram
no article holds can match nothing, and only the few left reach the query. Like a fuzzy query
that expands only to terms in the dictionary, what is tried is bounded by what is printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from newspaper import learning
from newspaper.recognise.lookalikes import WIDE, alike_from, close_from, holding_from
from search.analyzer import RUN_RE, query_grams

MIN_LENGTH = 3  # shorter terms would match too much that is merely another word
# Close look-alikes tried per position, the closest first (锋/峰 is 7th): the table's pairs.
MOST_PER_CHARACTER = 12
# ... and characters that hold it or that it holds (湖/胡: a radical dropped or taken in), apart, so
# that they never push a look-alike out of the twelve.
MOST_HELD_PER_CHARACTER = 3
# Far look-alikes: the rest of the character's WIDE closest glyphs (晨/晟 is 15th of 晨's, 红/缸
# 31st of 红's). Many are another word's character (建/理: 党建工作, 管理工作), so one is taken for a
# misreading only where the grams it makes are rarer in the archive than the term's (`plausible`).
MOST_FAR_PER_CHARACTER = WIDE
EXACT_BOOST = 1000  # an exact match ranks above every variant's


@cache
def _neighbours(alike: int, close: int, holding: int) -> dict[str, tuple[str, str]]:
    """Each character's close and far look-alikes, each a string, not a list: a list would hold
    each look-alike as a str object of its own, some 25 MB in every worker for the wide table."""
    wide, near, held = alike_from(), close_from(), holding_from()
    out = {}
    for a in wide.keys() | near.keys() | held.keys():
        # only what the index holds can reach the compiled query
        mine = "".join(b for b in near.get(a, "") if RUN_RE.fullmatch(b))[:MOST_PER_CHARACTER]
        holding = [b for b in held.get(a, "") if RUN_RE.fullmatch(b)][:MOST_HELD_PER_CHARACTER]
        mine += "".join(b for b in holding if b not in mine)
        far = "".join(b for b in wide.get(a, "")[:MOST_FAR_PER_CHARACTER] if RUN_RE.fullmatch(b) and b not in mine)
        out[a] = (mine, far)
    return out


def closest(scored: tuple[float, str]) -> tuple[float, str]:
    return -scored[0], scored[1]


def neighbours() -> dict[str, tuple[str, str]]:
    """Each character's close and far look-alikes, the closest first (read again when the table
    changes)."""
    return _neighbours(id(alike_from()), id(close_from()), id(holding_from()))


_learned: tuple[float, dict[str, list[str]]] = (0.0, {})
LEARNED_FOR = 30.0  # seconds a process keeps the pairs learned from corrections before reading again


def learned_neighbours() -> dict[str, list[str]]:
    """Look-alikes that editors' corrections taught (newspaper.learning), the most taught first."""
    global _learned
    if time.monotonic() >= _learned[0]:
        by_char: dict[str, list[tuple[float, str]]] = {}
        for (a, b), score in learning.learned_pairs().items():
            if RUN_RE.fullmatch(b):
                by_char.setdefault(a, []).append((score, b))
        _learned = (
            time.monotonic() + LEARNED_FOR,
            {a: [b for _, b in sorted(f, key=closest)] for a, f in by_char.items()},
        )
    return _learned[1]


@dataclass(frozen=True)
class Variant:
    text: str
    at: int  # the position of the look-alike
    far: bool  # through a far look-alike (MOST_FAR_PER_CHARACTER)


def candidates(run: str) -> list[Variant]:
    """The strings that differ from `run` by one look-alike character in one position: the pairs
    learned from corrections first, then the table's close look-alikes, then the far ones."""
    if len(run) < MIN_LENGTH:
        return []
    near, learned = neighbours(), learned_neighbours()
    out = []
    for i, char in enumerate(run):
        taught = learned.get(char, [])
        close, far = near.get(char, ("", ""))
        for other in [*taught, *(c for c in close if c not in taught)]:
            out.append(Variant(run[:i] + other + run[i + 1 :], i, False))
        out += [Variant(run[:i] + other + run[i + 1 :], i, True) for other in far if other not in taught]
    return out


def variants(run: str) -> list[str]:
    """Every variant of `run` (`candidates`) as text: what a text may hold for it."""
    return [v.text for v in candidates(run)]


def _touching(text: str, at: int) -> list[str]:
    """The grams of `text` that hold its character at `at`."""
    return [text[i : i + 2] for i in (at - 1, at) if i >= 0 and i + 1 < len(text)]


def plausible(run: str, frequency: Callable[[list[str]], dict[str, int]]) -> list[str]:
    """The variants of `run` worth a query, given `frequency` (of some grams, the articles holding
    each): every gram held by some article (a variant with a gram none holds can match nothing);
    and for a far look-alike, the grams it makes rarer than the term's grams there: OCR misreads a
    few of a word's occurrences, so a pair of characters printed more often than the term's is
    another word (理工作 is no misreading of 建工作)."""
    found = candidates(run)
    wanted = {gram for v in found for grams in query_grams(v.text) for gram in grams}
    wanted |= {gram for v in found if v.far for gram in _touching(run, v.at)}
    df = frequency(sorted(wanted)) if wanted else {}

    def rarest(grams: list[str]) -> int:
        return min((df.get(g, 0) for g in grams), default=0)

    return [
        v.text
        for v in found
        if all(df.get(gram, 0) for grams in query_grams(v.text) for gram in grams)
        and (not v.far or rarest(_touching(v.text, v.at)) < rarest(_touching(run, v.at)))
    ]


def variants_in(text: str, variants: list[str]) -> list[str]:
    """The variants (a query's, search.query.ParsedQuery.variant_terms) that `text`, already
    normalised as the index holds it, contains, in their order: what a tolerant hit matched."""
    return [v for v in dict.fromkeys(variants) if v in text]

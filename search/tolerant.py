"""Tolerant search (容错, issue 16): a query term of three or more characters also matches text
that differs from it by one look-alike character (形近字) in one position, the commonest OCR
error in the archive (金钧胤 printed 金钩胤, 邹伟锋 printed 邹伟峰).

The variants are spelled out in the compiled query (search.query), so matching, counts, facets,
the chart and exports all follow one matched set, and the engine needs nothing new. Each
variant is a phrase of character grams like the term itself; one that never occurs costs a
look-up of its rarest gram and nothing more. The look-alike pairs: newspaper.recognise.lookalikes
(the shipped table, or its seed).
"""

from __future__ import annotations

import time
from functools import cache

from newspaper import learning
from newspaper.recognise.lookalikes import HELD, held_pairs, lookalike_pairs
from search.analyzer import RUN_RE

MIN_LENGTH = 3  # shorter terms would match too much that is merely another word
MOST_PER_CHARACTER = 12  # look-alikes tried per position, the closest first (锋/峰 is 7th)
# ... and characters that hold it or that it holds (湖/胡: a radical dropped or taken in), apart, so
# that they never push a look-alike out of the twelve.
MOST_HELD_PER_CHARACTER = 3
EXACT_BOOST = 1000  # an exact match ranks above every variant's


@cache
def _neighbours(pairs_id: int) -> dict[str, list[str]]:
    alike: dict[str, list[tuple[float, str]]] = {}
    holding: dict[str, list[tuple[float, str]]] = {}
    held = held_pairs()
    for (a, b), score in lookalike_pairs().items():
        if RUN_RE.fullmatch(b):  # only what the index holds can reach the compiled query
            if held.get((a, b)) != HELD:
                alike.setdefault(a, []).append((score, b))
            if (a, b) in held:
                holding.setdefault(a, []).append((score, b))
    out = {}
    for a in alike.keys() | holding.keys():
        out[a] = [b for _, b in sorted(alike.get(a, []), key=closest)[:MOST_PER_CHARACTER]]
        out[a] += [b for _, b in sorted(holding.get(a, []), key=closest)[:MOST_HELD_PER_CHARACTER] if b not in out[a]]
    return out


def closest(scored: tuple[float, str]) -> tuple[float, str]:
    return -scored[0], scored[1]


def neighbours() -> dict[str, list[str]]:
    """Each character's look-alikes, the closest first (read again when the table changes)."""
    return _neighbours(id(lookalike_pairs()))


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


def variants(run: str) -> list[str]:
    """The strings that differ from `run` by one look-alike character in one position: the pairs
    learned from corrections first, then the table's."""
    if len(run) < MIN_LENGTH:
        return []
    near, learned = neighbours(), learned_neighbours()
    out = []
    for i, char in enumerate(run):
        taught = learned.get(char, [])
        for other in [*taught, *(c for c in near.get(char, ()) if c not in taught)]:
            out.append(run[:i] + other + run[i + 1 :])
    return out


def variants_in(text: str, terms: list[str]) -> list[str]:
    """The variants of `terms` that `text` (already normalised as the index holds it) contains,
    in the order of the terms: what a tolerant hit actually matched."""
    found = []
    for term in terms:
        for variant in variants(term):
            if variant in text and variant not in found:
                found.append(variant)
    return found

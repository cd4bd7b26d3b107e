"""Topic tagging by weighted terms: each topic's terms raise (or lower) its score; topics whose
score reaches their threshold, and at least 40 % of the best, are assigned, at most three. An
article always gets at least one topic when any term matches at all."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "topics.json"
MAX_TOPICS = 3
MAX_COUNT = 3  # occurrences of one term that count
HEADLINE_FACTOR = 3
RELATIVE_CUT = 0.4


@dataclass(frozen=True)
class TopicRule:
    name: str
    terms: dict[str, float] = field(default_factory=dict)
    threshold: float = 5.0


@cache
def default_rules() -> tuple[TopicRule, ...]:
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    return tuple(TopicRule(t["name"], t["terms"], t["threshold"]) for t in data["topics"])


def score(rule: TopicRule, headline: str, body: str) -> float:
    total = 0.0
    for term, weight in rule.terms.items():
        total += weight * (min(body.count(term), MAX_COUNT) + HEADLINE_FACTOR * min(headline.count(term), 1))
    return total


def tag(headline: str, body: str, rules: tuple[TopicRule, ...] | list[TopicRule] | None = None) -> list[str]:
    """Topic names for one article, best first."""
    scored = sorted(((score(r, headline, body), r) for r in rules or default_rules()), key=lambda x: -x[0])
    if not scored or scored[0][0] <= 0:
        return []
    best = scored[0][0]
    chosen = [r.name for s, r in scored if s >= r.threshold and s >= RELATIVE_CUT * best][:MAX_TOPICS]
    return chosen or [scored[0][1].name]

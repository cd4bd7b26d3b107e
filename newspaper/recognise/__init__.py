"""Recognising unions, topics and regions in article text (pure Python, like the parser)."""

from __future__ import annotations

from collections import Counter
from functools import cache

from newspaper.recognise.topics import TopicRule, tag
from newspaper.recognise.unions import Union, gazetteer, unions_mentioned

__all__ = ["TopicRule", "Union", "annotate", "regions_of", "rule_texts_of", "tag", "unions_mentioned"]


def article_text(article: dict) -> tuple[str, str]:
    headline = " ".join(article.get(k) or "" for k in ("column", "kicker", "title", "subtitle"))
    body = "\n".join([article.get("body") or "", *(article.get("captions") or [])])
    return headline, body


def rule_texts_of(
    column: str, kicker: str, title: str, subtitle: str, body: str, captions: list[str]
) -> tuple[str, str]:
    """(headline, body with captions): what the union and topic rules read of an article."""
    return " ".join(p for p in (column, kicker, title, subtitle) if p), "\n".join([body, *captions])


def regions_of(text: str, unions: list[Union]) -> list[str]:
    """Prefecture cities an article is about: from its unions and the places it names, most
    mentioned first."""
    counts: Counter[str] = Counter(u.region for u in unions if u.region)
    for needle, city in _place_needles():
        counts[city] += text.count(needle)
    return [city for city, n in counts.most_common() if n > 0]


@cache
def _place_needles() -> list[tuple[str, str]]:
    """(what to count, its prefecture city) for every place: the short name when it has two
    characters or more (德清 for 德清县), else the full name."""
    g = gazetteer()
    out = []
    for full, city in g.city_of.items():
        short = g.short(full)
        out.append((short if len(short) >= 2 else full, city))
    return out


def annotate(result: dict, rules: list[TopicRule] | None = None) -> dict:
    """Add `unions_mentioned`, `topics` and `regions` to each article of a parse_dump result."""
    for article in result["articles"]:
        headline, body = article_text(article)
        found = unions_mentioned(f"{headline}\n{body}")
        article["unions_mentioned"] = [written for written, _ in found]
        article["topics"] = tag(headline, body, rules)
        article["regions"] = regions_of(f"{headline}\n{body}", [u for _, u in found])
    return result

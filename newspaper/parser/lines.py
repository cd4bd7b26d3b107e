"""What one line of a page is: a headline, a caption, a credit, the end of a paragraph, a
signature; and how a run of lines above a byline divides into an article's furniture.
Used by the layout (newspaper.parser.layout), which assembles the articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bylines import split_credit, split_signature
from .model import ParsedArticle

PHOTO_GAP = 3  # blank lines an image leaves behind
MAX_HEADLINE_CHARS = 48
MAX_HEADLINE_LINES = 5
TERMINATED_RE = re.compile(r"[。！？!?…]+[”’」』)）》\"']*$")
PUNCT_RE = re.compile(r"[，,、；;：:。！？!?]")
PULL_QUOTE_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：](?=.{8,})")
SUBHEAD_MAX = 24
# How a news item without a byline opens: its day (7月12日, 日前, 近日…) or its source (记者从…获悉).
DATELINE_RE = re.compile(
    r"^(?:(?:\d{1,2}月\d{1,2}日|\d{1,2}月[上中下]旬|日前|近日|近期|昨天|昨日|今天|连日来|近年来|今年以来)"
    r"(?:[上下]午|晚上?|起)?[,，]|记者从\S{2,30}?(?:获悉|了解到))"
)


@dataclass
class Unit:
    """One non-empty line of the page, with the blank lines above it."""

    text: str
    gap: int

    @property
    def terminated(self) -> bool:
        return bool(TERMINATED_RE.search(self.text))


def terminated(text: str) -> bool:
    return bool(TERMINATED_RE.search(text))


def finished(text: str) -> bool:
    """A paragraph that ends: its last sentence, or a photo credit closing a caption."""
    return terminated(text) or bool(split_credit(text))


def headline_like(text: str) -> bool:
    flat = text.replace(" ", "")
    if not 2 <= len(flat) <= MAX_HEADLINE_CHARS or "。" in flat or re.search(r"[；;]", flat):
        return False
    if re.search(r"[，,、：:]$", flat):
        return False
    return not re.search(r"[！？!?…]$", flat) or len(flat) <= 24


def pre_kind(unit: Unit, below: list[str]) -> str | None:
    if split_credit(unit.text):
        return "C"
    if PULL_QUOTE_RE.match(unit.text) and all(k == "P" for k in below):
        return "P"
    if headline_like(unit.text):
        return "H"
    if unit.gap >= PHOTO_GAP and len(unit.text) <= 160:
        return "C"
    return None


def _signs_off(unit: Unit, above: Unit) -> bool:
    return split_signature(unit.text, finished(above.text)) == ("", unit.text)


def credit_only(text: str) -> bool:
    """A photo credit with no caption text on its line (包永红 项晓敏 摄)."""
    credit = split_credit(text)
    return bool(credit) and not credit[0]


def _closes_caption_above(unit: Unit, above: Unit) -> bool:
    """A credit on its own line right under a paragraph that no photo separates from the text
    above it: the last of a photo item's captions (…图为学生在考官注视下加工零件 / 包永红 摄)."""
    return credit_only(unit.text) and unit.gap < PHOTO_GAP and above.gap < PHOTO_GAP


def walk_back(units: list[Unit], anchor: int, floor: int) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    j = anchor - 1
    while j >= floor:
        if j > floor and _signs_off(units[j], units[j - 1]):
            break  # a name alone under a finished paragraph signs the piece above: not a headline
        if j > floor and _closes_caption_above(units[j], units[j - 1]):
            break  # a credit alone closes the caption over it, which belongs to the item above
        kind = pre_kind(units[j], [k for k, _ in found])
        if kind is None or (kind == "H" and sum(k == "H" for k, _ in found) >= MAX_HEADLINE_LINES):
            break
        found.insert(0, (kind, j))
        j -= 1
    # A headline is set in one block: a headline-like line under a photo, below a headline, is
    # the photo's caption (如今现代化的铸造生产线: no credit, no full stop).
    for k in range(1, len(found)):
        if found[k][0] == "H" and found[k - 1][0] == "H" and units[found[k][1]].gap >= PHOTO_GAP:
            found[k] = ("C", found[k][1])
    return found


def kind_runs(items: list[tuple[str, int]]) -> list[tuple[str, list[int]]]:
    runs: list[tuple[str, list[int]]] = []
    for kind, idx in items:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(idx)
        else:
            runs.append((kind, [idx]))
    return runs


def join_paragraphs(texts: list[str]) -> list[str]:
    """Rejoin paragraphs cut by column breaks and hard wraps: a paragraph that does not end a
    sentence goes on in the next one. Runs of two or more short lines without any punctuation,
    after a finished paragraph, are section subheads (小标题) and stay lines of their own."""
    texts = [t.strip() for t in texts if t.strip()]
    bare = [len(t) <= SUBHEAD_MAX and not PUNCT_RE.search(t) for t in texts]
    subhead = [False] * len(texts)
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and bare[j]:
            j += 1
        if j - i >= 2 and (i == 0 or terminated(texts[i - 1])):
            subhead[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    paragraphs: list[str] = []
    for k, text in enumerate(texts):
        if paragraphs and not subhead[k] and not subhead[k - 1] and not terminated(paragraphs[-1]):
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
    return paragraphs


def kind_of(article: ParsedArticle) -> str:
    if not article.body and article.captions:
        return "photo"
    if not article.byline and DATELINE_RE.match(article.body):
        return "news"  # a short report without a byline: it opens with its day or its source
    if not article.byline or not re.match(r"^(本报讯|本报\S*电|\S*社\S*电)", article.byline):
        return "feature"
    return "news"

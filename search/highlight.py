"""Marking query terms in text. Haystack's highlighter splits on spaces, which Chinese does not
have; this one finds each term as a substring of the normalised text (full-width and case
folded, as the index sees it) and maps the hits back to the original characters. Text is
escaped piece by piece, so nothing from a dump or a query reaches the page unescaped."""

from __future__ import annotations

import re
from bisect import bisect_right

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.analyzer import CJK_GAP_RE, normalise

_CHARS: dict[str, str] = {}  # each character normalised once per process (a few thousand)
# CJK_GAP_RE's non-empty matches only: it also matches nothing between every two characters.
_GAP_RE = re.compile(r"(?=\s)" + CJK_GAP_RE.pattern)


class _Shifted:
    """Where each character of a text with its CJK gaps removed stands in the text: its index
    plus the length of the gaps before it (a look-up per hit, not a list per character)."""

    def __init__(self, gaps: list[tuple[int, int]]):
        self.at, self.shift, removed = [], [0], 0
        for start, end in gaps:
            self.at.append(start - removed)  # where the gap falls in the joined text
            removed += end - start
            self.shift.append(removed)

    def __getitem__(self, i: int) -> int:
        return i + self.shift[bisect_right(self.at, i)]


def _one_for_one(text: str) -> dict[int, str] | None:
    """What normalising changes in `text`, character by character, when every character stays
    one character (full-width punctuation and letters, upper case): a table for str.translate.
    None when one becomes several (㈠ → (一)): then positions move."""
    table = {}
    for ch in set(text):
        n = _CHARS.get(ch)
        if n is None:
            n = _CHARS[ch] = normalise(ch)
        if n != ch:
            if len(n) != 1:
                return None
            table[ord(ch)] = n
    return table


def _normalised_with_map(text: str) -> tuple[str, _Shifted | list[int]]:
    """The text as the index holds it (search.analyzer.indexed) and, for each of its characters,
    where it stands in `text`: a term found across a headline's line break is marked whole.

    Almost every character normalises to one character (，to ,): then only the gaps move
    characters, and the map is worked out per hit, not built per character (KWIC reads
    thousands of articles for a page)."""
    table = _one_for_one(text)
    if table is not None:
        gaps = [m.span() for m in _GAP_RE.finditer(text)]
        flat = text.translate(table) if table else text
        if gaps:
            ends = [0, *(e for _, e in gaps)]
            starts = [*(s for s, _ in gaps), len(flat)]
            flat = "".join(flat[a:b] for a, b in zip(ends, starts, strict=True))
        return flat, _Shifted(gaps)
    gaps = {i for m in CJK_GAP_RE.finditer(text) for i in range(m.start(), m.end())}
    out, where = [], []
    for i, ch in enumerate(text):
        if i in gaps:
            continue
        n = _CHARS.get(ch)
        if n is None:
            n = _CHARS[ch] = normalise(ch)
        out.append(n)
        if len(n) == 1:
            where.append(i)
        else:
            where.extend([i] * len(n))
    return "".join(out), where


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) character ranges of `text` where any term occurs."""
    if not text or not terms:
        return []
    flat, where = _normalised_with_map(text)
    found = []
    for term in terms:
        term = normalise(term)
        if not term:
            continue
        start = flat.find(term)
        while start != -1:
            found.append((where[start], where[start + len(term) - 1] + 1))
            start = flat.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], variants: list[str] = ()) -> SafeString:
    """`text` escaped, every term marked; `variants` (a tolerant search's look-alike matches)
    marked as such, where no term is."""
    exact = spans(text, terms)
    marks = [(start, end, "") for start, end in exact]
    for start, end in spans(text, list(variants)):
        if not any(s < end and start < e for s, e in exact):
            marks.append((start, end, ' class="variant" title="形近字：可能的识别错误"'))
    out, at = [], 0
    for start, end, attrs in sorted(marks):
        out.append(escape(text[at:start]))
        out.append(f"<mark{attrs}>{escape(text[start:end])}</mark>")
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))


def snippet(text: str, terms: list[str], width: int = 140, before: int = 30, variants: list[str] = ()) -> SafeString:
    """A window of `width` characters around the first hit (the start of the text without one),
    with every hit inside it marked."""
    text = " ".join(text.split())
    hits = spans(text, [*terms, *variants])
    start = max(0, hits[0][0] - before) if hits else 0
    end = min(len(text), start + width)
    window = text[start:end]
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return mark_safe(escape(prefix) + highlight(window, terms, variants) + escape(suffix))

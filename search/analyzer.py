"""Analyzers for Chinese text.

Two views of the same text go into the index:
- words (jieba): what ranking (BM25) reads, so an article about 共同富裕 outranks one that merely
  contains the characters;
- character grams with positions: what *matching* reads. At every character position the index
  holds the bigram starting there (the last character of a run holds itself), so any string of
  two or more characters is an exact phrase of bigrams, and a single character is a prefix of
  the grams starting with it. Word segmentation alone misses strings that cross word boundaries
  (工会信息 in 全省工会信息工作); the grams make recall exact.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

import jieba
from whoosh import query
from whoosh.analysis import Token, Tokenizer

jieba.setLogLevel(logging.WARNING)

# Runs of characters that are searched as text; anything else (punctuation, spaces) separates.
RUN_RE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


# Whitespace between two Chinese characters, with at most one line break in it: a headline broken
# over two lines (在高质量发展中 走好新时代赶考路), a paragraph cut by a column break. Chinese
# puts no spaces between words, so it never separates what a reader would type as one string.
# A blank line (two breaks) does: it is what separates an article's fields (FIELD_BREAK).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# (Never empty: a pattern that may match nothing matched between every two characters, and
# sub() spent five times longer replacing those empty matches with nothing.)
CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])(?:[^\S\n]+\n?|\n)[^\S\n]*(?=[{_CJK}])")
FIELD_BREAK = "\n\n"


def normalise(text: str) -> str:
    """Full-width forms to ASCII, upper to lower: what both the index and the queries see."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.cache
def _to_simplified():
    import opencc  # loaded by the first query, not by every process that imports the analyzer

    return opencc.OpenCC("t2s")


def folded(text: str) -> str:
    """A query as the paper prints it: normalised (full-width forms, Kangxi radicals such as ⼯
    are NFKC's), and traditional characters made simplified (工會 → 工会). Only queries are
    folded: the text stays as printed, and the index holds it normalised."""
    return _to_simplified().convert(normalise(text))


@functools.lru_cache(maxsize=64)  # an article's texts are read for its grams, then for its words
def indexed(text: str) -> str:
    """Text as the index holds it: normalised, and whitespace between Chinese characters gone,
    so that no space or line break inside a headline or a paragraph stops a match. (Queries
    are not joined: a space a reader types separates two terms.)"""
    return CJK_GAP_RE.sub("", normalise(text))


def gram_terms(text: str, *, joined: bool = False) -> list[tuple[str, int]]:
    """(gram, start offset) for every searchable character of `text` (`joined`: of the text as
    the index holds it, offsets then counting the joined text)."""
    out = []
    for run in RUN_RE.finditer(indexed(text) if joined else normalise(text)):
        s, start = run.group(0), run.start()
        for i in range(len(s)):
            out.append((s[i : i + 2], start + i))
    return out


def gram_positions(text: str) -> dict[str, list[int]]:
    """Each gram of `text` with the positions it occurs at: what the index stores, computed in
    one pass (the tokenizer protocol below costs several times more per gram at import)."""
    out: dict[str, list[int]] = {}
    pos = 0
    for run in RUN_RE.findall(indexed(text)):
        for i in range(len(run)):
            gram = run[i : i + 2]
            found = out.get(gram)
            if found is None:
                out[gram] = [pos]
            else:
                found.append(pos)
            pos += 1
    return out


def words(text: str) -> list[str]:
    """jieba's words of `text` (search mode: also the short words inside long ones)."""
    return [w for w in jieba.cut_for_search(indexed(text)) if RUN_RE.fullmatch(w)]


def substring_sample(texts, n: int, rng, min_run: int = 8) -> list[str]:
    """n substrings of 1–8 characters of the texts, inside runs of searchable characters (so
    many cross word boundaries): queries for measuring recall against exact substring matching."""
    runs = [run for text in texts for run in RUN_RE.findall(normalise(text)) if len(run) >= min_run]
    out = []
    while len(out) < n:
        run = rng.choice(runs)
        length = rng.randint(1, 8)
        start = rng.randint(0, len(run) - length)
        out.append(run[start : start + length])
    return out


def query_grams(text: str) -> list[list[str]]:
    """A query string as gram sequences, one per run: 工会信息 → [[工会, 会信, 信息]]. A run of
    one character stays a single gram, matched as a prefix."""
    runs = RUN_RE.findall(normalise(text))
    return [[r] if len(r) == 1 else [r[i : i + 2] for i in range(len(r) - 1)] for r in runs]


class _TermTokenizer(Tokenizer):
    """Whoosh's tokenizer protocol in one place; subclasses say which (text, start, end) terms a
    value has. Positions count the terms, so phrase queries follow them."""

    def terms(self, value: str, mode: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):  # fmt: skip
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # Whoosh asks for the value whole for wildcards and prefixes (tokenize=False).
        terms = self.terms(value, mode) if tokenize else [(normalise(value), 0, len(value))]
        for pos, (text, start, end) in enumerate(terms):
            t.text = t.original = text
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class CharGramTokenizer(_TermTokenizer):
    def terms(self, value, mode):
        terms = gram_terms(value, joined=mode == "index")
        if mode == "query":  # a quoted phrase: its bigrams only, so they can follow each other
            terms = [(g, o) for g, o in terms if len(g) == 2] or terms
        return [(gram, offset, offset + len(gram)) for gram, offset in terms]


class JiebaTokenizer(_TermTokenizer):
    """jieba words (search mode adds the short words inside long ones: 德清县总工会 → 德清县, 总工会)."""

    def terms(self, value, mode):
        return [(w, s, e) for w, s, e in jieba.tokenize(normalise(value), mode="search") if RUN_RE.fullmatch(w)]


def CharGramAnalyzer():  # noqa: N802 (Whoosh names analyzers like classes)
    return CharGramTokenizer()


def ChineseWordAnalyzer():  # noqa: N802
    return JiebaTokenizer()


def gram_query(fieldname: str, text: str, boost: float = 1.0) -> query.Query:
    """Every document whose text contains `text` as a substring (runs split at punctuation and
    spaces must all occur). An empty string matches nothing."""
    parts = []
    for grams in query_grams(text):
        if len(grams[0]) == 1:
            parts.append(query.Prefix(fieldname, grams[0], boost=boost))
        elif len(grams) == 1:
            parts.append(query.Term(fieldname, grams[0], boost=boost))
        else:
            parts.append(query.Phrase(fieldname, grams, slop=1, boost=boost))
    if not parts:
        return query.NullQuery
    return parts[0] if len(parts) == 1 else query.And(parts)

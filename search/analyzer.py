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

import logging
import re
import unicodedata

import jieba
from whoosh.analysis import Token, Tokenizer

jieba.setLogLevel(logging.WARNING)

# Runs of characters that are searched as text; anything else (punctuation, spaces) separates.
RUN_RE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalise(text: str) -> str:
    """Full-width forms to ASCII, upper to lower: what both the index and the queries see."""
    return unicodedata.normalize("NFKC", text).lower()


def gram_terms(text: str) -> list[tuple[str, int]]:
    """(gram, start offset) for every searchable character of `text`."""
    out = []
    for run in RUN_RE.finditer(normalise(text)):
        s, start = run.group(0), run.start()
        for i in range(len(s)):
            out.append((s[i : i + 2], start + i))
    return out


def query_grams(text: str) -> list[list[str]]:
    """A query string as gram sequences, one per run: 工会信息 → [[工会, 会信, 信息]]. A run of
    one character stays a single gram, matched as a prefix."""
    runs = RUN_RE.findall(normalise(text))
    return [[r] if len(r) == 1 else [r[i : i + 2] for i in range(len(r) - 1)] for r in runs]


class CharGramTokenizer(Tokenizer):
    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (gram, offset) in enumerate(gram_terms(value)):
            t.text = t.original = gram
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + offset
                t.endchar = start_char + offset + len(gram)
            yield t


class JiebaTokenizer(Tokenizer):
    """jieba words (search mode adds the short words inside long ones: 德清县总工会 → 德清县, 总工会)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in jieba.tokenize(normalise(value), mode="search"):
            if not RUN_RE.fullmatch(word):
                continue
            t.text = t.original = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def CharGramAnalyzer():  # noqa: N802 (Whoosh names analyzers like classes)
    return CharGramTokenizer()


def ChineseWordAnalyzer():  # noqa: N802
    return JiebaTokenizer()

"""Relevance: BM25F as Whoosh computes it (whoosh.scoring.bm25, the same idf and parameters), over
whole posting blocks instead of one document at a time (Whoosh's collector, which at 100k
articles was most of a common term's search). The weight of a posting is its term frequency; a
query's score is the sum of its terms' scores (a phrase: its grams'); terms of unscored fields
(facets, ids) add nothing."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from search import grams
from search.columns import gram_files, gram_lengths, length_bytes, segments, term_weights
from search.matching import gram_doc_frequency, is_grams
from search.whoosh_private import EMPTY, LENGTH_OF_BYTE

B, K1 = 0.75, 1.2


def _term_weights(s, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, term frequencies) of a term over the index; deleted documents drop out when
    the caller restricts them to the matched set."""
    ids, weights = [], []
    for reader, offset in segments(s):
        found = term_weights(reader, fieldname, text)
        if found is None:
            return EMPTY, np.empty(0)
        ids.append(found[0].astype(np.int64) + offset)
        weights.append(found[1])
    if not ids:
        return EMPTY, np.empty(0)
    return np.concatenate(ids), np.concatenate(weights).astype(np.float64)


def _gram_weights(s, fieldname: str, gram: int) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, occurrences) of a gram over the index."""
    ids, tf = [], []
    for found, _, offset in gram_files(s, fieldname):
        docs, freqs = found.documents(gram)
        ids.append(docs.astype(np.int64) + offset)
        tf.append(freqs.astype(np.float64))
    return (np.concatenate(ids), np.concatenate(tf)) if ids else (EMPTY, np.empty(0))


Scored = dict[tuple[str, object], tuple[np.ndarray, np.ndarray] | None]


def _add_term(s, fieldname: str, text, boost: float, docnums: np.ndarray, scores: np.ndarray, seen: Scored) -> None:
    """Add a term's BM25 score, times `boost`, to the matched documents holding it. A term met
    again in the same query (a tolerant query's variants repeat most of the term's grams: 浙江省推
    has 42, each with 浙江 and 江省) adds what it added the first time, read from `seen`."""
    if (fieldname, text) in seen:
        found = seen[fieldname, text]
        if found is not None:
            scores[found[0]] += boost * found[1]
        return
    seen[fieldname, text] = None
    if fieldname not in s.schema or not s.schema[fieldname].scorable:
        return
    if is_grams(s, fieldname):
        gram = grams.code(text)
        ids, tf = _gram_weights(s, fieldname, gram)
        tf = tf * s.schema[fieldname].format.field_boost
        df = gram_doc_frequency(s, fieldname, gram)
        fls, decode = gram_lengths(s, fieldname), None
        avgfl = int(fls.sum(dtype=np.uint64)) / max(len(fls), 1)
    else:
        text = text if isinstance(text, bytes) else s.schema[fieldname].to_bytes(text)
        ids, tf = _term_weights(s, fieldname, text)
        df = s.doc_frequency(fieldname, text)
        fls, decode = length_bytes(s, fieldname), LENGTH_OF_BYTE  # Whoosh's length bytes
        avgfl = s.avg_field_length(fieldname)
    if len(ids) == len(docnums) and np.array_equal(ids, docnums):  # the term is the match (工会)
        where = np.arange(len(ids))
    else:
        where = np.searchsorted(docnums, ids)
        inside = where < len(docnums)
        inside[inside] = docnums[where[inside]] == ids[inside]
        if not inside.any():
            return
        ids, tf, where = ids[inside], tf[inside], where[inside]
    idf = np.log(s.doc_count_all() / (df + 1)) + 1
    fl = fls[ids].astype(np.float64) if decode is None else decode[fls[ids]]
    avgfl = avgfl or 1
    gained = idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))
    scores[where] += boost * gained
    seen[fieldname, text] = (where, gained)


def _score(s, q, docnums: np.ndarray, scores: np.ndarray, seen: Scored, boost: float = 1.0) -> None:
    boost *= q.boost
    if isinstance(q, wq.Term):
        _add_term(s, q.fieldname, q.text, boost, docnums, scores, seen)
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            _add_term(s, q.fieldname, word, boost, docnums, scores, seen)
    elif isinstance(q, wq.AndNot):
        _score(s, q.a, docnums, scores, seen, boost)
    elif isinstance(q, wq.CompoundQuery | wq.AndMaybe):
        for sub in q.children():
            _score(s, sub, docnums, scores, seen, boost)
    # prefixes (one character) and ranges rank nothing: every match has them alike


def first(keys: np.ndarray, k: int | None = None) -> np.ndarray:
    """Where the k smallest keys are, smallest first and equal keys in index order: what a
    stable argsort begins with, without sorting them all when k is a page's worth of millions
    (a third of the ranking of 工会 at 300k articles was sorting every match)."""
    n = len(keys)
    if k is None or k * 4 >= n:
        return np.argsort(keys, kind="stable")[:k]
    if k <= 0:
        return np.empty(0, np.int64)
    kth = np.partition(keys, k - 1)[k - 1]
    less = np.flatnonzero(keys < kth)
    chosen = np.concatenate([less, np.flatnonzero(keys == kth)[: k - len(less)]])
    return chosen[np.lexsort((chosen, keys[chosen]))]


def ranking(s, q, docnums: np.ndarray, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, docnums) of the best k matched documents (all without k), best first; equal
    scores in index order."""
    scores = np.zeros(len(docnums))
    _score(s, q, docnums, scores, {})
    order = first(-scores, k)
    return scores[order], docnums[order]


def ranked(s, q, docnums: np.ndarray) -> list[tuple[float, int]]:
    """The matched documents as (score, docnum), best first."""
    scores, ordered = ranking(s, q, docnums)
    return list(zip(scores.tolist(), ordered.tolist(), strict=True))

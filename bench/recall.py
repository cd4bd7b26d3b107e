"""Recall and precision of the search design against exact substring matching, on a generated
corpus: sample-page sentences recombined, with words drawn from jieba's dictionary by frequency.

    .venv/bin/python bench/recall.py [--docs 2000] [--queries 400]

Compares the character-gram design (what the site uses) with word segmentation alone (jieba
words, which misses strings that cross word boundaries). Prints a table and writes JSON to
bench/results/recall.json. Runs on Whoosh directly with the project's analyzers; no database.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
from whoosh import fields, index, qparser  # noqa: E402

from search.analyzer import (  # noqa: E402
    RUN_RE,
    CharGramAnalyzer,
    ChineseWordAnalyzer,
    gram_query,
    indexed,
    normalise,
    substring_sample,
)

SAMPLES = sorted((ROOT / "tests" / "data" / "in").glob("*.txt"))
NAMED = ["易炼红", "德清县总工会", "共同富裕", "工会信息", "15分钟", "省总工会", "会", "核酸采样小屋", "劳模工匠"]


def corpus(n_docs: int, rng: random.Random) -> list[str]:
    sentences = [
        s.strip() + "。"
        for path in SAMPLES
        for s in re.split(r"[。！？]", path.read_text(encoding="utf-8"))
        if len(s.strip()) > 8
    ]
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words, weights = [], []
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        if RUN_RE.fullmatch(word):
            words.append(word)
            weights.append(int(freq))
    docs = []
    for _ in range(n_docs):
        parts = rng.sample(sentences, rng.randint(6, 14))
        filler = "".join(rng.choices(words, weights, k=rng.randint(20, 60)))
        parts.insert(rng.randrange(len(parts)), filler + "。")
        docs.append("".join(parts))
    return docs


def queries(docs: list[str], n: int, rng: random.Random) -> list[str]:
    return NAMED + substring_sample(docs[:300], n - len(NAMED), rng)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20260522)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = corpus(args.docs, rng)
    schema = fields.Schema(
        id=fields.ID(stored=True),
        grams=fields.TEXT(analyzer=CharGramAnalyzer(), phrase=True),
        words=fields.TEXT(analyzer=ChineseWordAnalyzer(), phrase=False),
    )
    with tempfile.TemporaryDirectory() as tmp:
        ix = index.create_in(tmp, schema)
        started = time.perf_counter()
        with ix.writer(limitmb=256) as writer:
            for i, doc in enumerate(docs):
                writer.add_document(id=str(i), grams=doc, words=doc)
        index_s = time.perf_counter() - started
        words_parser = qparser.QueryParser("words", schema, group=qparser.AndGroup)
        totals = {"grams": [0, 0, 0], "words": [0, 0, 0]}  # hits, wrong, expected
        with ix.searcher() as searcher:
            for q in queries(docs, args.queries, rng):
                expected = {str(i) for i, d in enumerate(docs) if normalise(q) in indexed(d)}
                for name, query in (("grams", gram_query("grams", q)), ("words", words_parser.parse(q))):
                    got = {hit["id"] for hit in searcher.search(query, limit=None)}
                    totals[name][0] += len(got & expected)
                    totals[name][1] += len(got - expected)
                    totals[name][2] += len(expected)
    report = {"docs": args.docs, "queries": args.queries, "index_seconds": round(index_s, 1)}
    print(f"{args.docs} generated articles, {args.queries} queries of 1-8 characters (indexed in {index_s:.1f} s)")
    print(f"{'design':<28}{'recall':>8}{'precision':>11}")
    for name, label in (("grams", "character grams (the site)"), ("words", "jieba words only")):
        hits, wrong, expected = totals[name]
        recall, precision = hits / max(1, expected), hits / max(1, hits + wrong)
        report[name] = {"recall": round(recall, 4), "precision": round(precision, 4)}
        print(f"{label:<28}{recall:>8.3f}{precision:>11.3f}")
    out = ROOT / "bench" / "results" / "recall.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

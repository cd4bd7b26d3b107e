"""Researchers' tools measured (issue 17): terms over time and keyword in context, server time
through the product's views, every request cold (the engine's remembered searches forgotten).

    .venv/bin/python bench/research.py --size 10000 [--keep]
    .venv/bin/python bench/research.py --measure DATA_DIR      # a kept DATA_DIR (bench/run.py --keep)

- trends: six queries at once (/api/trends and the /trends/ page), per year and per month;
  the target is p95 ≤ 300 ms for six queries at 100k articles;
- KWIC: /api/kwic page 1 for a common term (工会: the page reads its first 1,000 articles), a
  rare name and a two-character word, newest first and sorted by the right context; the next
  page of a word's concordance (remembered from page 1);
- the KWIC CSV of 工会 streamed whole: lines per second and the process's memory growth.

Results: bench/results/research-latest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import import_corpus, percentiles, rss_mb, setup_django  # noqa: E402


def samples(rng: random.Random, n: int) -> dict[str, list]:
    from django.db.models import Count

    from newspaper.models import Article, Person
    from search.analyzer import substring_sample
    from search.search_indexes import searchable_text

    people = list(Person.objects.annotate(n=Count("articles")).order_by("n").values_list("name", flat=True)[:200])
    texts = [searchable_text(a) for a in Article.objects.order_by("?")[:300]]
    words = [s for s in substring_sample(texts, 40 * n, rng) if len(s) == 2]
    terms = [s for s in substring_sample(texts, 40 * n, rng) if len(s) >= 3]
    six = [
        ["工会", rng.choice(words), rng.choice(words), rng.choice(terms), rng.choice(people), "职工"] for _ in range(n)
    ]
    return {
        "six": six,
        "people": [rng.choice(people) for _ in range(n)],
        "words": [rng.choice(words) for _ in range(n)],
    }


def timed(client, path: str, params: dict) -> float:
    from search import engine, kwic

    engine.forget()
    kwic.forget()
    started = time.perf_counter()
    response = client.get(path, params)
    if response.streaming:
        for _ in response.streaming_content:
            pass
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, params, response.status_code)
    return elapsed


def measure(n: int) -> dict:
    from django.test import Client

    client = Client()
    rng = random.Random(17)
    s = samples(rng, n)
    out: dict = {"trends": {}, "kwic": {}}
    cases = {
        "api_year": ("/api/trends", lambda six: {"q": six}),
        "api_month": ("/api/trends", lambda six: {"q": six, "interval": "month"}),
        "page_year": ("/trends/", lambda six: {"q": "\n".join(six)}),
    }
    for name, (path, params) in cases.items():
        times = [timed(client, path, params(six)) for six in [s["six"][0], *s["six"]]][1:]
        out["trends"][name] = percentiles(times)
    kwic = {
        "common_term": [{"q": "工会"}] * n,
        "common_term_right": [{"q": "工会", "sort": "right"}] * n,
        "rare_name": [{"q": p} for p in s["people"]],
        "word": [{"q": w} for w in s["words"]],
        "word_left": [{"q": w, "sort": "left"} for w in s["words"]],
    }
    for name, params_list in kwic.items():
        times = [timed(client, "/api/kwic", p) for p in [params_list[0], *params_list]][1:]
        out["kwic"][name] = percentiles(times)
        out["kwic"][name + "_page"] = percentiles(
            [timed(client, "/kwic/", p) for p in [params_list[0], *params_list[: max(3, n // 4)]]][1:]
        )
    warm = []
    for w in s["words"][:n]:
        timed(client, "/kwic/", {"q": w})
        started = time.perf_counter()
        assert client.get("/kwic/", {"q": w, "page": 2}).status_code == 200  # the next page: remembered
        warm.append(time.perf_counter() - started)
    out["kwic"]["word_next_page"] = percentiles(warm)
    before = rss_mb()
    started = time.perf_counter()
    response = client.get("/kwic/export.csv", {"q": "工会"})
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
    seconds = time.perf_counter() - started
    out["kwic_csv"] = {
        "lines": lines,
        "seconds": round(seconds, 1),
        "lines_per_s": round(lines / seconds, 1),
        "rss_growth_mb": round(rss_mb() - before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--samples", type=int, default=20, help="requests per case")
    ap.add_argument("--measure", metavar="DATA_DIR")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if args.measure:
        data_dir = Path(args.measure)
        setup_django(data_dir, "")
        imported = None
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="archive-research-"))
        setup_django(data_dir, "")
        from django.core.management import call_command

        from bench.generate import generate

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        imported = import_corpus(generate(data_dir / "corpus", args.size), data_dir, corrections=0)
    from newspaper.models import Article

    result = {"size": Article.objects.count(), **measure(args.samples)}
    if imported:
        result["import_articles_per_s"] = imported["articles_per_s"]
    out = ROOT / "bench" / "results" / "research-latest.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.keep or args.measure:
        print(f"kept {data_dir}")
    else:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

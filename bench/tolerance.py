"""容错 measured (issue 16): recall and precision of tolerant search on OCR-corrupted names and
terms, and what it costs against exact search.

    .venv/bin/python bench/tolerance.py --size 10000 [--rate 0.15] [--targets 60] [--seed 16] [--keep]
    .venv/bin/python bench/tolerance.py --size 10000 --measure DATA_DIR   # again, on a kept DATA_DIR

A corpus is generated (bench/generate.py), then a share (`--rate`) of the occurrences of chosen
names and terms (three characters or more, with a character OCR is known to misread) is
corrupted by one substitution from bench/confusions.txt: a list written apart from the
look-alike table the search uses, so the measurement is not circular. The pages are imported as
`manage.py ingest` does (bench.run.import_corpus). Then, per target:

- recall: of the articles holding a corrupted form of it, the share a tolerant search finds;
- precision: of what a tolerant search finds, the share holding the target or a corrupted form
  (`wrong_hits` in the results: what the others matched, per target);
- exact search unchanged: it finds exactly the articles holding the target as written;
- the search page's server time, exact and tolerant, page 1 (p50/p95).

Results: bench/results/tolerance-latest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import import_corpus, percentiles, setup_django  # noqa: E402

CONFUSIONS = ROOT / "bench" / "confusions.txt"


def confusions() -> dict[str, list[str]]:
    pairs: dict[str, list[str]] = {}
    for line in CONFUSIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            printed, read = line.split()
            pairs.setdefault(printed, []).append(read)
    return pairs


def choose_targets(texts: list[str], confused: dict[str, list[str]], n: int, rng: random.Random) -> list[str]:
    """Names from the bylines and words of the bodies, three characters or more, each with at
    least one character OCR could misread, among the more frequent ones."""
    names = Counter(m for t in texts for m in re.findall(r"(?:记者|通讯员)([\u4e00-\u9fff]{3})(?=[ 报])", t))
    words = Counter(w for t in texts for w in re.findall(r"[\u4e00-\u9fff]{3,4}", t))
    names_ok = [w for w, c in names.most_common() if c >= 3 and any(ch in confused for ch in w)]
    words_ok = [w for w, c in words.most_common(3000) if c >= 5 and any(ch in confused for ch in w)]
    rng.shuffle(names_ok)
    rng.shuffle(words_ok)
    return names_ok[: n // 2] + words_ok[: n - n // 2]


def corrupt(paths: list[Path], targets: list[str], confused, rate: float, rng: random.Random) -> dict[str, set[str]]:
    """Replace a share of the targets' occurrences, in place, by a form one confusion off."""
    forms: dict[str, set[str]] = {t: set() for t in targets}
    pattern = re.compile("|".join(sorted(map(re.escape, targets), key=len, reverse=True)))

    def swap(m: re.Match) -> str:
        target = m.group(0)
        if rng.random() >= rate:
            return target
        i = rng.choice([k for k, ch in enumerate(target) if ch in confused])
        form = target[:i] + rng.choice(confused[target[i]]) + target[i + 1 :]
        forms[target].add(form)
        return form

    for path in paths:
        path.write_text(pattern.sub(swap, path.read_text(encoding="utf-8")), encoding="utf-8")
    return forms


def measure(targets: list[str], forms: dict[str, set[str]]) -> dict:
    from django.http import QueryDict
    from django.test import Client

    from newspaper.models import Article
    from search import page_cache
    from search.analyzer import indexed
    from search.forms import ArchiveSearchForm
    from search.search_indexes import searchable_text
    from search.tolerant import variants, variants_in

    texts = {a.pk: indexed(searchable_text(a)) for a in Article.objects.for_index()}

    def holding(s: str) -> set[int]:
        return {pk for pk, text in texts.items() if s in text}

    def search(q: str, tolerant: bool) -> set[int]:
        data = QueryDict(mutable=True)
        data.update({"q": q, **({"tolerant": "1"} if tolerant else {})})
        form = ArchiveSearchForm(data)
        assert form.is_valid(), form.errors
        return {int(r.pk) for r in form.searchqueryset(facets=False)}

    client, timings = Client(), {"exact": [], "tolerant": []}
    found_corrupt = all_corrupt = found_right = found_all = 0
    exact_wrong, misses, wrong = [], {}, {}
    for target in targets:
        corrupted = set().union(*(holding(f) for f in forms[target])) - holding(target)
        relevant = holding(target) | corrupted
        tolerant = search(target, True)
        if search(target, False) != holding(target):
            exact_wrong.append(target)
        found_corrupt += len(tolerant & corrupted)
        all_corrupt += len(corrupted)
        found_right += len(tolerant & relevant)
        found_all += len(tolerant)
        if corrupted - tolerant:
            misses[target] = sorted(forms[target])
        for pk in tolerant - relevant:  # found, though neither the target nor a corrupted form
            for variant in variants_in(texts[pk], variants(target)) or ["?"]:
                wrong.setdefault(target, Counter())[variant] += 1
        for mode in ("exact", "tolerant"):
            page_cache.forget()  # each search cold: its page, answer and match
            started = time.perf_counter()
            response = client.get("/search/", {"q": target, **({"tolerant": "1"} if mode == "tolerant" else {})})
            timings[mode].append(time.perf_counter() - started)
            assert response.status_code == 200
    return {
        "targets": len(targets),
        "corrupted_articles": all_corrupt,
        "recall_of_corrupted": round(found_corrupt / max(all_corrupt, 1), 4),
        "precision": round(found_right / max(found_all, 1), 4),
        "exact_unchanged": not exact_wrong,
        "exact_differs_for": exact_wrong,
        "missed_forms": misses,
        "wrong_hits": {t: dict(c.most_common()) for t, c in wrong.items()},
        "page1_exact": percentiles(timings["exact"]),
        "page1_tolerant": percentiles(timings["tolerant"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=0.15, help="share of the targets' occurrences corrupted")
    ap.add_argument("--targets", type=int, default=60)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--seed", type=int, default=16, help="another seed: other targets and corruptions")
    ap.add_argument(
        "--measure",
        metavar="DATA_DIR",
        help="measure again a DATA_DIR kept by --keep, without importing (the same --size, --targets, --rate, --seed)",
    )
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data_dir = Path(args.measure or tempfile.mkdtemp(prefix="archive-tolerance-"))
    setup_django(data_dir, "")
    from django.core.management import call_command

    from bench.generate import generate

    confused = confusions()

    def draw(corpus: Path) -> tuple[list[Path], list[str], dict[str, set[str]]]:
        """The corpus generated, its targets chosen and corrupted (the same draws for a seed)."""
        paths = generate(corpus, args.size)
        targets = choose_targets([p.read_text(encoding="utf-8") for p in paths], confused, args.targets, rng)
        return paths, targets, corrupt(paths, targets, confused, args.rate, rng)

    if args.measure:  # the same draws as the run that made it, on the corpus generated again
        from newspaper.models import Article

        with tempfile.TemporaryDirectory() as scratch:
            _, targets, forms = draw(Path(scratch) / "corpus")
        imported = {"articles": Article.objects.count(), "articles_per_s": None}
    else:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        paths, targets, forms = draw(data_dir / "corpus")
        imported = import_corpus(paths, data_dir, corrections=0)
    result = {
        "size": imported["articles"],
        "rate": args.rate,
        "seed": args.seed,
        "import_articles_per_s": imported["articles_per_s"],
        **measure(targets, forms),
    }
    out = ROOT / "bench" / "results" / "tolerance-latest.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        json.dumps(
            {k: v for k, v in result.items() if k not in ("missed_forms", "wrong_hits")}, ensure_ascii=False, indent=1
        )
    )
    if args.keep or args.measure:
        print(f"kept {data_dir}")
    else:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

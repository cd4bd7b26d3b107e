"""Archive-scale benchmark: import throughput and search latency, through the product's own code.

    make bench SIZE=10000          # or: .venv/bin/python bench/run.py --size 10000

Generates SIZE articles of pages in the dump format (bench/generate.py), imports them through
the real ingestion path (what `manage.py ingest` does: one transaction per page with its index
work, the index writer process draining it in batches alongside), times editors' corrections
until they are searchable, then, in a fresh process standing in for a web worker, measures for each
query class: the matching step alone (the matched ids and their count, which is what the scan
answers; "+rank": with the first page's ids in the page's order, which for relevance ranks every
match), the search page's server time (the view, with facets, histogram and page 1 or 50), and a
brute-force substring scan over the same articles held in memory. Every search is measured cold:
the searches the engine remembers are forgotten first (the process stays warm: jieba loaded,
index open, columns read, the page cache holding what earlier searches read; `first_ms` is each
class's first search). Prints a table and writes bench/results/latest.json. Everything runs in a
throw-away DATA_DIR (SQLite unless --database-url).

    bench/run.py --size 10000 --keep          # keep the DATA_DIR to measure it again
    bench/run.py --measure DATA_DIR           # searches only, on a kept DATA_DIR
    bench/run.py --reindex DATA_DIR           # a full re-index of a kept DATA_DIR
    bench/run.py --size 100000 --with-reindex --with-optimize   # and the writer's peaks there
    bench/run.py --size 300000 --with-load    # and gunicorn under 8 clients (bench/load.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLASSES = ["rare_name", "common_term", "two_terms", "exact_phrase", "term_date_range", "filter_only"]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def rss_mb(kind: str = "VmRSS", pid: int | str = "self") -> float:
    """A process's resident memory (this one's by default; VmRSS); RssAnon is its own (heap,
    arrays), RssFile the pages of mapped files it touched (the gram files: page cache, shared by
    every worker); 0.0 for a process that is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(kind + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def import_corpus(paths, data_dir: Path, corrections: int) -> dict:
    """The pages imported as `manage.py ingest` does with the index writer running (make run,
    docker-compose): this process stores the pages, the writer process (bench/writer_probe.py)
    drains the outbox alongside; the import ends when the last article is searchable. Then, the
    writer still running, `corrections` editors' corrections, each timed until it is found."""
    from tqdm import tqdm

    import newspaper.ingest as ingest
    from newspaper.models import Article, IndexWork, IndexWriterStatus
    from newspaper.outbox import WriterForCommand
    from newspaper.sources import iter_sources

    stored_s = {"s": 0.0}  # the importing process's own time storing pages (the reading is another's)
    real_store = ingest.store_page

    def timed_store(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real_store(*args, **kwargs)
        finally:
            stored_s["s"] += time.perf_counter() - started

    ingest.store_page = timed_store
    stats = data_dir / "writer.json"
    writer = subprocess.Popen([sys.executable, str(ROOT / "bench" / "writer_probe.py"), str(stats)])
    while not IndexWriterStatus.current().alive:
        time.sleep(0.1)
    started = time.perf_counter()
    failed = 0
    with WriterForCommand(sys.stderr, start=False) as writing:  # as manage.py ingest does
        imported = ingest.ingest_sources(iter_sources(paths))  # each file read when its turn comes
        for outcome in tqdm(imported, total=len(paths), unit="page", file=sys.stderr):
            failed += outcome.failed
        stored = time.perf_counter() - started
        writing.wait()
    assert not IndexWork.objects.exists()
    seconds = time.perf_counter() - started
    latency = correction_latency(corrections)
    writer.send_signal(signal.SIGTERM)
    writer.wait(timeout=600)
    written = json.loads(stats.read_text())
    articles = Article.objects.count()
    split = {
        # the importing process storing pages (the database, the rest of the recognisers); the
        # rest of its time it waited for the reading process (newspaper.reading) or its own loop
        "store_s": round(stored_s["s"], 1),
        "waiting_to_read_s": round(stored - stored_s["s"], 1),
        "waiting_for_index_s": round(seconds - stored, 1),
        # the index writer process, alongside it
        "index_load_s": written["load_s"],
        "tokenise_s": written["tokenise_s"],
        "index_write_s": written["write_s"],
    }
    return {
        "articles": articles,
        "pages": len(paths),
        "failed": failed,
        "seconds": round(seconds, 1),
        "articles_per_s": round(articles / seconds, 1),
        "split": split,
        "writer": written,
        "correction_latency": latency,
    }


def correction_latency(n: int) -> dict:
    """An editor's correction (an article saved with a new word), until a search finds it."""
    from haystack.query import SearchQuerySet

    from newspaper.models import Article

    samples = []
    for i, article in enumerate(Article.objects.order_by("?")[:n]):
        word = f"更正{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{'子丑寅卯辰巳午未申酉'[i // 10 % 10]}词"
        article.body += word
        started = time.perf_counter()
        article.save()
        while not SearchQuerySet().models(Article).filter(grams=word).count():
            time.sleep(0.01)
        samples.append(time.perf_counter() - started)
    return percentiles(samples) if samples else {}


# A command's own peak: VmHWM, not ru_maxrss, which Linux carries across exec, so that a child
# of this process reported this process's size when it was larger (at 1M, after the import).
PEAK = """
import sys
sys.argv = ["manage.py", *sys.argv[1:]]
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(sys.argv)
finally:
    hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    print("peak_rss_kb", hwm[0] if hwm else 0, file=sys.stderr)
"""


def run_command(*args: str) -> dict:
    """A management command in a process of its own: its time and its own peak memory, and the
    peaks of its two kinds sampled every 0.2 s: RssAnon (its heap and arrays) and RssFile (pages of
    the index files it read through mappings: page cache the kernel takes back when it needs it,
    which ru_maxrss counts alike)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:  # a pipe left unread could fill and stop the command
        child = subprocess.Popen(
            [sys.executable, "-c", PEAK, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors
        )
        anon = file = 0.0
        while child.poll() is None:
            anon, file = max(anon, rss_mb("RssAnon", child.pid)), max(file, rss_mb("RssFile", child.pid))
            time.sleep(0.2)
        errors.seek(0)
        err = errors.read()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args, stderr=err)
    peak = int(err.rsplit("peak_rss_kb", 1)[1].split()[0])
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "peak_anon_mb": anon,
        "peak_file_mb": file,
    }


def reindex() -> dict:
    """A full re-index from the database, as `manage.py rebuild_index` does it."""
    from newspaper.models import Article

    done = run_command("rebuild_index", "--noinput", "-v0")
    return {**done, "articles_per_s": round(Article.objects.count() / done["seconds"], 1)}


def query_sets(rng: random.Random, n: int) -> dict[str, list[dict]]:
    from django.db.models import Count

    from newspaper.models import Article, Person, Union
    from search.analyzer import substring_sample
    from search.search_indexes import searchable_text

    people = list(Person.objects.annotate(n=Count("articles")).order_by("n").values_list("name", flat=True)[:200])
    unions = list(Union.objects.values_list("name", flat=True))
    sample = [searchable_text(a) for a in Article.objects.order_by("?")[:200]]
    phrases = [s for s in substring_sample(sample, 4 * n, rng) if len(s) >= 4]
    words = [s for s in substring_sample(sample, 8 * n, rng) if len(s) == 2]
    dates = list(Article.objects.values_list("page__issue__date", flat=True).distinct())
    # the search form takes dates up to 2100; a corpus of a million articles runs past it
    lo, hi = min(dates), min(max(dates), dt.date(2100, 12, 31))

    def date_range():
        start = lo + (hi - lo) * rng.random() * 0.8
        return {"date_from": start.isoformat(), "date_to": (start + (hi - lo) / 8).isoformat()}

    return {
        "rare_name": [{"q": rng.choice(people)} for _ in range(n)],
        "common_term": [{"q": "工会"} for _ in range(n)],
        "two_terms": [{"q": f"{rng.choice(words)} {rng.choice(words)}"} for _ in range(n)],
        "exact_phrase": [{"q": f'"{rng.choice(phrases)}"'} for _ in range(n)],
        "term_date_range": [{"q": "工会", **date_range()} for _ in range(n)],
        "filter_only": [{"union": rng.choice(unions)} for _ in range(n)],
    }


def measure_search(queries: dict[str, list[dict]]) -> tuple[dict, dict, dict, float]:
    """Index searches first (then the process's memory is a web worker's), then the scans."""
    from django.http import QueryDict
    from django.test import Client

    from search import engine, page_cache
    from search.forms import ArchiveSearchForm

    client = Client()
    matching, page_time, counts = {}, {}, {}
    for name, params_list in queries.items():
        samples = {"match": [], "ranked": [], "page1": [], "page50": []}
        for params in [params_list[0], *params_list]:  # the first one warms up and is not counted
            qd = QueryDict(mutable=True)
            qd.update(params)
            page_cache.forget()  # each search cold: its page, answer and match
            started = time.perf_counter()
            form = ArchiveSearchForm(qd)
            assert form.is_valid(), form.errors
            sqs = form.searchqueryset(facets=False)
            count = sqs.count()  # the matching step: the matched ids and their count
            match_s = time.perf_counter() - started
            [r.pk for r in sqs[:20]]  # and the first page's ids in the page's order (ranking)
            ranked_s = time.perf_counter() - started
            page_cache.forget()  # each search cold: its page, answer and match
            started = time.perf_counter()
            response = client.get("/search/", params)
            page1_s = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            page_cache.forget()  # each search cold: its page, answer and match
            started = time.perf_counter()
            client.get("/search/", {**params, "page": 50})
            page50_s = time.perf_counter() - started
            if params is params_list[0]:
                first = round(page1_s * 1000, 1)
            else:
                samples["match"].append(match_s)
                samples["ranked"].append(ranked_s)
                samples["page1"].append(page1_s)
                samples["page50"].append(page50_s)
            counts.setdefault(name, []).append(count)
        matching[name] = {**percentiles(samples["match"]), "ranked": percentiles(samples["ranked"])}
        page_time[name] = {
            **percentiles(samples["page1"]),  # the shape: the search page, page 1
            "page1": percentiles(samples["page1"]),
            "page50": percentiles(samples["page50"]),
            "first_ms": first,  # the class's first search in this process
        }
    web_rss = {"web_rss_mb": rss_mb(), "web_rss_anon_mb": rss_mb("RssAnon"), "web_rss_file_mb": rss_mb("RssFile")}
    web_rss["web_kept_mb"] = {kind: round(n / 2**20, 1) for kind, n in engine.kept_bytes().items()}
    from bench.scan import bruteforce, scan_corpus

    corpus = scan_corpus()
    brute = {}
    for name, params_list in queries.items():
        times = []
        for params, count in zip([params_list[0], *params_list], counts[name], strict=True):
            started = time.perf_counter()
            brute_count = bruteforce(params, corpus)
            times.append(time.perf_counter() - started)
            if name in ("common_term", "term_date_range", "filter_only") and brute_count != count:
                print(f"  note: {name} {params}: index {count}, scan {brute_count}", file=sys.stderr)
        brute[name] = percentiles(times[1:])
    return matching, page_time, brute, web_rss


def setup_django(data_dir: Path, database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newspaper.settings", DATA_DIR=str(data_dir), DATABASE_URL=database_url,
        HUEY_IMMEDIATE="1", ALLOWED_HOSTS="testserver", SECRET_KEY="bench-" + "x" * 50, DEBUG="0",
    )  # fmt: skip
    import django
    import jieba

    django.setup()
    jieba.initialize()


def measure(args) -> dict:
    """The searches, in this process: run in a fresh one, it stands for a web worker."""
    setup_django(Path(args.measure), args.database_url)
    matching, page_time, brute, web_rss = measure_search(query_sets(random.Random(7), args.queries))
    return {"search": page_time, "matching": matching, "bruteforce": brute, **web_rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1000, help="articles to generate and import")
    ap.add_argument("--queries", type=int, default=50, help="queries per class")
    ap.add_argument("--database-url", default="", help="default: SQLite in the throw-away DATA_DIR")
    ap.add_argument("--keep", action="store_true", help="keep the DATA_DIR")
    ap.add_argument("--with-reindex", action="store_true", help="also time a full re-index after the import")
    ap.add_argument("--with-optimize", action="store_true", help="also time optimize_index (after the re-index)")
    ap.add_argument("--corrections", type=int, default=20, help="editors' corrections timed until searchable")
    ap.add_argument("--with-load", action="store_true", help="also gunicorn under load (bench/load.py)")
    ap.add_argument("--measure", metavar="DATA_DIR", help="only measure the searches of a kept DATA_DIR")
    ap.add_argument("--reindex", metavar="DATA_DIR", help="only time a full re-index of a kept DATA_DIR")
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args)))
        return
    if args.reindex:
        setup_django(Path(args.reindex), args.database_url)
        print(json.dumps(reindex()))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    setup_django(data_dir, args.database_url)
    from django.core.management import call_command

    from bench.generate import generate

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the page renders as in production
    paths = generate(data_dir / "corpus", args.size)
    imported = import_corpus(paths, data_dir, args.corrections)
    index_dir = data_dir / "whoosh_index"
    imported["index_bytes"] = sum(f.stat().st_size for f in index_dir.iterdir())
    imported["index_segments"] = len(list(index_dir.glob("*.seg"))) or len(list(index_dir.glob("*.pst")))
    imported["gram_files_bytes"] = sum(f.stat().st_size for f in index_dir.glob("*.grams_*"))
    imported["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    imported["writer_peak_rss_mb"] = imported["writer"]["peak_rss_mb"]
    searched = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--measure", str(data_dir), "--queries", str(args.queries),
             "--database-url", args.database_url],
            check=True, capture_output=True, text=True,
        ).stdout.splitlines()[-1]
    )  # fmt: skip
    if args.with_reindex:
        imported["reindex"] = reindex()
    if args.with_optimize:
        imported["optimize"] = run_command("optimize_index")
    if args.with_load:  # after the re-index and the merge: the index as it is served
        searched["http"] = json.loads(
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "load.py"), str(data_dir), "--database-url", args.database_url],
                check=True, capture_output=True, text=True,
            ).stdout.splitlines()[-1]
        )  # fmt: skip

    import django as dj
    import whoosh

    result = {
        "size": imported["articles"],
        "import": imported,
        **searched,
        "versions": {"python": sys.version.split()[0], "django": dj.get_version(), "whoosh": whoosh.versionstring()},
        "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
    }
    out = ROOT / "bench" / "results" / "latest.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    report(result, out)
    if args.keep:
        print(f"kept {data_dir}")
    else:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


def report(result: dict, out: Path) -> None:
    imported, matching, page_time, brute = result["import"], result["matching"], result["search"], result["bruteforce"]
    print(
        f"\nImport: {imported['articles']} articles in {imported['pages']} pages, {imported['seconds']} s = "
        f"{imported['articles_per_s']} articles/s; split {imported['split']}"
    )
    if "reindex" in imported:
        r = imported["reindex"]
        print(f"Full re-index: {r['seconds']} s = {r['articles_per_s']} articles/s, peak RSS {r['peak_rss_mb']} MB")
    if "optimize" in imported:
        o = imported["optimize"]
        own = f"own {o['peak_anon_mb']}, files {o['peak_file_mb']}"
        print(f"optimize_index: {o['seconds']} s, peak RSS {o['peak_rss_mb']} MB ({own})")
    if imported.get("correction_latency"):
        c = imported["correction_latency"]
        print(f"A correction searchable after: p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms")
    print(
        f"Index {imported['index_bytes'] / 2**20:.1f} MB on disk in {imported['index_segments']} segments; peak RSS "
        f"{imported['peak_rss_mb']} MB (index writer {imported['writer_peak_rss_mb']} MB); "
        f"web process after the searches {result['web_rss_mb']} MB (its own {result['web_rss_anon_mb']} MB, "
        f"mapped index files {result['web_rss_file_mb']} MB; kept of the index, MB: {result.get('web_kept_mb')})"
    )
    columns = [
        ("match p50", 10), ("p95", 8), ("+rank p95", 11), ("page1 p50", 11), ("p95", 8), ("page50 p95", 12),
        ("scan p50", 10),
    ]  # fmt: skip
    head = f"{'class':<18}" + "".join(f"{label:>{width}}" for label, width in columns) + f"{'ratio':>7}"
    print("\n" + head)
    for name in CLASSES:
        m, p, b = matching[name], page_time[name], brute[name]
        ratio = b["p50_ms"] / m["p50_ms"] if m["p50_ms"] else 0
        print(
            f"{name:<18}{m['p50_ms']:>10}{m['p95_ms']:>8}{m['ranked']['p95_ms']:>11}"
            f"{p['page1']['p50_ms']:>11}{p['page1']['p95_ms']:>8}"
            f"{p['page50']['p95_ms']:>12}{b['p50_ms']:>10}{ratio:>7.2f}"
        )
    print(f"\n(ms; ratio = scan p50 / match p50; JSON in {out.relative_to(ROOT)})")
    if "http" in result:
        load, memory = result["http"]["load"], result["http"]["memory_after_load"]
        print(
            f"\nUnder load ({load['clients']} clients, {load['seconds']} s, gunicorn): {load['pages_per_s']} pages/s, "
            f"p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms, {load['errors']} errors; "
            f"workers {memory['workers_mb']} MB; cold start {json.dumps(result['http']['cold_start'])}"
        )


if __name__ == "__main__":
    main()

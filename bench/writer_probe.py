"""The index writer as the benchmark runs it: `manage.py index_writer`'s loop (search.writer) in a
process of its own, with its steps timed, until SIGTERM; then its totals and peak memory are
written as JSON to the path given.

    python bench/writer_probe.py OUT.json     # DJANGO_SETTINGS_MODULE, DATA_DIR… from the environment
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(totals: dict, name: str, func):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started

    return wrapper


def main(out: Path) -> None:
    import django

    django.setup()
    import search.gram_writer as gram_writer
    import search.writer as writer
    from bench.run import rss_mb
    from search.search_indexes import ArticleIndex

    totals: dict[str, float] = defaultdict(float)
    batches = []
    writer.IndexWriter._write_rows = timed(totals, "batch", writer.IndexWriter._write_rows)
    writer.IndexWriter.write = timed(totals, "write", writer.IndexWriter.write)
    ArticleIndex.full_prepare = timed(totals, "prepare", ArticleIndex.full_prepare)
    gram_writer.encode = timed(totals, "grams", gram_writer.encode)
    real_claim = writer.IndexWriter._claim

    def claim(self):
        rows = real_claim(self)
        if rows:
            batches.append(len(rows))
        return rows

    writer.IndexWriter._claim = claim
    stopping = []
    signal.signal(signal.SIGTERM, lambda *args: stopping.append(True))
    index_writer = writer.IndexWriter()
    index_writer.run(stop=lambda: bool(stopping))
    out.write_text(
        json.dumps(
            {
                # reading the rows and articles back; preparing entries (jieba, facets); grams; Whoosh
                "load_s": round(totals["batch"] - totals["write"], 1),
                "tokenise_s": round(totals["prepare"] + totals["grams"], 1),
                "write_s": round(totals["write"] - totals["prepare"] - totals["grams"], 1),
                "batches": len(batches),
                "largest_batch": max(batches, default=0),
                "written": index_writer.written,
                # its own peak (VmHWM): ru_maxrss would count the bench process it was forked from
                "peak_rss_mb": rss_mb("VmHWM"),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

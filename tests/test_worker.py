"""The background worker for real: a huey consumer process importing an upload is killed in the
middle (SIGKILL), started again, and finishes the job without duplicates while another process
keeps searching and the index writer process writes what it stores. Afterwards the index and
the database agree article by article. On SQLite and on PostgreSQL."""

from __future__ import annotations

import signal

from tests.conftest import SEEDS, wait_for

PREPARE = """
import django
django.setup()
from pathlib import Path
from newspaper import uploads
from tests.conftest import moved
files = []
for n, path in enumerate(sorted(Path("tests/data/in").glob("*.txt"))):
    text = path.read_text(encoding="utf-8")
    files.append(uploads.Incoming(path.name, text.encode()))
    # the same page on other days: enough pages that the kill lands in the middle of the import
    # (with 15, a quick machine had imported them all before the test saw the second)
    for day in range(1, 7):
        files.append(uploads.Incoming(f"{day}-{path.name}", moved(text, 2019, n + 1, day).encode()))
batch = uploads.receive(files, None)
uploads.confirm(batch, {})
from newspaper.tasks import import_upload
import_upload(batch.pk)
print(batch.pk, batch.files.filter(status="valid").count())
"""

SEARCH_LOOP = """
import django, sys, time
django.setup()
from haystack.query import SearchQuerySet
from newspaper.models import Article
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline:
    SearchQuerySet().models(Article).filter(grams="工会").count()
    time.sleep(0.05)
"""


def test_a_killed_worker_finishes_the_import_after_restart(processes):
    def status() -> tuple[str, int]:
        ((state,),) = processes.sql("select status from newspaper_upload")
        ((done,),) = processes.sql(
            "select count(*) from newspaper_uploadedfile where status in ('created','updated','unchanged','failed')"
        )
        return state, done

    prepared = processes.python(PREPARE)
    assert prepared.returncode == 0, prepared.stderr
    _, total = map(int, prepared.stdout.split())
    assert total == 7 * len(SEEDS)
    searcher = processes.start("90", script=SEARCH_LOOP)
    writer = processes.start("index_writer")

    first = processes.start("run_huey", "--workers", "1")
    try:
        assert wait_for(lambda: status()[1] >= 2, 90), "the worker never started importing"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    state, done = status()
    assert state == "running" and done < total, (state, done)

    second = processes.start("run_huey", "--workers", "1")
    try:
        assert wait_for(lambda: status()[0] in ("done", "failed"), 180), status()
    finally:
        second.send_signal(signal.SIGTERM)
        worker_err = second.communicate(timeout=60)[1]
        writer.send_signal(signal.SIGTERM)
        writer_err = writer.communicate(timeout=60)[1]
    searcher.send_signal(signal.SIGTERM)
    searcher.wait(timeout=30)

    assert status() == ("done", total)
    assert processes.sql("select count(*) from newspaper_uploadedfile where status = 'created'") == [(total,)]
    assert processes.sql("select count(*), count(distinct issue_id * 100 + number) from newspaper_page") == [
        (total, total)
    ]
    assert "LockError" not in worker_err + writer_err
    check = processes.manage("check_index")
    assert check.returncode == 0 and "index matches database" in check.stdout, check.stdout + check.stderr

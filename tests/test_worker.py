"""The background worker for real: a huey consumer process importing an upload is killed in the
middle (SIGKILL), started again, and finishes the job without duplicates while another process
keeps searching. Afterwards the index and the database agree."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS, embedded_env

ROOT = Path(__file__).parent.parent
PREPARE = """
import django
django.setup()
from pathlib import Path
from newspaper import uploads
DATES = ["2021年8月30日", "2022年5月19日", "2022年6月22日", "2023年1月18日", "2022年4月8日"]
files = []
for n, path in enumerate(sorted(Path("tests/data/in").glob("*.txt"))):
    text = path.read_text(encoding="utf-8")
    files.append(uploads.Incoming(path.name, text.encode()))
    for day in range(1, 3):  # the same page on other days: more pages for the worker to do
        moved = text.replace("总第", "总第9")
        for date in DATES:
            moved = moved.replace(date, f"2019年{n + 1}月{day}日")
        files.append(uploads.Incoming(f"{day}-{path.name}", moved.encode()))
batch = uploads.receive(files, None)
uploads.confirm(batch, {})
print(batch.pk, batch.files.filter(status="valid").count())
"""

SEARCH_LOOP = """
import django, time
django.setup()
from haystack.query import SearchQuerySet
from newspaper.models import Article
deadline = time.time() + float(__import__("sys").argv[1])
while time.time() < deadline:
    SearchQuerySet().models(Article).filter(grams="工会").count()
    time.sleep(0.05)
"""


def status(db: Path) -> tuple[str, int]:
    with sqlite3.connect(db, timeout=20) as conn:
        (state,) = conn.execute("select status from newspaper_upload").fetchone()
        (done,) = conn.execute(
            "select count(*) from newspaper_uploadedfile where status in ('created','updated','unchanged','failed')"
        ).fetchone()
    return state, done


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite")
def test_a_killed_worker_finishes_the_import_after_restart(tmp_path):
    env = embedded_env(tmp_path)
    db = tmp_path / "archive.sqlite3"

    def manage(*args, **kw):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kw
        )

    def worker():
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    assert manage("migrate", "-v0").returncode == 0
    prepared = subprocess.run(
        [sys.executable, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert prepared.returncode == 0, prepared.stderr
    _, total = map(int, prepared.stdout.split())
    assert total == 3 * len(SEEDS)
    searcher = subprocess.Popen(
        [sys.executable, "-c", SEARCH_LOOP, "90"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    first = worker()
    try:
        assert wait_for(lambda: status(db)[1] >= 2, 90), "the worker never started importing"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    state, done = status(db)
    assert state == "running" and done < total, (state, done)

    second = worker()
    try:
        assert wait_for(lambda: status(db)[0] in ("done", "failed"), 180), status(db)
    finally:
        second.send_signal(signal.SIGTERM)
        worker_err = second.communicate(timeout=60)[1]
    searcher.send_signal(signal.SIGTERM)
    searcher.wait(timeout=30)

    assert status(db) == ("done", total)
    with sqlite3.connect(db) as conn:
        (pages,) = conn.execute("select count(*) from newspaper_page").fetchone()
        (dupes,) = conn.execute(
            "select count(*) from (select issue_id, number from newspaper_page group by 1, 2 having count(*) > 1)"
        ).fetchone()
    assert (pages, dupes) == (total, 0)
    assert "LockError" not in worker_err
    check = manage("ensure_index")
    assert "up to date" in check.stdout, check.stdout

"""The index never drifts from the database, whatever crashes: real processes (the index writer,
imports, a process holding the lock), on SQLite and on PostgreSQL. Each test ends with
`check_index` comparing the two article by article."""

from __future__ import annotations

import random
import signal
import time

from tests.conftest import SEEDS, moved, wait_for

ROUNDS = 10  # the writer killed this many times


def dumps(folder, year: int, month: int, *, rounds: int = 5) -> list:
    """The five sample pages, each moved to days of its own, `rounds` times: 25 pages by default."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in range(rounds):
        for i, path in enumerate(SEEDS):
            day = r * len(SEEDS) + i + 1
            (folder / f"{day}-{path.name}").write_text(moved(path.read_text("utf-8"), year, month, day), "utf-8")
    return sorted(folder.iterdir())


def writer_alive(processes) -> bool:
    rows = processes.sql("select heartbeat_at is not null from newspaper_indexwriterstatus where id = 1")
    return bool(rows and rows[0][0])


def assert_index_matches(processes) -> None:
    drained = processes.manage("index_writer", "--drain")
    assert drained.returncode == 0, drained.stderr
    for full in ([], ["--full"]):
        check = processes.manage("check_index", *full)
        (articles,) = processes.sql("select count(*) from newspaper_article")[0]
        assert check.returncode == 0, check.stdout + check.stderr
        assert f"index matches database: {articles} articles" in check.stdout, check.stdout


def test_the_writer_killed_again_and_again_during_imports_loses_and_duplicates_nothing(processes, tmp_path):
    rng = random.Random(12)
    writer = processes.start("index_writer", "--batch", "15", "--quiet", "0.2")
    assert wait_for(lambda: writer_alive(processes), 60), writer.stderr.read() if writer.poll() else "no heartbeat"
    kills = 0
    for round_ in range(ROUNDS):
        # new pages, and every third round the previous round's pages again, changed (updates in place)
        pages = dumps(tmp_path / f"round-{round_}", 2000 + round_, 1)
        if round_ % 3 == 2:
            for path in sorted((tmp_path / f"round-{round_ - 1}").iterdir())[:10]:
                changed = tmp_path / f"round-{round_}" / f"changed-{path.name}"
                changed.write_text(path.read_text("utf-8").replace("工会", "工会组织", 1), "utf-8")
        importer = processes.start("ingest", "--no-wait", str(tmp_path / f"round-{round_}"))
        time.sleep(rng.uniform(0.2, 1.8))  # somewhere in the import, or in the writer's batch
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        kills += 1
        writer = processes.start("index_writer", "--batch", "15", "--quiet", "0.2")
        _, err = importer.communicate(timeout=180)
        assert importer.returncode == 0, err
        assert pages
    writer.send_signal(signal.SIGTERM)
    writer.wait(timeout=60)
    assert kills == ROUNDS
    assert_index_matches(processes)


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_the_index_lock_held_by_another_process_for_a_while_only_delays_the_writing(processes, tmp_path):
    """Another process holds the writer's lock, then Whoosh's own: the writer waits (never a
    write that silently does not happen, as haystack's AsyncWriter did) and then writes."""
    index = processes.data_dir / "whoosh_index"
    for lock in (index.with_name("whoosh_index.writer.lock"), index / "MAIN_WRITELOCK"):
        folder = tmp_path / "dumps" / lock.name
        pages = dumps(folder, 2011 + len(lock.name) % 7, 1, rounds=1)
        if lock.name == "MAIN_WRITELOCK":
            index.mkdir(exist_ok=True)
        holder = processes.start(str(lock), "4", script=HOLD_LOCK)
        assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
        started = time.monotonic()
        imported = processes.manage("ingest", str(folder))  # returns once searchable
        assert imported.returncode == 0, imported.stderr
        assert time.monotonic() - started >= 3, "written while another process held the lock"
        assert f"{len(pages)} dumps: {len(pages)} created" in imported.stdout
        holder.wait(timeout=30)
    assert_index_matches(processes)


RENAME = """
import django, sys, time
django.setup()
from haystack.query import SearchQuerySet
from newspaper.models import Union
union = Union.objects.get(name="德清县总工会")
union.name = "德清县总工会（更名）"
started = time.monotonic()
union.save()
while not SearchQuerySet().filter(union="德清县总工会（更名）").count():
    assert time.monotonic() - started < 30, "not renamed in the index after 30 s"
    time.sleep(0.05)
assert SearchQuerySet().filter(union="德清县总工会").count() == 0
print(round(time.monotonic() - started, 2))
"""


def test_renaming_a_union_shows_the_new_name_in_the_facets_within_seconds(processes):
    imported = processes.manage("ingest", *map(str, SEEDS))
    assert imported.returncode == 0, imported.stderr
    writer = processes.start("index_writer")
    try:
        assert wait_for(lambda: writer_alive(processes), 60)
        renamed = processes.python(RENAME)
        assert renamed.returncode == 0, renamed.stderr
        assert float(renamed.stdout.strip()) < 5
    finally:
        writer.send_signal(signal.SIGTERM)
        writer.wait(timeout=60)
    assert_index_matches(processes)

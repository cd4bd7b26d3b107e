"""Shared fixtures: the sample pages, a fresh search index per test, a tiny archive."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from haystack import connections

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "in").glob("*.txt"))


def seed(name: str) -> bytes:
    """A sample page by its number prefix, e.g. seed("002")."""
    return next(p for p in SEEDS if p.name.startswith(name)).read_bytes()


@pytest.fixture(autouse=True)
def search_index():
    """Each test starts with an empty index. haystack keeps the settings it started with and one
    backend per thread, so the index directory is removed and this thread's backend reloaded;
    the live server answers each request in a new thread, with a new backend."""
    path = Path(connections["default"].get_backend().path)
    shutil.rmtree(path, ignore_errors=True)
    path.with_name(path.name + ".uncertain").unlink(missing_ok=True)
    connections.reload("default")
    from search import page_cache

    page_cache.forget()  # pages kept under an empty index's generation would outlive the test
    yield


def drain(batch: int | None = None) -> None:
    """What the index writer process does, here: write everything the outbox holds (`batch`
    articles per commit at most, when given)."""
    from django.core.management import call_command

    from search.writer import IndexWriter

    if batch is None:
        call_command("index_writer", drain=True, verbosity=0)
    else:
        assert IndexWriter(batch=batch, most=batch).run(drain=True) == 0


@pytest.fixture
def archive(db):
    """The five sample pages, imported through the real ingestion path and indexed by the writer."""
    from newspaper.ingest import ingest_source
    from newspaper.sources import Source

    outcomes = [ingest_source(Source(p.name, p.read_bytes())) for p in SEEDS]
    assert not [o for o in outcomes if o.failed], [o.line() for o in outcomes]
    drain()
    return outcomes


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess running the embedded default (SQLite and the SQLite job
    queue in data_dir), as make run does."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "newspaper.settings",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "HUEY_IMMEDIATE": "0",
        "SECRET_KEY": "x" * 50,
        **extra,
    }


def admin_edit(client, article, **changes):
    """Change an article in the admin as an editor would (its change form posted back)."""
    url = f"/admin/newspaper/article/{article.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("topics", "unions")}
    data.update(
        page=article.page_id,
        captions="\n".join(article.captions),  # one per line (newspaper.article_form.LinesField)
        pull_quotes="\n".join(article.pull_quotes),
        topics=[t.pk for t in article.topics.all()],
        unions=[u.pk for u in article.unions.all()],
        **{"credits-TOTAL_FORMS": 0, "credits-INITIAL_FORMS": 0},
    )
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


ROOT = Path(__file__).parent.parent


@dataclass
class Processes:
    """An archive that several processes share, as in production: `make run`'s embedded SQLite
    in a folder of its own, or, when the suite runs on PostgreSQL, the test database itself
    (with its own search index folder). `manage(...)` runs a command and waits; `start(...)`
    starts one."""

    env: dict[str, str]
    data_dir: Path

    def manage(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str, script: str | None = None) -> subprocess.Popen:
        command = [sys.executable, "-c", script, *args] if script else [sys.executable, "manage.py", *args]
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def python(self, script: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def sql(self, query: str) -> list[tuple]:
        """Rows of a query on the shared database (this process's own connection on PostgreSQL)."""
        if on_postgresql():
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetchall()
        import sqlite3

        with sqlite3.connect(self.data_dir / "archive.sqlite3", timeout=20) as conn:
            return conn.execute(query).fetchall()


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def processes(tmp_path, transactional_db) -> Processes:
    from django.db import connection

    extra = {}
    if on_postgresql():
        s = connection.settings_dict
        extra["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    shared = Processes(embedded_env(tmp_path, **extra), tmp_path)
    if not on_postgresql():
        migrated = shared.manage("migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr
    return shared


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def moved(text: str, year: int, month: int, day: int) -> str:
    """A sample page moved to another day (its masthead date and number changed): another page."""
    for date in ("2021年8月30日", "2022年5月19日", "2022年6月22日", "2023年1月18日", "2022年4月8日"):
        text = text.replace(date, f"{year}年{month}月{day}日")
    return text.replace("总第", "总第9")

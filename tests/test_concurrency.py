"""Several processes importing and searching one archive at once: no Whoosh lock error, no
"database is locked", and the index ends up holding every article the database holds."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, embedded_env

ROOT = Path(__file__).parent.parent

SEARCH_LOOP = """
import django, time
django.setup()
from haystack.query import SearchQuerySet
from newspaper.models import Article
deadline = time.time() + 20
while time.time() < deadline:
    SearchQuerySet().models(Article).filter(grams="工会").count()
    if Article.objects.count() >= 29:
        break
"""


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite")
def test_parallel_imports_and_searches_do_not_collide(tmp_path):
    env = embedded_env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "ingest", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in SEEDS
    ]
    searcher = subprocess.Popen(
        [sys.executable, "-c", SEARCH_LOOP],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for proc in [*workers, searcher]:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "LockError" not in err and "database is locked" not in err
    check = subprocess.run(
        [sys.executable, "manage.py", "ensure_index"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "up to date (29 articles)" in check.stdout

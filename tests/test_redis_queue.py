"""Production runs the job queue on Redis (REDIS_URL): the same task goes through it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

ROUND_TRIP = """
import django
django.setup()
from huey.contrib.djhuey import HUEY
from newspaper.tasks import import_upload
assert type(HUEY).__name__ == "RedisHuey", type(HUEY)
HUEY.flush()
import_upload(1)
assert len(HUEY) == 1, len(HUEY)
task = HUEY.dequeue()
assert task.args == (1,), task.args
HUEY.flush()
print("ok")
"""


def test_the_queue_runs_on_redis_when_configured(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newspaper.settings",
        "DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "HUEY_IMMEDIATE": "0",
        "SECRET_KEY": "x" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr

"""parse_dump prints the gold JSON shape; bad input gets one line and a non-zero exit."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS

ROOT = Path(__file__).parent.parent


def manage(*args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_parse_dump_prints_the_schema():
    result = manage("parse_dump", str(SEEDS[2]))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["issue"]["date"] == "2022-05-19"
    assert set(data["articles"][0]) >= {
        "title",
        "kicker",
        "subtitle",
        "column",
        "kind",
        "byline",
        "reporters",
        "correspondents",
        "other_authors",
        "photographers",
        "captions",
        "body",
        "unions_mentioned",
        "topics",
    }


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03" * 100, "binary data"),
        ("一段没有日期的文字".encode(), "no issue date"),
    ],
)
def test_parse_dump_refuses_bad_input_in_one_line(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = manage("parse_dump", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"bad.txt: {reason}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_parse_dump_names_a_missing_file():
    result = manage("parse_dump", "/no/such.txt")
    assert result.returncode != 0 and "/no/such.txt: cannot read" in result.stderr

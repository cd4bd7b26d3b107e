"""The layout tells the architecture: no import cycles, the archive app (newspaper/) never
imports the search index's writer or engine (it writes outbox rows), no module over 400 lines.
Checked by the team's tool in ../shared."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TOOL = ROOT.parent / "shared" / "tools" / "layering.py"


@pytest.mark.skipif(not TOOL.exists(), reason="../shared is not beside the project")
def test_the_layers_hold():
    result = subprocess.run([sys.executable, str(TOOL), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

"""bench/load.py and bench/build.py run and report what they say they do (no timing assertions:
the numbers are the scripts' business; here, that every phase ran and every answer was right)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT


def run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_load_reports_distinct_cards_cache_hits_cpu_and_memory(tmp_path: Path) -> None:
    out = run("bench/load.py", "--requests", "40", "--distinct", "8", "--hits", "60", "--hit-clients", "2",
              "--slow-clients", "0", "--concurrency", "2", "--log", str(tmp_path / "gunicorn.log"))
    assert "distinct cards: 8 from 2 clients" in out and "statuses {200: 8}" in out
    assert re.search(r"CPU per card: web workers [0-9.]+, render hosts [0-9.]+, render processes [0-9.]+",
                     out)
    hits = re.search(r"cache hits: (\d+) from 2 client processes in [0-9.]+ s: \d+ req/s; statuses (.*)", out)
    assert hits is not None and hits[1] == "60" and hits[2] == "{200: 60}", out
    assert re.search(r"RSS after cache hits: web workers \d+: \d+ \(", out)


def test_build_reports_one_and_two_workers() -> None:
    out = run("bench/build.py", "--rows", "6", "--rounds", "1", "--template", "quote")
    assert re.search(r"round 1, 1 worker\(s\): [0-9.]+ cards/s .* CPU per card: parent [0-9.]+ ms", out)
    assert re.search(r"round 1, 2 worker\(s\): [0-9.]+ cards/s", out)
    assert re.search(r"median: 1 worker [0-9.]+ cards/s, 2 workers [0-9.]+ cards/s \([0-9.]+x\)", out)

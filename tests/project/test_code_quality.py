"""The package stays typed (mypy --strict) and lint-clean (ruff), as the style guide asks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.parametrize("tool", ["mypy", "ruff"])
def test_tool(tool: str) -> None:
    pytest.importorskip(tool)
    if tool == "mypy":
        result = _run("mypy", "og", "--strict", "--ignore-missing-imports", "--no-error-summary")
    else:
        result = _run("ruff", "check", "og", "bench", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr

"""How long a fresh process takes to its first card: the cold start (issue 9: ≤ 250 ms to the first PNG).

Every figure comes from new Python processes (``--runs`` of them, 5 by default; the median is
printed), so nothing is warm but the operating system's file cache (the first process of a
run warms that, and is not counted). A child stamps ``time.monotonic()`` (one clock for every
process on Linux) when it starts (interpreter start is measured by a separate ``python -c pass``)
and after each step, and the parent stamps the moment before it spawns the child, so "from
process start" includes the interpreter itself. Rows, in Markdown:

* **python -c pass** — the interpreter alone (the floor under every other row).
* **start → import og done** — from process start until ``import og`` returns.
* **Renderer()** — after ``import og``: settings, the font scan, the template store.
* **first PNG** — after ``Renderer()``: ``renderer.render("article", {"title": "x"})``.
* **start → first PNG** — ``og.render("article", {"title": "x"})`` from process start (the issue's figure).
* **start → first JSON** — the same with ``fmt="json"`` (layout only: nothing drawn).
* **og render article -o -** — ``python -m og render article -p title=x -o -``, start to exit.
* **--importtime** (optional) — the modules whose own import time is largest (``-X importtime``).

Nothing is asserted. Run ``python bench/cold_start.py [--runs 5] [--importtime 15]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The child: stamps after each step, prints them as JSON on stderr (stdout may carry a card).
STEPS = """
import json, sys, time
stamps = {"start": %(spawned)r}
import og
stamps["import"] = time.monotonic()
%(body)s
sys.stderr.write("STAMPS" + json.dumps(stamps) + "\\n")
"""
RENDERER_THEN_PNG = """
renderer = og.Renderer()
stamps["renderer"] = time.monotonic()
body = renderer.render("article", {"title": "x"})
stamps["png"] = time.monotonic()
assert body[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
"""
FIRST_PNG = """
body = og.render("article", {"title": "x"})
stamps["done"] = time.monotonic()
assert body[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
"""
FIRST_JSON = """
body = og.render("article", {"title": "x"}, fmt="json")
stamps["done"] = time.monotonic()
assert json.loads(body)["template"] == "article"
"""


def _run(args: list[str]) -> tuple[float, dict[str, float]]:
    """Milliseconds from spawn to exit, and the child's stamps (ms from spawn)."""
    spawned = time.monotonic()
    code = args[-1] % {"spawned": spawned} if args[:2] == ["-c", "STEPS"] else None
    argv = [sys.executable, *(["-c", code] if code else args)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=60, check=True)
    ended = time.monotonic()
    stamps: dict[str, float] = {}
    for line in done.stderr.decode().splitlines():
        if line.startswith("STAMPS"):
            stamps = {k: (v - spawned) * 1000 for k, v in json.loads(line[6:]).items()}
    return (ended - spawned) * 1000, stamps


def _steps(body: str) -> list[str]:
    return ["-c", "STEPS", STEPS.replace("%(body)s", body.replace("%", "%%"))]


def _median(runs: int, args: list[str], pick: t.Callable[[float, dict[str, float]], float]) -> float:
    _run(args)  # warm the file cache
    return statistics.median(pick(*_run(args)) for _ in range(runs))


def table(runs: int) -> list[tuple[str, float]]:
    staged = [_run(_steps(RENDERER_THEN_PNG)) for _ in range(runs + 1)][1:]
    return [
        ("python -c pass", _median(runs, ["-c", "pass"], lambda wall, _: wall)),
        ("start → import og done", statistics.median(s["import"] for _, s in staged)),
        ("Renderer() (after import og)", statistics.median(s["renderer"] - s["import"] for _, s in staged)),
        ("first PNG (after Renderer())", statistics.median(s["png"] - s["renderer"] for _, s in staged)),
        ("start → first PNG, og.render", _median(runs, _steps(FIRST_PNG), lambda _, s: s["done"])),
        ("start → first JSON, og.render", _median(runs, _steps(FIRST_JSON), lambda _, s: s["done"])),
        ("og render article -o - (start to exit)",
         _median(runs, ["-m", "og", "render", "article", "-p", "title=x", "-o", "-"], lambda wall, _: wall)),
    ]


def slowest_imports(count: int) -> list[tuple[str, int]]:
    """The modules whose own (self) import time is largest, in microseconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import og"], cwd=ROOT,
                          capture_output=True, timeout=60, check=True)
    rows = []
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, _, name = line[len("import time:"):].split("|")
            rows.append((name.strip(), int(own)))
    return sorted(rows, key=lambda row: -row[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per row (median)")
    parser.add_argument("--importtime", type=int, default=0, metavar="N",
                        help="also list the N modules slowest to import")
    args = parser.parse_args()
    os.environ.pop("OG_CACHE_URL", None)  # the in-process storage: no Redis to connect to
    print(f"| step (median of {args.runs} fresh processes) | ms |\n| --- | ---: |")
    for name, ms in table(args.runs):
        print(f"| {name} | {ms:.0f} |")
    if args.importtime:
        print("\n| module (self import time) | ms |\n| --- | ---: |")
        for name, us in slowest_imports(args.importtime):
            print(f"| {name} | {us / 1000:.1f} |")


if __name__ == "__main__":
    main()

"""How long a fresh process takes to its first card: the cold start (issue 9: ≤ 250 ms to the first PNG).

Every figure comes from new Python processes (``--runs`` of them, 5 by default; the median is
printed), so nothing is warm but the operating system's file cache (the first process of a
run warms that, and is not counted). A child stamps ``time.monotonic()`` (one clock for every
process on Linux) when it starts (interpreter start is measured by a separate ``python -c pass``)
and after each step, and the parent stamps the moment before it spawns the child, so "from
process start" includes the interpreter itself. Rows, in Markdown:

* **python -c pass** — the interpreter alone (the floor under every other row).
* **start → third-party imports done** — only the libraries a PNG needs (numpy, cairocffi, CairoSVG,
  PyICU, uharfbuzz, lxml, Jinja's sandbox, fontTools' pens, cssselect2, deflate, isal, pyphen,
  budoux): what no change inside og can take away.
* **start → import og done** — from process start until ``import og`` returns.
* **Renderer()** — after ``import og``: settings, the font scan, the template store.
* **first PNG** — after ``Renderer()``: ``renderer.render("article", {"title": "x"})``.
* **start → first PNG** — ``og.render("article", {"title": "x"})`` from process start (the issue's figure).
* **start → first JSON** — the same with ``fmt="json"`` (layout only: nothing drawn).
* **og render article -o -** — ``python -m og render article -p title=x -o -``, start to exit.
* **og serve: fork → first PNG** — under real gunicorn with og's settings (preload, fork, one
  worker): the worker is killed, a request for a new card is sent at once, and the time from the
  master forking the new worker (stamped by a ``post_fork`` hook in the worker) to the answer is
  counted: the worker's boot, its render host and render process, and that process's first card.
* **og serve: render process private/PSS MiB** — after that first card, what the new worker's
  render processes hold alone (``Private_*`` of ``smaps_rollup``) and their proportional share,
  summed; and what the web worker holds alone.
* **--importtime** (optional) — the modules whose own import time is largest (``-X importtime``).

Nothing is asserted. Run ``python bench/cold_start.py [--runs 5] [--importtime 15] [--no-serve]``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import GunicornServer  # noqa: E402
from bench.server import private_mib  # noqa: E402

#: gunicorn's settings for the forked-worker rows: og's, plus a hook stamping each worker's fork.
FORK_STAMPING_CONFIG = '''
import json, os, time
from og.gunicorn_conf import *  # noqa: F403

def post_fork(server, worker):
    with open(os.environ["OG_BENCH_FORKS"], "a") as stamps:
        stamps.write(json.dumps([worker.pid, time.monotonic()]) + "\\n")
'''

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
#: What the PNG path imports from outside og (``import og`` and one card, by ``sys.modules``).
THIRD_PARTY = ("numpy", "cairocffi", "cairosvg", "icu", "uharfbuzz", "lxml.etree", "jinja2.sandbox",
               "fontTools.pens.basePen", "cssselect2", "tinycss2", "deflate", "isal.isal_zlib", "pyphen",
               "budoux")
CLI = ["-m", "og", "render", "article", "-p", "title=x", "-o", "-"]
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
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=60, check=False)
    ended = time.monotonic()
    if done.returncode:
        raise RuntimeError(f"{args[:3]} exited with {done.returncode}: {done.stderr.decode()[-2000:]}")
    stamps: dict[str, float] = {}
    for line in done.stderr.decode().splitlines():
        if line.startswith("STAMPS"):
            stamps = {k: (v - spawned) * 1000 for k, v in json.loads(line[6:]).items()}
    return (ended - spawned) * 1000, stamps


def _steps(body: str, imports: str = "import og") -> list[str]:
    code = STEPS.replace("%(body)s", body.replace("%", "%%")).replace("import og\n", imports + "\n", 1)
    return ["-c", "STEPS", code]


Row = tuple[str, float, float]  # name, median ms, fastest ms


def _row(name: str, values: t.Sequence[float]) -> Row:
    return name, statistics.median(values), min(values)


def _times(runs: int, args: list[str], pick: t.Callable[[float, dict[str, float]], float]) -> list[float]:
    _run(args)  # warm the file cache
    return [pick(*_run(args)) for _ in range(runs)]


def table(runs: int) -> list[Row]:
    staged = [_run(_steps(RENDERER_THEN_PNG)) for _ in range(runs + 1)][1:]
    libraries = "".join(f"import {name}\n" for name in THIRD_PARTY)
    return [
        _row("python -c pass", _times(runs, ["-c", "pass"], lambda wall, _: wall)),
        _row("start → third-party imports done",
             _times(runs, _steps("", libraries.rstrip()), lambda _, s: s["import"])),
        _row("start → import og done", [s["import"] for _, s in staged]),
        _row("Renderer() (after import og)", [s["renderer"] - s["import"] for _, s in staged]),
        _row("first PNG (after Renderer())", [s["png"] - s["renderer"] for _, s in staged]),
        _row("start → first PNG, og.render", _times(runs, _steps(FIRST_PNG), lambda _, s: s["done"])),
        _row("start → first JSON, og.render", _times(runs, _steps(FIRST_JSON), lambda _, s: s["done"])),
        _row("og render article -o - (start to exit)", _times(runs, CLI, lambda wall, _: wall)),
    ]


def _fork_stamps(path: Path) -> dict[int, float]:
    return {pid: when for pid, when in map(json.loads, path.read_text().splitlines())}


def _new_worker(server: GunicornServer, old: int, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pids = [pid for pid in server.worker_pids() if pid != old]
        if pids:
            return pids[0]
        time.sleep(0.01)
    raise RuntimeError("gunicorn started no new worker")


def forked_worker(runs: int) -> list[Row]:
    """Under gunicorn (og's settings, one worker): kill the worker, ask at once for a card no one
    asked for, and time from the new worker's fork to the answer; then the memory of its render
    process."""
    with tempfile.TemporaryDirectory(prefix="og-cold-") as folder:
        config, forks = Path(folder) / "gunicorn_bench.py", Path(folder) / "forks"
        config.write_text(FORK_STAMPING_CONFIG)
        forks.touch()
        env = {"OG_BENCH_FORKS": str(forks), "WEB_CONCURRENCY": "1"}
        env_without_cache = {key: value for key, value in os.environ.items() if key != "OG_CACHE_URL"}
        with GunicornServer(["-c", str(config)], env={**env_without_cache, **env}) as server:
            times, private, pss, worker_private = [], [], [], []
            server.get("/article.png?title=warm")  # the file cache, as the other rows' first process
            for run in range(runs + 1):
                old = server.wait_for_workers(1)[0]
                os.kill(old, signal.SIGKILL)
                status, _, body = server.get("/article.png?title=" + urllib.parse.quote(f"cold {run}"),
                                             timeout=30)
                answered = time.monotonic()
                assert status == 200 and body[:4] == b"\x89PNG", status
                worker = _new_worker(server, old)
                forked = _fork_stamps(forks)[worker]
                if run:  # the first new worker warms the file cache of what only workers load
                    times.append((answered - forked) * 1000)
                    shares = [private_mib(pid) for pid in server.render_pids()]
                    pss.append(sum(share[0] for share in shares))
                    private.append(sum(share[1] for share in shares))
                    worker_private.append(private_mib(worker)[1])
    return [_row("og serve: worker fork → first PNG", times),
            _row("og serve: render process private MiB", private),
            _row("og serve: render process PSS MiB", pss),
            _row("og serve: web worker private MiB", worker_private)]


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
    parser.add_argument("--no-serve", dest="serve", action="store_false",
                        help="leave out the rows that start gunicorn")
    args = parser.parse_args()
    os.environ.pop("OG_CACHE_URL", None)  # the in-process storage: no Redis to connect to
    print(f"| step ({args.runs} fresh processes) | median ms | fastest ms |\n| --- | ---: | ---: |")
    rows = table(args.runs) + (forked_worker(args.runs) if args.serve else [])
    for name, median, fastest in rows:
        print(f"| {name} | {median:.0f} | {fastest:.0f} |")
    if args.importtime:
        print("\n| module (self import time) | ms |\n| --- | ---: |")
        for name, us in slowest_imports(args.importtime):
            print(f"| {name} | {us / 1000:.1f} |")


if __name__ == "__main__":
    main()

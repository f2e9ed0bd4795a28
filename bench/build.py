"""``og build`` of ``--rows`` rows with one worker and with two, interleaved: cards per second, and
the CPU the parent and the render processes spent (``getrusage``).

The parent only plans the rows and collects each chunk's manifest entries; the render processes
render and write the cards. So the parent's CPU per card shows the overhead around the render, and
the render processes' CPU per card what the render itself costs there. On a machine others share,
two workers draw no faster than one when no second core is free: the CPU per card says whether the
work grew, the wall time whether a core was there.

    python bench/build.py                     # 1,000 rows of article, 1 and 2 workers, 2 rounds
    python bench/build.py --rows 300 --rounds 1 --template quote
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
import typing as t
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import VARIED  # noqa: E402
from og.build import Lines  # noqa: E402
from og.build import Options  # noqa: E402
from og.build import build  # noqa: E402
from og.rows import Row  # noqa: E402


def cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def one_build(rows: list[Row], template: str, workers: int, out_dir: Path) -> tuple[float, float, float]:
    """Build into a fresh ``out_dir``: (cards per second, parent CPU ms per card, render processes'
    CPU ms per card)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    parent, children = cpu_s(resource.RUSAGE_SELF), cpu_s(resource.RUSAGE_CHILDREN)
    with open("/dev/null", "w") as quiet:
        result = build(rows, Options(template, out_dir, workers=workers), progress=lambda n: Lines(n, quiet))
    made = max(1, result.rendered)
    assert not result.failures, result.failures[:3]
    return (result.rendered / result.render_s, (cpu_s(resource.RUSAGE_SELF) - parent) * 1000 / made,
            (cpu_s(resource.RUSAGE_CHILDREN) - children) * 1000 / made)


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="1 worker, then 2, this many times")
    parser.add_argument("--template", default="article", choices=sorted(VARIED))
    args = parser.parse_args(argv)
    param = VARIED[args.template]
    rows = [Row(n, {param: f"Post number {n}: notes on building things that last"}, f"bench:{n}")
            for n in range(1, args.rows + 1)]
    speeds: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="og-bench-build-") as folder:
        for round_number in range(args.rounds):
            for workers in (1, 2):
                started = time.monotonic()
                speed, parent_ms, children_ms = one_build(rows, args.template, workers, Path(folder) / "out")
                speeds[workers].append(speed)
                print(f"round {round_number + 1}, {workers} worker(s): {speed:.1f} cards/s "
                      f"({time.monotonic() - started:.1f} s in all); CPU per card: parent "
                      f"{parent_ms:.2f} ms, render processes {children_ms:.2f} ms", flush=True)
    one, two = statistics.median(speeds[1]), statistics.median(speeds[2])
    print(f"median: 1 worker {one:.1f} cards/s, 2 workers {two:.1f} cards/s ({two / one:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

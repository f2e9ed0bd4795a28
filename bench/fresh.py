"""A fresh card of each bundled template: new text every render, everything else warm.

What a crawler storm over new pages costs: the template, fonts, background and glyph outlines
are loaded and cached, but each card's text is new (a counter in its main text parameter), so
each render lays out, draws and compresses its text. Printed per template, in-process and (with
``--pool``) through one render process as ``og serve`` renders, hand-off included: the median wall
ms and the CPU ms per card (all threads, and the render process's), over ``-n`` renders after
``--warmup``. Issue 18's target is ≤ 8 ms a fresh card. Nothing is asserted.

    python bench/fresh.py [-n 200] [--warmup 20] [--pool] [--template NAME ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import typing as t
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import og  # noqa: E402
import og.config  # noqa: E402
import og.pool  # noqa: E402
from bench.server import cpu_s  # noqa: E402


def _cpu_ms(pids: list[int]) -> float:
    """CPU of this process and the given ones so far, in ms."""
    return (time.process_time() + sum(map(cpu_s, pids))) * 1000


def values_for(renderer: og.Renderer, name: str, counter: int) -> dict[str, str]:
    """The template's required values (its examples), the first text one numbered ``counter``."""
    params = renderer.templates.get(name).params
    values = {key: param.example or key for key, param in params.items() if param.required}
    main = next((key for key, param in params.items() if param.required and param.kind == "text"), None)
    if main is not None:
        values[main] = f"{counter}: {values[main]}"[: params[main].max_length]
    return values


def measure(renderer: og.Renderer, name: str, n: int, warmup: int,
            pids: t.Callable[[], list[int]]) -> tuple[float, float]:
    """(median wall ms, mean CPU ms) per fresh card of ``name``."""
    counter = iter(range(10_000, sys.maxsize))
    for _ in range(warmup):
        renderer.render(name, values_for(renderer, name, next(counter)))
    times = []
    cpu_start = _cpu_ms(pids())
    for _ in range(n):
        values = values_for(renderer, name, next(counter))
        start = time.perf_counter()
        renderer.render(name, values)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), (_cpu_ms(pids()) - cpu_start) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pool", action="store_true", help="render in one render process, as og serve does")
    parser.add_argument("--template", action="append", help="only these templates (default: all bundled)")
    args = parser.parse_args(argv)
    renderer = og.Renderer(og.config.Settings(templates_dir=REPO_ROOT / "svg_templates",
                                              fonts_dir=REPO_ROOT / "fonts"))
    names = args.template or renderer.templates.names()
    print("| template | fresh card, median wall ms | CPU ms per card |\n| --- | --- | --- |")
    if args.pool:
        with og.pool.isolated(renderer, processes=1) as pool:
            rows = [(name, *measure(renderer, name, args.n, args.warmup, pool.pids)) for name in names]
    else:
        rows = [(name, *measure(renderer, name, args.n, args.warmup, list)) for name in names]
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")
    print(f"\n{'one render process' if args.pool else 'in-process'}; {args.n} fresh cards each after "
          f"{args.warmup}; load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

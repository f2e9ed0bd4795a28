"""Bytes and encode time of every bundled card in every format og writes, and the PNG choices.

Each card is rendered once (``og.render(name, {})``) and decoded to RGBA; everything after
that is timed on those pixels alone: median of ``--runs`` runs after one warm-up, wall time
from ``time.perf_counter``. Tables, in Markdown:

* **formats** — ``og.raster.formats.encode`` per format and effort, default qualities;
  ``png fast`` is the encoder og had before (ISA-L level 2, unfiltered), byte for byte.
* **deflate** — the unfiltered PNG rows through ISA-L, zlib and libdeflate at several levels.
* **filters** — the same rows with each PNG filter type, and the per-row adaptive choice by
  the minimum sum of absolute differences (vectorised numpy), through libdeflate and ISA-L;
  the numpy filtering time is its own column. This is why og leaves rows unfiltered.
* **budget** — what ``encode_within`` picks for a few byte budgets.

Nothing is asserted. Run ``python bench/bench_encode.py --help``.
"""

from __future__ import annotations

import argparse
import functools
import io
import statistics
import sys
import time
import typing as t
import zlib
from pathlib import Path

import deflate
import numpy as np
from isal import isal_zlib
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import og  # noqa: E402
from og.raster import formats as encode_formats  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILTERS = ("none", "sub", "up", "average", "paeth", "adaptive")
DEFLATERS: dict[str, t.Callable[[bytes], bytes | bytearray]] = {
    **{f"isal {level}": functools.partial(isal_zlib.compress, level=level) for level in (1, 2, 3)},
    **{f"zlib {level}": functools.partial(zlib.compress, level=level) for level in (1, 6)},
    **{f"libdeflate {level}": functools.partial(deflate.zlib_compress, compresslevel=level)
       for level in (1, 3, 4, 6, 8)},
}


def timed(function: t.Callable[[], t.Any], runs: int,
          clock: t.Callable[[], float] = time.perf_counter) -> tuple[t.Any, float]:
    """The result and the median milliseconds of ``runs`` calls after one warm-up (``clock``:
    wall time, or ``time.process_time`` for CPU time)."""
    result = function()
    times = []
    for _ in range(runs):
        start = clock()
        function()
        times.append(clock() - start)
    return result, statistics.median(times) * 1000


def cards() -> dict[str, np.ndarray]:
    names = sorted(path.stem for path in (ROOT / "svg_templates").glob("*.svg"))
    return {name: np.asarray(Image.open(io.BytesIO(og.render(name, {}))).convert("RGBA")) for name in names}


def residue(x: np.ndarray, bpp: int, kind: str) -> np.ndarray:
    """One PNG filter's output for rows ``x`` (int16, bytes of ``bpp``-byte pixels), mod 256 later."""
    if kind == "none":
        return x
    a = np.zeros_like(x)
    a[:, bpp:] = x[:, :-bpp]
    if kind == "sub":
        return x - a
    b = np.zeros_like(x)
    b[1:] = x[:-1]
    if kind == "up":
        return x - b
    if kind == "average":
        return x - ((a + b) >> 1)
    c = np.zeros_like(x)
    c[1:, bpp:] = x[:-1, :-bpp]
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return x - np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def filtered_rows(rgb: np.ndarray, kind: str) -> np.ndarray:
    """PNG rows (filter byte first) of 8-bit RGB pixels with one filter type, or per-row adaptive."""
    height, width, bpp = rgb.shape
    x = rgb.reshape(height, width * bpp).astype(np.int16)
    kinds = FILTERS[:-1] if kind == "adaptive" else (kind,)
    residues = np.stack([residue(x, bpp, each) for each in kinds]).astype(np.uint8)
    # Minimum sum of absolute differences: each byte read as a signed one.
    choice = np.abs(residues.view(np.int8)).sum(axis=2, dtype=np.int32).argmin(axis=0)
    rows = np.empty((height, width * bpp + 1), dtype=np.uint8)
    rows[:, 0] = [FILTERS.index(kinds[index]) for index in choice]
    rows[:, 1:] = residues[choice, np.arange(height)]
    return rows


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def kb(data: bytes | bytearray) -> str:
    return f"{len(data) / 1000:.0f} KB"


def formats_table(pixels: dict[str, np.ndarray], runs: int) -> None:
    steps = [("png", "fast"), ("png", "balanced"), ("png", "small"), ("jpeg", "balanced"),
             ("webp", "fast"), ("webp", "balanced"), ("webp", "small"), ("avif", "balanced")]
    rows = []
    for name, rgba in pixels.items():
        row = [name]
        for fmt, effort in steps:
            data, ms = timed(lambda: encode_formats.encode(rgba, fmt, effort=effort), runs)  # noqa: B023
            row.append(f"{kb(data)} · {ms:.1f} ms")
        rows.append(row)
    table("formats (default quality)", ["card", *(f"{fmt} {effort}" for fmt, effort in steps)], rows)


def unfiltered(rgba: np.ndarray) -> bytes:
    return filtered_rows(rgba[..., :3], "none").tobytes()


def deflate_table(pixels: dict[str, np.ndarray], runs: int) -> None:
    rows = []
    for name, rgba in pixels.items():
        data = unfiltered(rgba)
        row = [name]
        for compress in DEFLATERS.values():
            out, ms = timed(lambda: compress(data), runs)  # noqa: B023
            row.append(f"{kb(out)} · {ms:.1f} ms")
        rows.append(row)
    table("deflate of the unfiltered RGB rows", ["card", *DEFLATERS], rows)


def filters_table(pixels: dict[str, np.ndarray], runs: int) -> None:
    compared = ("isal 2", "libdeflate 4", "libdeflate 8")
    rows = []
    for name, rgba in pixels.items():
        for kind in FILTERS:
            data, ms = timed(lambda: filtered_rows(rgba[..., :3], kind).tobytes(), max(1, runs // 3))  # noqa: B023
            rows.append([name, kind, f"{ms:.1f} ms", *(kb(DEFLATERS[key](data)) for key in compared)])
    table("PNG filters", ["card", "filter", "numpy filtering", *compared], rows)


def budget_table(pixels: dict[str, np.ndarray], runs: int) -> None:
    budgets = (300_000, 150_000, 100_000, 30_000)
    rows = []
    for name, rgba in pixels.items():
        row = [name]
        for budget in budgets:
            chosen, ms = timed(lambda: encode_formats.encode_within(rgba, budget), runs)  # noqa: B023
            quality = "" if chosen.quality is None else f" q{chosen.quality}"
            row.append(f"{chosen.fmt}{quality} {chosen.effort} {kb(chosen.data)} · {ms:.0f} ms")
        rows.append(row)
    header = ["card", *(f"≤ {budget // 1000} KB" for budget in budgets)]
    table("encode_within (png, webp, jpeg)", header, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per measurement (median)")
    parser.add_argument("--only", choices=("formats", "deflate", "filters", "budget"), action="append",
                        help="tables to print (default: all)")
    args = parser.parse_args(argv)
    pixels = cards()
    tables = {"formats": formats_table, "deflate": deflate_table, "filters": filters_table,
              "budget": budget_table}
    for key in args.only or tables:
        tables[key](pixels, args.runs)


if __name__ == "__main__":
    main()

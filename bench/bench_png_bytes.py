"""PNG bytes of the peer card: og's card as served (bands over the cached background) and og's
whole-card encoder on og's pixels and on each peer's own pixels, against the peer's own file.

The served card is measured with a changed band compressed after the rows above it (og) and on
its own (og before), in turn within each round so that the machine's noise hits both alike.

``bench/peers.py`` saves every renderer's card in ``bench/out/`` (run it first, or pass PNGs);
this reads them, decodes each to pixels and encodes those with every effort of
:func:`og.raster.encode.encode_png`, checking that the decoded pixels are the same (lossless).
Times are CPU milliseconds, the median of ``--runs`` runs. Nothing is asserted. Run
``python bench/bench_png_bytes.py --help``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import typing as t
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_encode import timed  # noqa: E402

import og  # noqa: E402
from og.raster import bands  # noqa: E402
from og.raster.encode import EFFORTS  # noqa: E402
from og.raster.encode import encode_png  # noqa: E402

BENCH = Path(__file__).resolve().parent
TITLE = "Card 10000: og against its peers, the same card drawn by each renderer in turn"
SUBTITLE = "Render 10000 · DejaVu Sans 32 px subtitle, light grey, one line"


def decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


#: How a changed band is compressed: after the rows above it (og), or on its own (og before).
WAYS = {"after the rows above it (og)": bands.LINKED_ROWS, "on its own (og before)": 0}


def served_cards(runs: int) -> dict[str, tuple[float, float, float]]:
    """Per way of compressing a changed band (a renderer each): og's peer card as ``og serve``
    answers it (its background's bands warm; no finished card kept, new text each time): median
    bytes, wall ms of the PNG stage and CPU ms of the whole render, the ways in turn each round."""
    settings = og.config.Settings.from_env({"OG_TEMPLATES_DIR": str(BENCH), "OG_CACHE_BYTES": "0"})
    renderers = {way: og.Renderer(settings) for way in WAYS}
    counter = iter(range(20000, sys.maxsize))
    default = bands.LINKED_ROWS

    def render(way: str) -> tuple[float, float, float]:
        number = str(next(counter))
        renderer = renderers[way]
        plan = renderer.plan("peer_card", {"title": TITLE.replace("10000", number),
                                           "subtitle": SUBTITLE.replace("10000", number)})
        timings: dict[str, float] = {}
        bands.LINKED_ROWS = WAYS[way]
        started = time.process_time()
        try:
            body = renderer.card(plan, timings).body
            return len(body), timings["encode"], (time.process_time() - started) * 1000
        finally:
            bands.LINKED_ROWS = default

    figures: dict[str, list[tuple[float, float, float]]] = {way: [] for way in WAYS}
    for way in WAYS:
        render(way)  # the background and its bands
    for _ in range(runs):
        for way in WAYS:
            figures[way].append(render(way))
    return {way: t.cast(tuple[float, float, float], tuple(map(statistics.median, zip(*runs_of, strict=True))))
            for way, runs_of in figures.items()}


def rows(name: str, png: bytes, runs: int) -> list[str]:
    pixels = decoded(png)
    lines = [f"| {name} | own file | {len(png):,} | 1.000 | |"]
    for effort in EFFORTS:
        encoded, ms = timed(lambda effort=effort: encode_png(pixels, effort), runs,  # type: ignore[misc]
                            time.process_time)
        same = "" if np.array_equal(decoded(encoded), pixels) else " **pixels differ**"
        lines.append(f"| {name} | og whole-card, {effort} | {len(encoded):,} | {len(encoded) / len(png):.3f} "
                     f"| {ms:.1f}{same} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pngs", nargs="*", type=Path,
                        help="peers' cards (default: every PNG but og's in bench/out/)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per figure (default 15)")
    args = parser.parse_args(argv)
    pngs = args.pngs or sorted(path for path in (BENCH / "out").glob("*.png")
                               if not path.stem.startswith("og"))
    print("| og's peer card as served, a changed band compressed | bytes | PNG stage, wall ms "
          "| whole render, CPU ms |")
    print("| --- | ---: | ---: | ---: |")
    for way, (size, wall_ms, cpu_ms) in served_cards(args.runs).items():
        print(f"| {way} | {size:,.0f} | {wall_ms:.2f} | {cpu_ms:.2f} |")
    settings = og.config.Settings.from_env({"OG_TEMPLATES_DIR": str(BENCH)})
    png = og.Renderer(settings).render("peer_card", {"title": TITLE, "subtitle": SUBTITLE})
    print()
    print("| pixels | encoder | bytes | ÷ the file | CPU ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for line in rows("og", png, args.runs):
        print(line)
    for path in pngs:
        for line in rows(path.stem, path.read_bytes(), args.runs):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

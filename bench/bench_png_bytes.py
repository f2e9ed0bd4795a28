"""PNG bytes of the peer card: og's card as served (bands over the cached background) and og's
whole-card encoder on og's pixels and on each peer's own pixels, against the peer's own file.

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

import og  # noqa: E402
from og.raster.encode import EFFORTS  # noqa: E402
from og.raster.encode import encode_png  # noqa: E402

BENCH = Path(__file__).resolve().parent
TITLE = "Card 10000: og against its peers, the same card drawn by each renderer in turn"
SUBTITLE = "Render 10000 · DejaVu Sans 32 px subtitle, light grey, one line"


def decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def cpu_ms(function: t.Callable[[], t.Any], runs: int) -> tuple[t.Any, float]:
    """``function()``'s result and its median CPU milliseconds over ``runs`` runs (after one)."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.process_time()
        function()
        times.append((time.process_time() - started) * 1000)
    return result, statistics.median(times)


def served_card(runs: int) -> tuple[bytes, float]:
    """og's peer card as ``og serve`` answers it (its background's bands warm), and the CPU ms of
    a fresh card's PNG stage (bands compressed for new text each time)."""
    settings = og.config.Settings.from_env({"OG_TEMPLATES_DIR": str(BENCH)})
    renderer = og.Renderer(settings)
    counter = iter(range(20000, sys.maxsize))

    def render() -> dict[str, float]:
        timings: dict[str, float] = {}
        n = str(next(counter))
        plan = renderer.plan("peer_card", {"title": TITLE.replace("10000", n),
                                           "subtitle": SUBTITLE.replace("10000", n)})
        renderer.card(plan, timings)
        return timings

    render()
    encode_ms = statistics.median(render()["encode"] for _ in range(runs))
    png = renderer.render("peer_card", {"title": TITLE, "subtitle": SUBTITLE})
    return png, encode_ms


def rows(name: str, png: bytes, runs: int) -> list[str]:
    pixels = decoded(png)
    lines = [f"| {name} | own file | {len(png):,} | 1.000 | |"]
    for effort in EFFORTS:
        encoded, ms = cpu_ms(lambda effort=effort: encode_png(pixels, effort), runs)  # type: ignore[misc]
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
    png, encode_ms = served_card(args.runs)
    print(f"og's peer card as served (bands): {len(png):,} bytes, "
          f"PNG stage of a fresh card {encode_ms:.1f} ms wall\n")
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

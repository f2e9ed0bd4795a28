"""The fast drawer for og's glyph paths draws exactly what CairoSVG's own parser draws."""

from __future__ import annotations

import numpy as np
import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.svgLib.path import parse_path
from lxml import etree

import og
from og.raster import encode
from og.raster.backend import draw_plain_path
from og.svg.names import SVG_NS


def to_absolute(data: str) -> str:
    """Path data with every point absolute, as fontTools' SVG path parser reads it."""
    pen = RecordingPen()
    parse_path(data, pen)
    out = []
    for operator, points in pen.value:
        letter = {"moveTo": "M", "lineTo": "L", "qCurveTo": "Q", "curveTo": "C", "closePath": "Z"}[operator]
        out.append(letter + " ".join(f"{x:.4f} {y:.4f}" for x, y in points))
    return " ".join(out)


@pytest.mark.parametrize(("name", "params"), [
    ("card", {}),
    ("card", {"title": "Mixed العربية हिन्दी 日本語 👩‍💻 with a stroke-free fill"}),
    ("flowroot", {}),
])
def test_fast_glyph_paths_match_cairosvg(renderer: og.Renderer, name: str,
                                         params: dict[str, str]) -> None:
    laid_out = renderer.lay_out(name, params)
    root, glyphs = laid_out.root, laid_out.glyphs
    assert glyphs is not None and glyphs.runs, "the draw stage names the glyph paths it made"
    paths = [p for p in root.iter(f"{{{SVG_NS}}}path") if p.get("d") in glyphs.runs]
    assert paths, "og's glyph paths are in the drawn document"
    fast = encode.pixels(renderer.backend.rasterize(etree.tostring(root), glyphs=glyphs)).astype(int)
    # The same outlines in absolute coordinates (fontTools reads og's relative commands),
    # drawn by CairoSVG's own path code: CairoSVG is slightly off on long relative paths.
    for path in paths:
        path.set("d", to_absolute(path.get("d")))
    plain = encode.pixels(renderer.backend.rasterize(etree.tostring(root))).astype(int)
    assert np.abs(fast - plain).max() <= 2


def test_plain_path_syntax_is_checked() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.calls: list[tuple[str, tuple[float, ...]]] = []

        def __getattr__(self, name: str):  # move_to, line_to, curve_to, close_path
            return lambda *args: self.calls.append((name, args))

    recorder = Recorder()
    draw_plain_path(recorder, "M 0 0 Q 3 3 6 0 L 6 6 Z")
    assert [c[0] for c in recorder.calls] == ["move_to", "curve_to", "line_to", "close_path"]
    assert recorder.calls[1][1] == pytest.approx((2, 2, 4, 2, 6, 0))
    with pytest.raises(ValueError):
        draw_plain_path(recorder, "M 0 0 A 1 1 0 0 1 2 2")

"""Effects CairoSVG cannot draw and og pre-renders or rewrites: blur and drop-shadow
filters, bounding-box gradients across a whole text, baseline-shift.

Fixtures in ``tests/data/effects``: ``shadows.svg`` (a circle with Inkscape's blur, a
rect and a text with Inkscape's Drop Shadow), ``gradient.svg`` (an objectBoundingBox
gradient on a flowed text of two weights, outlined with paint-order: stroke),
``shift.svg`` (super, sub and a length baseline-shift).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og.effects import filters
from og.svg import geometry
from og.text.fonts import FontSet

from ..conftest import settings_for

DATA = Path(__file__).resolve().parent.parent / "data" / "effects"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def fx(fonts: FontSet) -> og.Renderer:
    return og.Renderer(settings_for(DATA), fonts=fonts)


def pixels(renderer: og.Renderer, name: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(renderer.render(name))).convert("RGB")).astype(int)


def test_blur_softens_the_edge(fx: og.Renderer) -> None:
    image = pixels(fx, "shadows")
    row = image[150, 60:110, 0]  # the blurred circle's left edge, red channel (99 on 248)
    steps = np.abs(np.diff(row))
    # A sharp edge jumps in one pixel; the blur (stdDeviation 8) spreads it over many.
    assert steps.max() < 40
    assert (steps > 2).sum() >= 10


def test_drop_shadow_darkens_below_right(fx: og.Renderer) -> None:
    image = pixels(fx, "shadows")
    background = image[5, 5]
    shadow = image[183, 496]  # just outside the rect's bottom-right corner (offset 6, 6)
    assert shadow.sum() < background.sum() - 60
    untouched = image[20, 560]
    assert np.abs(untouched - background).max() <= 2


def test_filtered_elements_become_images(fx: og.Renderer) -> None:
    root = etree.fromstring(fx.render("shadows", fmt="svg"))
    images = root.findall(f".//{SVG}image")
    assert len(images) == 3  # circle, rect and text
    assert not any("filter" in (node.get("style") or "") for node in root.iter(f"{SVG}circle", f"{SVG}rect")
                   if node.get("fill") != "#f8fafc")


def test_static_effects_are_rendered_once(fx: og.Renderer) -> None:
    fx.render("shadows")
    before = fx.caches.effects.stats()
    fx.render("shadows", {"t": "Another value"})
    after = fx.caches.effects.stats()
    assert after.hits - before.hits == 2  # the blurred circle and the shadowed rect
    assert after.misses - before.misses == 1  # only the text, whose value changed


def test_gradient_spans_the_whole_text(fx: og.Renderer) -> None:
    root = etree.fromstring(fx.render("gradient", fmt="svg"))
    gradients = {g.get("id"): g for g in root.iter(f"{SVG}linearGradient")}
    pinned = [g for g in gradients.values() if g.get("gradientUnits") == "userSpaceOnUse"]
    assert len(pinned) == 1
    assert pinned[0].get("gradientTransform", "").startswith("matrix(")
    image = pixels(fx, "gradient")
    left, right = image[52:75, 30:60], image[100:130, 520:570]
    red = left[(left[..., 0] > 150) & (left[..., 2] < 150)]
    blue = right[(right[..., 2] > 150) & (right[..., 0] < 160)]
    assert len(red) > 20 and len(blue) > 20, "the text should run from red (left) to indigo (right)"


def test_paint_order_stroke_draws_stroke_first(fx: og.Renderer) -> None:
    root = etree.fromstring(fx.render("gradient", fmt="svg"))
    styles = [p.get("style", "") for p in root.iter(f"{SVG}path")]
    assert any("fill:none" in s for s in styles)
    first_stroke = next(i for i, s in enumerate(styles) if "fill:none" in s)
    assert "stroke:none" in styles[first_stroke + 1]


def test_baseline_shift_moves_glyphs(fx: og.Renderer) -> None:
    image = pixels(fx, "shift")
    ink = image.sum(axis=2) < 300
    # The superscript "2" after "E=mc" sits above the x-height; the subscript below the baseline.
    columns_super = ink[:, 153:167]
    columns_sub = ink[:, 221:235]
    top_super = np.argmax(columns_super.any(axis=1))
    bottom_sub = len(ink) - np.argmax(columns_sub.any(axis=1)[::-1])
    assert top_super < 70
    assert bottom_sub > 104


@pytest.mark.parametrize(("text", "expected"), [
    ("translate(10,5)", (1.0, 0.0, 0.0, 1.0, 10.0, 5.0)),
    ("scale(2,3)", (2.0, 0.0, 0.0, 3.0, 0.0, 0.0)),
    ("matrix(1 0 0 1 4 5) translate(1 1)", (1.0, 0.0, 0.0, 1.0, 5.0, 6.0)),
])
def test_parse_transform(text: str, expected: tuple[float, ...]) -> None:
    assert geometry.parse_transform(text) == pytest.approx(expected)


def test_gaussian_blur_keeps_total_alpha() -> None:
    image = np.zeros((60, 60, 4), dtype=np.float32)
    image[25:35, 25:35] = 1.0
    blurred = filters.gaussian_blur(image, 3.0, 3.0)
    assert blurred[..., 3].sum() == pytest.approx(100.0, rel=1e-3)
    assert blurred[30, 30, 3] < 1.0 and blurred[20, 30, 3] > 0.0

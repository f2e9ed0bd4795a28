"""Static backgrounds: drawn once per template, and the card is the same pixels as a
whole-document render."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lxml import etree

import og
from og.config import Settings
from og.raster import encode
from og.raster import static
from og.svg.dynamic import Dynamic

from ..conftest import FONTS_DIR

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = og.Renderer(Settings(templates_dir=ROOT / "svg_templates", fonts_dir=FONTS_DIR))


def _pixels(surface: object) -> np.ndarray:
    return encode.pixels(surface).astype(int)


def _split(root: etree._Element, dynamic: Dynamic) -> tuple[bytes, bytes] | None:
    first = static.split_point(root, dynamic)
    if first is None:
        return None
    return static.background(root, first), etree.tostring(static.foreground_tree(root, first))


@pytest.mark.parametrize("name", BUNDLED.templates.names())
def test_split_render_equals_whole_render(name: str) -> None:
    laid_out = BUNDLED.lay_out(name, {})
    glyphs = laid_out.glyphs
    whole = _pixels(BUNDLED.backend.rasterize(laid_out.svg_bytes(), glyphs=glyphs))
    split = _split(laid_out.root, laid_out.dynamic)
    assert split is not None, "bundled templates keep their decoration before their text"
    background, foreground = split
    drawn = BUNDLED.backend.rasterize(background, glyphs=glyphs)
    assert np.abs(_pixels(BUNDLED.backend.rasterize(foreground, drawn, glyphs=glyphs)) - whole).max() <= 1


def test_background_is_drawn_once_per_template() -> None:
    BUNDLED.render("article", {"title": "One"})
    before = BUNDLED.caches.backgrounds.stats()
    BUNDLED.render("article", {"title": "Two"})
    after = BUNDLED.caches.backgrounds.stats()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)


#: A laid-out card whose text holds a value (the fill stage's :class:`Dynamic`).
SVG = """<svg xmlns="http://www.w3.org/2000/svg"
  width="100" height="50"><rect width="100" height="50" fill="#eee"/>
  <g {group}><rect width="20" height="20" fill="red"/><text x="5" y="40">x</text></g>
  <rect x="80" width="20" height="20" fill="blue"/></svg>"""


@pytest.mark.parametrize(("group", "splits"), [
    ("", True),
    ('transform="translate(5 5)"', True),
    ('opacity="0.5"', False),
    ('style="mix-blend-mode:multiply"', False),
    ('style="filter:url(#f)"', False),
])
def test_split_only_where_it_cannot_change_the_result(group: str, splits: bool) -> None:
    root = etree.fromstring(SVG.format(group=group))
    split = _split(root, Dynamic(root.iter("{*}text")))
    assert (split is not None) == splits
    if split:
        background, foreground = split
        assert b"fill=\"red\"" in background and b"fill=\"red\"" not in foreground
        assert b"fill=\"blue\"" in foreground and b"fill=\"blue\"" not in background

"""Filters on elements that reach past the card: the element is filtered whole, in its filter
region, then cut to the canvas (as Inkscape does, and the SVG spec says), not filtered as the
canvas cut it. Each case is checked against the same drawing on a wider card, cropped: the
part of the card both show must be the same pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
from og.text.fonts import FontSet

from ..conftest import settings_for

BLUR = '<feGaussianBlur stdDeviation="{sigma}"/>'
SHADOW = ('<feFlood flood-color="#000" flood-opacity="0.7" result="f"/>'
          '<feComposite in="f" in2="SourceGraphic" operator="in" result="c"/>'
          '<feGaussianBlur in="c" stdDeviation="{sigma}" result="b"/><feOffset dx="{dx}" dy="0" result="o"/>'
          '<feComposite in="SourceGraphic" in2="o" operator="over"/>')
CARD = """<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="120" viewBox="{view} 0 {width} 120">
<defs><filter id="f" x="-0.5" y="-0.5" width="2" height="2" style="color-interpolation-filters:sRGB">{filter}</filter></defs>
<rect x="-1000" y="0" width="3000" height="120" fill="#ffffff"/>
{shape}
</svg>"""
#: name → (filter primitives, the filtered shape); the card is x 0..300, the wide card -300..600.
CASES = {
    # A glow blob centred on the right edge: half of it is past the card.
    "glow-half-off": (BLUR.format(sigma=18), '<circle cx="300" cy="60" r="50" fill="#7c3aed" style="filter:url(#f)"/>'),
    # Wholly past the left edge: only its shadow, moved 70 px right, falls on the card.
    "shadow-from-outside": (SHADOW.format(sigma=6, dx=70),
                            '<rect x="-80" y="30" width="60" height="60" fill="#f59e0b" style="filter:url(#f)"/>'),
    # Reaching past both sides: the blur must not fade at the card's edges.
    "wider-than-card": (BLUR.format(sigma=10), '<rect x="-40" y="40" width="380" height="40" fill="#0ea5e9" '
                                               'style="filter:url(#f)"/>'),
}


def render(tmp_path: Path, fonts: FontSet, name: str, wide: bool) -> np.ndarray:
    primitives, shape = CASES[name]
    folder = tmp_path / ("wide" if wide else "card")
    folder.mkdir(exist_ok=True)
    svg = CARD.format(width=900 if wide else 300, view=-300 if wide else 0, filter=primitives, shape=shape)
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
    png = og.Renderer(settings_for(folder), fonts=fonts).render(name)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("name", sorted(CASES))
def test_filtered_whole_then_cut_to_the_card(tmp_path: Path, fonts: FontSet, name: str) -> None:
    card = render(tmp_path, fonts, name, wide=False)
    wide = render(tmp_path, fonts, name, wide=True)[:, 300:600]
    assert card.shape == wide.shape == (120, 300, 3)
    assert (card.min(axis=2) < 200).sum() > 500, "the effect should show on the card"
    assert np.abs(card - wide).max() <= 3, "the card should show the same pixels as a wider card, cropped"

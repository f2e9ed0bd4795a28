"""A value under an effect: a filtered group that holds a request's text is drawn by og as one
image, and that image holds the value too. It must never end up in the background og draws once
per template (og.raster.static), or the next card would show the first card's words."""

from __future__ import annotations

import io
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
from tests.conftest import settings_for

#: A blurred title (an effect og draws as an image), then a plain subtitle: the card's first value
#: is inside the blurred group, its second comes after it.
TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
  <defs><filter id="soft" x="-10%" y="-10%" width="120%" height="120%">
    <feGaussianBlur stdDeviation="1.5"/></filter></defs>
  <rect width="400" height="200" fill="#ffffff"/>
  <g style="filter:url(#soft)">
    <text x="20" y="70" style="font-family:Inter;font-size:48px;fill:#000000">{{ title }}</text>
  </g>
  <text x="20" y="160" style="font-family:Inter;font-size:32px;fill:#1d4ed8">{{ subtitle }}</text>
</svg>"""


#: A title filled with a mesh gradient (drawn by og as an image inside a group), then a subtitle.
MESH = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
  <defs><meshgradient id="m" x="0" y="0" gradientUnits="userSpaceOnUse"><meshrow><meshpatch>
    <stop path="c 130,0 270,0 400,0" style="stop-color:#ff0000"/>
    <stop path="c 0,30 0,70 0,100" style="stop-color:#00ff00"/>
    <stop path="c -130,0 -270,0 -400,0" style="stop-color:#0000ff"/>
    <stop path="c 0,-30 0,-70 0,-100" style="stop-color:#ffff00"/>
  </meshpatch></meshrow></meshgradient></defs>
  <rect width="400" height="200" fill="#ffffff"/>
  <text x="20" y="70" style="font-family:Inter;font-size:48px;fill:url(#m)">{{ title }}</text>
  <text x="20" y="160" style="font-family:Inter;font-size:32px;fill:#1d4ed8">{{ subtitle }}</text>
</svg>"""


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


@pytest.mark.parametrize("template", [TEMPLATE, MESH], ids=["blurred group", "mesh-filled text"])
def test_a_value_drawn_as_an_effect_image_is_never_cached_as_background(tmp_path: Path, fonts: t.Any,
                                                                        template: str) -> None:
    (tmp_path / "blurred.svg").write_text(template, encoding="utf-8")
    warm = og.Renderer(settings_for(tmp_path), fonts=fonts)
    first = _pixels(warm.render("blurred", {"title": "Monday", "subtitle": "same"}))
    second = _pixels(warm.render("blurred", {"title": "Zebra", "subtitle": "same"}))
    fresh = _pixels(og.Renderer(settings_for(tmp_path), fonts=fonts).render(
        "blurred", {"title": "Zebra", "subtitle": "same"}))
    assert np.abs(first - fresh).max() > 64, "the two titles should look different"
    assert np.abs(second - fresh).max() <= 1, "the second card shows the first card's blurred title"

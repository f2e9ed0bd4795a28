"""og/template/load.py ``read_options``: ``og:quality`` and ``og:max-dpr`` parsed once, into
``Template.options``, with ``og:max-dpr`` lowered to the pixel budget; the tree stays as written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

import og
from og.errors import BadParameter
from og.svg.names import OG_NS
from og.template.costs import max_dpr
from og.template.limits import Limits
from og.text.fonts import FontSet

from ..conftest import settings_for

CARD = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="{ns}" width="{w}" height="{h}" {options}>
  <rect width="{w}" height="{h}" fill="#357"/>
  <text x="40" y="120" font-family="Inter" font-size="60" fill="#fff">{{{{ title }}}}</text>
</svg>
"""


def _renderer(tmp_path: Path, fonts: FontSet, options: str = "", size: tuple[int, int] = (1200, 630),
              ns: str = OG_NS) -> og.Renderer:
    (tmp_path / "card.svg").write_text(CARD.format(ns=ns, w=size[0], h=size[1], options=options))
    return og.Renderer(settings_for(tmp_path), fonts=fonts)


def test_quality_is_read_once_and_used(tmp_path: Path, fonts: FontSet) -> None:
    renderer = _renderer(tmp_path, fonts, 'og:quality="20"')
    template = renderer.templates.get("card")
    assert template.options.quality == 20
    low = renderer.render("card", {"title": "Quality"}, "jpg")
    (tmp_path / "card.svg").write_text(CARD.format(ns=OG_NS, w=1200, h=630, options=""))
    high = og.Renderer(settings_for(tmp_path), fonts=fonts).render("card", {"title": "Quality"}, "jpg")
    assert Image.open(io.BytesIO(low)).format == "JPEG" and len(low) < len(high)


def test_max_dpr_is_read_once_and_bounds_dpr(tmp_path: Path, fonts: FontSet) -> None:
    renderer = _renderer(tmp_path, fonts, 'og:max-dpr="1.5"')
    assert renderer.templates.get("card").options.max_dpr == 1.5
    assert renderer.plan("card", {}, "png", "1.5").dpr == 1.5
    with pytest.raises(BadParameter) as raised:
        renderer.plan("card", {}, "png", "2")
    assert raised.value.details["max"] == 1.5


def test_a_large_canvas_lowers_max_dpr_without_writing_the_tree(tmp_path: Path, fonts: FontSet) -> None:
    renderer = _renderer(tmp_path, fonts, 'og:max-dpr="2"', size=(4000, 2000))
    template = renderer.templates.get("card")
    allowed = max_dpr(4000, 2000, Limits())
    assert allowed < 2 and template.options.max_dpr == allowed
    assert template.root.get(f"{{{OG_NS}}}max-dpr") == "2"  # as the designer wrote it
    with pytest.raises(BadParameter):
        renderer.plan("card", {}, "png", "2")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", ""])
def test_a_value_that_is_no_number_means_the_default(tmp_path: Path, fonts: FontSet, value: str) -> None:
    renderer = _renderer(tmp_path, fonts, f'og:quality="{value}" og:max-dpr="{value}"')
    options = renderer.templates.get("card").options
    assert options.quality is None and options.max_dpr == max_dpr(1200, 630, Limits())

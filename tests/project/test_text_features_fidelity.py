"""Text on a path, text as a clipping path and vertical text against Inkscape's own pixels.

Each fixture in ``tests/data/inkscape`` named here was saved by Inkscape 1.2 (``clip_text`` was
made by Inkscape's own ``object-set-clip`` action; the others written as Inkscape writes Put on
Path, Set Clip and vertical text, then opened and saved again by Inkscape), and ``ref/NAME.png``
is Inkscape's export with the same fonts (``tools/export_inkscape_refs.py``). The general
fidelity test allows 2% of differing pixels; these must stay within 0.3%, since one glyph set
at the wrong place, angle or orientation already costs about 0.1% of a card.

Measured when written (share of pixels differing by more than 32 in a channel): arc 0.059%,
badge 0.011%, wave 0.022%, Arabic and Hebrew 0.000%, direction:rtl anchors 0.000%, clip
0.000% (16.6% when CairoSVG drew the clip text), vertical Japanese 0.051%, vertical Latin
0.169% (an upright "i" sits 5 px lower than Inkscape's), flowed vertical 0.000%, vertical
with an inline-size 0.000%.
"""

from __future__ import annotations

import pytest

import og

from ..helpers import inkscape_renderer
from .test_inkscape_fidelity import REFS
from .test_inkscape_fidelity import differing_share
from .test_inkscape_fidelity import on_white

MAX_DIFFERING = 0.003
FIXTURES = ("textpath_arc", "textpath_badge", "textpath_wave", "textpath_arabic", "textpath_rtl",
            "clip_text", "vertical_japanese", "vertical_latin", "vertical_flowed", "vertical_inline")


@pytest.fixture(scope="module")
def renderer() -> og.Renderer:
    return inkscape_renderer()


@pytest.mark.parametrize("name", FIXTURES)
def test_matches_inkscape(renderer: og.Renderer, name: str) -> None:
    share, _ = differing_share(on_white(renderer.render(name)), on_white(REFS / f"{name}.png"))
    assert share <= MAX_DIFFERING, f"{name}: {share:.3%} of pixels differ from Inkscape's"

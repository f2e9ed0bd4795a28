"""Text used as a clipping path (Inkscape's Object ▸ Clip ▸ Set Clip with a text on top): og lays
it out like any other text (kerning, weights of a variable font, fallback fonts) and CairoSVG
clips with og's glyph outlines.

``tests/data/inkscape/clip_text.svg`` was made by Inkscape 1.2 itself (``--actions`` with
``object-set-clip``): a photo clipped by a heavy kerned word, a band by Japanese and Latin.
Left to CairoSVG's own text drawing, 16.6% of its pixels differed from Inkscape's export (no
kerning, weight 900 drawn bold, boxes for the Japanese).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import og
import og.config
from og.check import check_file

from ..helpers import inkscape_renderer
from ..helpers import report
from ..helpers import text
from ..project.test_inkscape_fidelity import differing_share
from ..project.test_inkscape_fidelity import on_white

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "tests" / "data" / "inkscape"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def renderer() -> og.Renderer:
    return inkscape_renderer()


def test_clip_paths_hold_og_outlines_not_text(renderer: og.Renderer) -> None:
    root = renderer.lay_out("clip_text", {}).root
    clips = root.findall(f".//{SVG}clipPath")
    assert len(clips) == 2
    for clip in clips:
        assert clip.find(f".//{SVG}text") is None
        assert clip.findall(f".//{SVG}path[@d]")


def test_clip_text_is_laid_out_with_fallback_and_values(renderer: og.Renderer) -> None:
    rep = report(renderer, "clip_text", word="TOYS")
    assert text(rep, "text17")["lines"][0]["text"] == "TOYS"
    runs = text(rep, "text23")["lines"][0]["runs"]
    assert [(run["text"], run["font"]) for run in runs] == [
        ("写真 ", "Noto Sans CJK JP"), ("AVATAR", "Inter")]
    assert not rep["missing"]


def test_og_check_names_clip_text(renderer: og.Renderer) -> None:
    findings = [str(f) for f in check_file(TEMPLATES / "clip_text.svg", renderer.fonts)]
    assert any("text used as a clipping path" in f and "#text17" in f for f in findings)


def test_a_value_in_clip_text_renders_the_same_from_a_cached_background(renderer: og.Renderer) -> None:
    """The clip text holds a placeholder: the card is split where its value is drawn, and the
    photo it clips must still be clipped by the value, with the background cached or not."""
    first = on_white(renderer.render("clip_text", {"word": "TOYS"}))
    again = on_white(renderer.render("clip_text", {"word": "TOYS"}))
    default = on_white(renderer.render("clip_text"))
    assert differing_share(first, again)[0] == 0.0
    assert differing_share(first, default)[0] > 0.02
    # The photo shows only through the letters: the card's corner is the page colour.
    assert first.getpixel((5, 20)) == default.getpixel((5, 20)) == (248, 250, 252)

"""Text on a path (Inkscape's Text ▸ Put on Path, ``<textPath>``), laid out by og.

The fixtures ``tests/data/inkscape/textpath_*.svg`` were written as Inkscape 1.2 writes Put on
Path (the text's lines moved into a ``<textPath xlink:href>``, ``startOffset="50%"`` for
centred text) and saved again by Inkscape; ``ref/`` holds Inkscape's own export of each
(``tools/export_inkscape_refs.py``). og must match Inkscape's pixels far more closely than the
2% the general fidelity test allows: a glyph set at the wrong place or angle on a curve costs
about 0.1% of this card by itself.
"""

from __future__ import annotations

import dataclasses
import math
import typing as t

import pytest
from lxml import etree

import og
from og.svg.read_text import find_text_slots
from og.svg.text_path import flatten
from og.svg.text_path import shape_data
from og.text.model import Span
from og.text.model import TextBlock
from og.text.model import TextOptions
from og.text.model import TextStyle
from og.text.path_geometry import TextPath

from ..helpers import inkscape_renderer
from ..helpers import report
from ..helpers import text


@pytest.fixture(scope="module")
def renderer() -> og.Renderer:
    return inkscape_renderer()


def test_centred_text_is_centred_on_the_path(renderer: og.Renderer) -> None:
    item = text(report(renderer, "textpath_arc"), "title")
    assert item["kind"] == "path"
    path = item["path"]
    (line,) = item["lines"]
    runs = line["runs"]
    # startOffset 50%: the run's middle (a distance along the path) is half the path's length.
    middle = runs[0]["x"] + sum(run["width"] for run in runs) / 2
    assert path["start"] == pytest.approx(path["length"] / 2, abs=0.05)
    assert middle == pytest.approx(path["start"], abs=0.5)
    assert not item["truncated"]


def test_end_anchored_label_ends_at_the_path_end(renderer: og.Renderer) -> None:
    item = text(report(renderer, "textpath_arc"), "label")
    runs = item["lines"][0]["runs"]
    assert [run["text"] for run in runs] == ["NEW", " from the start"]
    assert runs[-1]["x"] + runs[-1]["width"] == pytest.approx(item["path"]["length"], abs=0.5)


def test_a_value_fills_the_path_text(renderer: og.Renderer) -> None:
    item = text(report(renderer, "textpath_arc", title="Hello"), "title")
    assert item["lines"][0]["text"] == "Hello"


def test_glyphs_past_the_end_are_dropped(renderer: og.Renderer) -> None:
    wave = text(report(renderer, "textpath_wave"), "wavy")
    assert wave["truncated"]
    rep = report(renderer, "textpath_badge")
    assert not text(rep, "around")["truncated"] and not text(rep, "top")["truncated"]
    # Around a closed circle, too, text past the end is not wrapped to the start (as Inkscape).
    around = text(report(renderer, "textpath_badge", badge="Made with og " * 8), "top")
    assert around["truncated"]


def test_arabic_on_a_curve_is_shaped_and_from_its_own_font(renderer: og.Renderer) -> None:
    item = text(report(renderer, "textpath_arabic"), "arabic")
    runs = item["lines"][0]["runs"]
    assert {run["font"] for run in runs} == {"Noto Sans Arabic"}
    assert all(run["direction"] == "rtl" for run in runs)


def _block(words: str, path: TextPath, align: str = "start") -> TextBlock:
    style = TextStyle(families=("Noto Sans Arabic", "Inter"), size=40)
    return TextBlock(((Span(words, style),),), og.text.layout.Box(0, 0),
                     TextOptions(align=align), wraps=False, path=path)  # type: ignore[arg-type]


def _glyphs(renderer: og.Renderer, block: TextBlock) -> list[t.Any]:
    layout = og.text.layout.layout_text(block, renderer.fonts)
    return [glyph for line in layout.lines for run in line.runs for glyph in run.glyphs]


def test_arabic_joins_on_a_path_as_on_a_line(renderer: og.Renderer) -> None:
    """Joining forms come from shaping the whole word: the same glyphs on a curve as straight."""
    curve = TextPath(*flatten("M 0,200 Q 300,-100 600,200"))  # type: ignore[misc]
    line = TextPath(*flatten("M 0,200 H 600"))  # type: ignore[misc]
    word = "مرحبا"
    bent = [g.gid for g in _glyphs(renderer, _block(word, curve))]
    straight = [g.gid for g in _glyphs(renderer, _block(word, line))]
    isolated = [g.gid for char in word for g in _glyphs(renderer, _block(char, line))]
    assert bent == straight
    assert bent != isolated[::-1] and bent != isolated


def test_glyphs_sit_on_the_path_turned_to_its_direction(renderer: og.Renderer) -> None:
    """On a circle, each glyph's midpoint is on the circle and the glyph is tangent to it."""
    circle = etree.fromstring('<circle xmlns="http://www.w3.org/2000/svg" cx="300" cy="150" r="100"/>')
    data = shape_data(circle)
    assert data is not None
    path = TextPath(*flatten(data))  # type: ignore[misc]
    layout = og.text.layout.layout_text(_block("Around", path), renderer.fonts)
    run = layout.lines[0].runs[0]
    for glyph in run.glyphs:
        half = run.font.hb_font.get_glyph_h_advance(glyph.gid) * run.scale / 2
        angle = math.radians(glyph.angle)
        middle = (glyph.x + half * math.cos(angle), glyph.y + half * math.sin(angle))
        assert math.dist(middle, (300, 150)) == pytest.approx(100, abs=0.2)
        # Tangent: clockwise along the circle from its rightmost point (SVG 2's circle path).
        radial = math.atan2(middle[1] - 150, middle[0] - 300)
        assert math.remainder(angle - radial - math.pi / 2, 2 * math.pi) == pytest.approx(0, abs=0.02)


def test_side_right_runs_the_other_way(renderer: og.Renderer) -> None:
    points, breaks = flatten("M 100,100 H 500")  # type: ignore[misc]
    left = _glyphs(renderer, _block("ab", TextPath(points, breaks)))
    right = _glyphs(renderer, _block("ab", TextPath(points, breaks, side="right")))
    assert left[0].x < left[1].x and left[0].angle == pytest.approx(0)
    assert right[0].x > right[1].x and abs(right[0].angle) == pytest.approx(180)


def test_path_text_renders_as_turned_glyph_paths(renderer: og.Renderer) -> None:
    laid_out = renderer.lay_out("textpath_badge", {})
    root = laid_out.root
    assert not root.findall(".//{http://www.w3.org/2000/svg}textPath")
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")


@pytest.mark.parametrize(("data", "offset"), [
    ("M 0,0 L 1e999,0", "0"), ("M 0,0 L nan,5", "0"), ("M 10,10 H 500", "1e999"),
    ("M 10,10 H 500", "nan%"), ("M 10,10", "0"), ("garbage", "0"), ("M 0,0 " + "l 1,1 " * 30_000, "0")])
def test_hostile_paths_draw_nothing_odd(renderer: og.Renderer, data: str, offset: str) -> None:
    """Unreadable or infinite paths fall back to point text; glyphs never get NaN coordinates."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'width="600" height="315"><path id="p" d="{data}"/><text style="font-size:30px">'
           f'<textPath xlink:href="#p" startOffset="{offset}">Hostile</textPath></text></svg>')
    root = etree.fromstring(svg.encode())
    (slot,) = find_text_slots(root, 600)
    layout = og.text.layout.layout_text(slot.block, renderer.fonts)
    for line in layout.lines:
        for run in line.runs:
            assert all(math.isfinite(g.x) and math.isfinite(g.y) for g in run.glyphs)


def _slot_block(renderer: og.Renderer, attributes: str, words: str = "Hello") -> TextBlock:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="600" height="315"><path id="p" d="M 100,200 C 200,100 400,100 500,200"/>'
           f'<text style="font-size:30px"><textPath xlink:href="#p" {attributes}>{words}</textPath>'
           '</text></svg>')
    (slot,) = find_text_slots(etree.fromstring(svg.encode()), 600)
    return slot.block


def test_method_and_spacing_are_read_as_inkscape_draws_them(renderer: og.Renderer) -> None:
    """Inkscape 1.2 draws ``method="stretch" spacing="auto"`` exactly as the defaults (its
    exports are byte-identical), and so does og."""
    plain = _slot_block(renderer, "")
    stretched = _slot_block(renderer, 'method="stretch" spacing="auto"')
    assert stretched == plain


def test_colour_emoji_on_a_path_turn_with_it(renderer: og.Renderer) -> None:
    from og.draw.elements import layout_elements

    block = _slot_block(renderer, 'startOffset="50%" style="text-anchor:middle"', "ok 🎉")
    layout = og.text.layout.layout_text(block, renderer.fonts)
    images = [e for e in layout_elements(layout, renderer.fonts.caches) if e.tag.endswith("image")]
    assert len(images) == 1 and images[0].get("transform", "").startswith("rotate(")
    assert layout.box.x == pytest.approx(300, abs=1)  # the report's box: where the text starts


def test_og_check_says_og_sets_path_text(renderer: og.Renderer) -> None:
    from og.check import check_file

    findings = [str(f) for f in check_file(renderer.templates.get("textpath_arc").path, renderer.fonts)]
    assert any(f.startswith("info: text on a path: og sets each glyph") for f in findings)
    assert not any("straight line" in f for f in findings)


def test_min_font_size_shrinks_a_long_value_to_fit_the_path(renderer: og.Renderer) -> None:
    """Without og:min-font-size a long value runs past the path's end and those glyphs are
    not drawn (SVG, Inkscape); with it the text shrinks to fit the path first."""
    long = "A much longer title than the arc was drawn for, and then some more"
    plain = _slot_block(renderer, 'startOffset="50%" style="text-anchor:middle"', long)
    fitted = dataclasses.replace(plain, options=dataclasses.replace(plain.options, min_font_size=12))
    dropped = og.text.layout.layout_text(plain, renderer.fonts)
    shrunk = og.text.layout.layout_text(fitted, renderer.fonts)
    assert dropped.truncated and not dropped.shrunk
    assert shrunk.shrunk and not shrunk.truncated and 12 <= shrunk.font_size < 30
    assert "…" not in shrunk.lines[0].text
    count = sum(len(run.glyphs) for run in shrunk.lines[0].runs)
    assert count > sum(len(run.glyphs) for run in dropped.lines[0].runs)

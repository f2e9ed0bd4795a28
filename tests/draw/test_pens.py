"""Glyph outlines as recorded pen calls (the fontTools pen protocol), and their SVG paths."""

from __future__ import annotations

import re

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.svgLib.path import parse_path

from og.draw.elements import path_data
from og.draw.pens import OutlinePen
from og.draw.pens import glyph_outline
from og.text.fonts import FontSet
from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextStyle
from og.text.layout import layout_text


def test_outline_pen_records_flat_commands() -> None:
    pen = OutlinePen()
    pen.moveTo((0, 0))
    pen.lineTo((10, 0))
    pen.qCurveTo((10, 10), (5, 15), (0, 10))  # two off-curve points: split in two quadratics
    pen.curveTo((0, 8), (0, 4), (0, 2))
    pen.closePath()
    assert [command[0] for command in pen.commands] == ["M", "L", "Q", "Q", "C", "Z"]
    assert pen.commands[2] == ("Q", 10, 10, 7.5, 12.5)


def test_glyph_outline_of_a_real_glyph(fonts: FontSet) -> None:
    font = fonts.match("Inter", 400, False)
    assert font is not None
    gid = font.hb_font.get_nominal_glyph(ord("o"))
    outline = glyph_outline(font, gid)
    assert outline[0][0] == "M" and outline[-1] == ("Z",)
    assert sum(command == ("Z",) for command in outline) == 2  # the outer and inner contour of "o"
    assert glyph_outline(font, font.hb_font.get_nominal_glyph(ord(" "))) == ()


def test_path_data_is_plain_svg_in_user_space(fonts: FontSet) -> None:
    block = TextBlock(((Span("Hi", TextStyle(("Inter",), 100.0)),),), Box(10, 200), wraps=False)
    run = layout_text(block, fonts).lines[0].runs[0]
    data = path_data(run, fonts.caches)
    # Plain SVG syntax, every token apart: absolute moves to each glyph, relative outlines.
    assert re.fullmatch(r"[MLQCZmlqcz](?: (?:[MLQCZmlqcz]|-?\d+(?:\.\d+)?))*", data)
    assert data.count("M ") == 2  # one absolute move per glyph
    pen = RecordingPen()
    parse_path(data, pen)
    points = [point for _, pts in pen.value for point in pts]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert min(xs) >= 10 - 1 and max(xs) <= 10 + run.width + 1
    assert max(ys) == pytest.approx(200, abs=1)  # y-down: the baseline is the lowest point of "Hi"
    assert min(ys) < 200 - 60  # cap height of 100 px Inter is about 73 px

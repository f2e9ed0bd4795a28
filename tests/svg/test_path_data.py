"""og.svg.path_data.segments: the one reader of path data (markers, cost estimates, text on a
path and shape boxes all read ``d`` through it)."""

from __future__ import annotations

import math

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.svgLib.path import parse_path
from lxml import etree

from og.svg.path_data import draw
from og.svg.path_data import path_vertices
from og.svg.path_data import segments
from og.svg.path_data import shape_data
from og.template.costs import path_length
from og.template.costs import vertices


def read(data: str, lenient: bool = False) -> list[tuple[str, tuple[tuple[float, float], ...]]]:
    return [(s.kind, s.points) for s in segments(data, lenient)]


def test_implicit_commands_repeat_and_pairs_after_a_moveto_are_lines() -> None:
    assert read("M0 0 10 0 10 10") == [("M", ((0, 0),)), ("L", ((10, 0),)), ("L", ((10, 10),))]
    assert read("m1 1 2 0 0 2") == [("M", ((1, 1),)), ("L", ((3, 1),)), ("L", ((3, 3),))]
    assert read("M0 0 H5 8 V3") == [("M", ((0, 0),)), ("L", ((5, 0),)), ("L", ((8, 0),)), ("L", ((8, 3),))]


def test_numbers_with_exponents_signs_and_no_separators() -> None:
    assert read("M1e2-3E-1L.5.5-1.5e+1-2") == [("M", ((100, -0.3),)), ("L", ((0.5, 0.5),)),
                                               ("L", ((-15, -2),))]


def test_relative_and_absolute_commands_and_reflected_controls() -> None:
    assert read("M10 10 c0 5 5 5 5 0 s5 -5 5 0") == [
        ("M", ((10, 10),)), ("C", ((10, 15), (15, 15), (15, 10))), ("C", ((15, 5), (20, 5), (20, 10)))]
    assert read("M0 0 Q5 -5 10 0 T20 0 t10 0") == [
        ("M", ((0, 0),)), ("Q", ((5, -5), (10, 0))), ("Q", ((15, 5), (20, 0))), ("Q", ((25, -5), (30, 0)))]
    # no C/S before it: S's first control point is the current point
    assert read("M0 0 L5 0 S10 5 15 0")[2] == ("C", ((5, 0), (10, 5), (15, 0)))


@pytest.mark.parametrize("data", ["M0 0 a1 1 0 00 1 1", "M0 0 a1,1,0,0,0,1,1", "M0 0a1 1 0 001,1"])
def test_arc_flags_may_run_into_the_next_number(data: str) -> None:
    arc = list(segments(data))[1]
    assert (arc.kind, arc.points, arc.arc) == ("A", ((1, 1),), (1, 1, 0, False, False))


def test_arc_flags_set_and_relative_end() -> None:
    arc = list(segments("M10 10 a5 6 30 1 1 4 0"))[1]
    assert arc.arc == (5, 6, 30, True, True) and arc.points == ((14, 10),) and arc.start == (10, 10)


def test_closepath_returns_to_the_subpath_start_and_drawing_on_starts_there() -> None:
    assert read("M1 1 L5 1 Z l2 2") == [("M", ((1, 1),)), ("L", ((5, 1),)), ("Z", ((1, 1),)),
                                        ("L", ((3, 3),))]


@pytest.mark.parametrize("data, kept", [
    ("M0 0 L10 0 L5 Z L1 1", 2),  # a command short of numbers
    ("M0 0 L10 0 Z 5 5 L1 1", 3),  # numbers after a closepath
    ("M0 0 L1e999 0 L1 1", 1),  # an infinite number
    ("M0 0 a1 1 0 2 1 1 1 L1 1", 1),  # a flag that is not 0 or 1
    ("5 5 M0 0", 0),  # numbers before any command
])
def test_an_error_ends_the_path_there_unless_lenient(data: str, kept: int) -> None:
    assert len(read(data)) == kept
    assert len(read(data, lenient=True)) > kept


def test_characters_that_are_neither_commands_nor_numbers_are_passed_over() -> None:
    assert read("M0 0 # L10 0") == [("M", ((0, 0),)), ("L", ((10, 0),))]


@pytest.mark.parametrize("data", [
    "M0 0 10 0 10 10z", "m5,5 c0,10 10,10 10,0 s10,-10 10,0 q5 5 10 0 t10 0 z m20 0 h5 v5 H0 V0",
    "M0 0 A30 20 15 1 0 50 50 a10 10 0 0110 10 Z L5 5", "M1 1 L5 1 Z Z l2 2", "m-1.5e1.5 l.1.2.3.4",
])
def test_draw_makes_the_pen_calls_fonttools_makes(data: str) -> None:
    """Text on a path and shape boxes went through fontTools' parse_path: same points, same pixels."""
    ours, theirs = RecordingPen(), RecordingPen()
    draw(data, ours)
    parse_path(data, theirs)
    assert ours.value == theirs.value


def test_cost_estimates_read_the_same_segments() -> None:
    """costs.path_length bounds what is drawn from above: the lenient reading is not cut short."""
    assert path_length("M0 0 H10 V10 z") == pytest.approx(20 + math.hypot(10, 10))
    assert path_length("M0 0 L10 0 L5 L0 1e9") >= 1e9  # a stray number does not hide the rest
    assert path_length("M0 0 a5 5 0 0010 0") == pytest.approx(math.pi * 10)


def test_marker_vertices_are_bounded_by_the_segments() -> None:
    path = etree.fromstring('<path xmlns="http://www.w3.org/2000/svg" d="M0 0 10 0 10 10 z"/>')
    assert vertices(path) == 5


@pytest.mark.parametrize("markup, ends", [
    ('<line x1="1" y1="2" x2="5px" y2="2"/>', [(1, 2), (5, 2)]),
    ('<polyline points="0,0 10,0 10,10 7"/>', [(0, 0), (10, 0), (10, 10)]),  # an odd number: left out
    ('<polygon points="0 0 10 0 10 10"/>', [(0, 0), (10, 0), (10, 10), (0, 0)]),
    ('<rect x="1" y="1" width="4" height="2"/>', [(1, 1), (5, 1), (5, 3), (1, 3), (1, 1)]),
    ('<circle cx="5" cy="5" r="5"/>', [(10, 5), (5, 10), (0, 5), (5, 0), (10, 5)]),
])
def test_every_shape_reads_as_the_path_svg_gives_it(markup: str, ends: list[tuple[float, float]]) -> None:
    data = shape_data(etree.fromstring(markup))
    assert data is not None
    assert [(round(v.x, 9), round(v.y, 9)) for v in path_vertices(data)] == ends

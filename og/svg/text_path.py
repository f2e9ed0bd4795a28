"""``<textPath>`` (Inkscape's Text ▸ Put on Path) → the :class:`~og.text.path_geometry.TextPath`
its text follows: the referenced path or basic shape (or SVG 2's ``path`` attribute) in the
text's user space, flattened to a polyline, with ``startOffset`` and ``side``.

SVG 2 §11.8.3: the referenced element's own ``transform`` applies (its ancestors' do not); a
basic shape is the path SVG 2 gives it (a circle starts at its rightmost point, clockwise).
"""

from __future__ import annotations

import math
import typing as t

from fontTools.pens.basePen import decomposeSuperBezierSegment
from lxml import etree

from ..text.path_geometry import Point
from ..text.path_geometry import TextPath
from .css import length
from .geometry import IDENTITY
from .geometry import Matrix
from .geometry import parse_transform
from .names import by_id
from .names import href
from .names import svg
from .path_data import draw
from .path_data import shape_data

#: Curves are cut into straight pieces about this long (px): the turn between two pieces
#: stays well under a degree on any curve a card sets text along.
FLATTEN_STEP_PX = 2.0
#: No curve is cut into more pieces than this, however long (a hostile template's path)...
MAX_PIECES_PER_CURVE = 256
#: ... and no path has more points than this in all.
MAX_POINTS = 20_000

TEXT_PATH = svg("textPath")


class _Flattener:
    """Receives the pen protocol's calls (:func:`og.svg.path_data.draw` makes them) and records a
    polyline: curves cut into short pieces, each subpath's first point remembered."""

    def __init__(self) -> None:
        self.points: list[Point] = []
        self.breaks: list[int] = []
        self.start: Point = (0.0, 0.0)

    def _add(self, point: Point) -> None:
        if len(self.points) < MAX_POINTS:
            self.points.append((float(point[0]), float(point[1])))

    def _current(self) -> Point:
        return self.points[-1] if self.points else self.start

    def moveTo(self, point: Point) -> None:  # noqa: N802 (the pen protocol's names)
        if self.points:
            self.breaks.append(len(self.points))
        self.start = point
        self._add(point)

    def lineTo(self, point: Point) -> None:  # noqa: N802
        self._add(point)

    def curveTo(self, *points: Point) -> None:  # noqa: N802
        segments = [points] if len(points) == 3 else decomposeSuperBezierSegment(list(points))
        for control1, control2, end in segments:
            self._cubic(self._current(), control1, control2, end)

    def qCurveTo(self, *points: Point) -> None:  # noqa: N802
        *controls, last = points
        for number, control in enumerate(controls):
            # Between two off-curve points lies an implied on-curve point, halfway.
            end = last if number == len(controls) - 1 else (
                (control[0] + controls[number + 1][0]) / 2, (control[1] + controls[number + 1][1]) / 2)
            start = self._current()
            self._cubic(start, _lerp(start, control, 2 / 3), _lerp(end, control, 2 / 3), end)

    def _cubic(self, p0: Point, p1: Point, p2: Point, p3: Point) -> None:
        rough = math.dist(p0, p1) + math.dist(p1, p2) + math.dist(p2, p3)
        pieces = min(MAX_PIECES_PER_CURVE, max(4, math.ceil(rough / FLATTEN_STEP_PX)))
        for step in range(1, pieces + 1):
            s = step / pieces
            r = 1 - s
            self._add((r ** 3 * p0[0] + 3 * r * r * s * p1[0] + 3 * r * s * s * p2[0] + s ** 3 * p3[0],
                       r ** 3 * p0[1] + 3 * r * r * s * p1[1] + 3 * r * s * s * p2[1] + s ** 3 * p3[1]))

    def closePath(self) -> None:  # noqa: N802
        self._add(self.start)

    def endPath(self) -> None:  # noqa: N802
        pass


def _lerp(a: Point, b: Point, share: float) -> Point:
    return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share


def flatten(data: str, matrix: Matrix = IDENTITY) -> tuple[tuple[Point, ...], tuple[int, ...]] | None:
    """Path data → its polyline (with ``matrix`` applied) and where each subpath starts."""
    pen = _Flattener()
    try:
        draw(data, pen)
    except (ValueError, IndexError, AssertionError, ZeroDivisionError, TypeError):
        return None
    if len(pen.points) < 2:
        return None
    a, b, c, d, e, f = matrix
    points = tuple((a * x + c * y + e, b * x + d * y + f) for x, y in pen.points)
    if not all(math.isfinite(v) for point in points for v in point):
        return None  # a hostile template's 1e999: no path at all, rather than NaN glyphs
    return points, tuple(pen.breaks)


def text_path(root: etree._Element, text: etree._Element) -> TextPath | None:
    """The path the text of ``text`` is set along, if it has a ``<textPath>`` that resolves."""
    element = text.find(TEXT_PATH)
    if element is None:
        return None
    data: str | None = element.get("path")
    matrix: Matrix = IDENTITY
    if not data:
        target = by_id(root, href(element).lstrip("#"))
        if target is None:
            return None
        data = shape_data(target)
        matrix = parse_transform(target.get("transform"))
    flat = flatten(data, matrix) if data else None
    if flat is None:
        return None
    offset = str(element.get("startOffset", "0")).strip()
    share = offset.endswith("%")
    try:
        value = float(offset[:-1]) / 100 if share else (length(offset) or 0.0)
    except ValueError:
        value, share = 0.0, False
    if not math.isfinite(value):
        value, share = 0.0, False
    side: t.Literal["left", "right"] = "right" if element.get("side", "").strip() == "right" else "left"
    return TextPath(flat[0], flat[1], value, share, side)

"""SVG path data → its segments in absolute coordinates (the one reader of ``d`` in og), and
the vertices with the path's direction on each side (what markers need).

:func:`segments` reads every path og looks at: markers' vertices, the cost estimates a template
is checked with (:mod:`og.template.costs`), text on a path and the boxes of shapes (through
:func:`draw`, fontTools' pen protocol). Each segment comes out resolved: relative coordinates
made absolute, ``H``/``V`` as lines, ``S``/``T`` with their reflected control point, so no
reader does that arithmetic again.

A vertex is where a marker may stand (SVG 2, "path vertices"): each subpath's first point,
each segment's end, and a closepath's return to the start. Directions are angles in
radians; ``None`` where the path has no direction on that side (before an open subpath's
start, after its end).
"""

from __future__ import annotations

import cmath
import dataclasses
import itertools
import math
import re
import typing as t

from fontTools.pens.basePen import AbstractPen
from fontTools.svgLib.path.arc import EllipticalArc
from lxml import etree

from .css import length
from .names import local_name

#: A number as SVG writes it (``-.5e3``, ``10.``); also the reader of ``points=""`` lists.
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|" + NUMBER.pattern)
#: Each command letter's kind and whether its coordinates are relative.
_COMMANDS = {letter: (letter.upper(), letter.islower()) for letter in "MmLlHhVvCcSsQqTtAaZz"}
_LETTERS = frozenset(_COMMANDS)
_ARGUMENTS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7}
#: The kind of segment each command makes.
_RESOLVED = {"M": "M", "L": "L", "H": "L", "V": "L", "C": "C", "S": "C", "Q": "Q", "T": "Q", "A": "A"}
#: A path with more segments than this is cut there for markers (templates are bounded, and so is this).
MAX_SEGMENTS = 100_000

Point = tuple[float, float]
Arc = tuple[float, float, float, bool, bool]  # rx, ry, x-axis rotation (degrees), large-arc, sweep


class Segment(t.NamedTuple):
    """One command of path data, resolved. ``kind`` is ``M``, ``L`` (also ``H``/``V``), ``C``
    (also ``S``), ``Q`` (also ``T``), ``A`` or ``Z``; ``points`` are absolute and end with
    the segment's end: a ``C``'s two control points and end, a ``Q``'s control point and end, a
    ``Z``'s subpath start."""

    kind: str
    start: Point
    points: tuple[Point, ...]
    arc: Arc | None = None


def _arguments(tokens: list[str], index: int, count: int, arc: bool) -> tuple[list[float], int]:
    """Up to ``count`` numbers from ``tokens[index:]`` and where they end. An arc's flags are one
    character each (``a5 5 0 0010 0`` is valid): a number token there gives its first
    character and leaves the rest in ``tokens`` as the next token."""
    args: list[float] = []
    while len(args) < count and index < len(tokens):
        token = tokens[index]
        if token in _COMMANDS:
            break
        if arc and len(args) in (3, 4):
            rest = token[1:]
            if token[0] not in "01" or (rest and not NUMBER.fullmatch(rest)):
                break  # a flag is 0 or 1
            args.append(float(token[0]))
            if rest:
                tokens[index] = rest
                continue
        else:
            args.append(float(token))
        index += 1
    return args, index


def segments(data: str, lenient: bool = False) -> t.Iterator[Segment]:
    """The segments of path data, in order.

    An error (a command short of numbers, numbers where no command repeats, a flag that is not
    0 or 1, an infinite number, or numbers whose sum is) ends the path there, as SVG draws it;
    characters that are neither commands nor numbers are passed over. ``lenient`` steps over an
    error instead and reads on, for an estimate that must not be cut short where a renderer may
    read on.

    >>> [(s.kind, s.points) for s in segments("m1 2 3 4h5z")]
    [('M', ((1.0, 2.0),)), ('L', ((4.0, 6.0),)), ('L', ((9.0, 6.0),)), ('Z', ((1.0, 2.0),))]
    """
    tokens = _TOKEN.findall(data)
    made = tuple.__new__  # a Segment without a call of NamedTuple's Python-level __new__ (per segment)
    index, kind, relative, previous = 0, "", False, ""
    current = start = (0.0, 0.0)
    control = current  # the last C/S or Q/T control point
    end_of_tokens = len(tokens)
    while index < end_of_tokens:
        command = _COMMANDS.get(tokens[index])
        if command is not None:
            kind, relative = command
            index += 1
            if kind == "Z":
                yield made(Segment, ("Z", current, (start,), None))
                current, previous = start, "Z"
            continue
        if kind in ("", "Z"):
            if not lenient:
                return
            index += 1
            continue
        count = _ARGUMENTS[kind]
        raw, after = tokens[index:index + count], index + count
        if kind != "A" and len(raw) == count and _LETTERS.isdisjoint(raw):
            args = list(map(float, raw))  # the common case, at once
        else:
            args, after = _arguments(tokens, index, count, kind == "A")
        if len(args) < count or not (lenient or math.isfinite(sum(args))):  # (inf - inf is nan)
            if not lenient:
                return
            index = max(after, index + 1)
            continue
        index = after
        ox, oy = current if relative else (0.0, 0.0)
        resolved, arc = _RESOLVED[kind], None
        if kind == "L":
            points: tuple[Point, ...] = ((ox + args[0], oy + args[1]),)
        elif kind == "C":
            points = ((ox + args[0], oy + args[1]), (ox + args[2], oy + args[3]),
                      (ox + args[4], oy + args[5]))
            control = points[1]
        elif kind == "M":
            start = (ox + args[0], oy + args[1])
            points = (start,)
            kind = "L"  # further pairs are lines
        elif kind == "H":
            points = ((ox + args[0], current[1]),)
        elif kind == "V":
            points = ((current[0], oy + args[0]),)
        elif kind == "S":
            first = (2 * current[0] - control[0], 2 * current[1] - control[1]) if previous == "C" else current
            points = (first, (ox + args[0], oy + args[1]), (ox + args[2], oy + args[3]))
            control = points[1]
        elif kind in ("Q", "T"):
            if kind == "Q":
                first, end = (ox + args[0], oy + args[1]), (ox + args[2], oy + args[3])
            else:
                first = (2 * current[0] - control[0], 2 * current[1] - control[1]) \
                    if previous == "Q" else current
                end = (ox + args[0], oy + args[1])
            points, control = (first, end), first
        else:
            points = ((ox + args[5], oy + args[6]),)
            arc = (args[0], args[1], args[2], args[3] != 0, args[4] != 0)
        yield made(Segment, (resolved, current, points, arc))
        current, previous = points[-1], resolved


def draw(data: str, pen: AbstractPen) -> None:
    """Path data through fontTools' pen protocol, as its ``parse_path`` calls a pen (arcs as
    cubic curves, by its ``EllipticalArc``), for fontTools' pens and og's own."""
    open_subpath = False
    for kind, start, points, arc in segments(data):
        if kind == "L" and open_subpath:
            pen.lineTo(points[0])  # the common case first
        elif kind == "Z":
            if open_subpath:
                if not cmath.isclose(complex(*start), complex(*points[0]), rel_tol=1e-15, abs_tol=1e-15):
                    pen.lineTo(points[0])
                pen.closePath()
                open_subpath = False
        elif kind == "M":
            if open_subpath:
                pen.endPath()
            pen.moveTo(points[0])
            open_subpath = True
        else:
            if not open_subpath:
                pen.moveTo(start)  # drawing on after a closepath (or with no moveto) from there
                open_subpath = True
            if kind == "L":
                pen.lineTo(points[0])
            elif kind == "C":
                pen.curveTo(*points)
            elif kind == "Q":
                pen.qCurveTo(*points)
            else:
                rx, ry, rotation, large, sweep = t.cast(Arc, arc)
                EllipticalArc(complex(*start), abs(rx), abs(ry), rotation, large, sweep,
                              complex(*points[0])).draw(pen)
    if open_subpath:
        pen.endPath()


@dataclasses.dataclass(frozen=True)
class Vertex:
    x: float
    y: float
    incoming: float | None  # the path's direction arriving here
    outgoing: float | None  # and leaving

    def angle(self) -> float:
        """``orient="auto"``: the bisector of the two directions, in degrees."""
        if self.incoming is None and self.outgoing is None:
            return 0.0
        if self.incoming is None or self.outgoing is None:
            return math.degrees(self.outgoing if self.incoming is None else self.incoming)  # type: ignore[arg-type]
        x = math.cos(self.incoming) + math.cos(self.outgoing)
        y = math.sin(self.incoming) + math.sin(self.outgoing)
        if abs(x) < 1e-12 and abs(y) < 1e-12:
            return math.degrees(self.incoming)  # a U-turn: the incoming direction
        return math.degrees(math.atan2(y, x))


@dataclasses.dataclass
class _Segment:
    start: Point
    end: Point
    start_direction: float | None
    end_direction: float | None


def _direction(*vectors: Point) -> float | None:
    """The first vector that is not zero, as an angle."""
    for dx, dy in vectors:
        if abs(dx) > 1e-9 or abs(dy) > 1e-9:
            return math.atan2(dy, dx)
    return None


def _sub(a: Point, b: Point) -> Point:
    return a[0] - b[0], a[1] - b[1]


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point) -> _Segment:
    return _Segment(p0, p3, _direction(_sub(p1, p0), _sub(p2, p0), _sub(p3, p0)),
                    _direction(_sub(p3, p2), _sub(p3, p1), _sub(p3, p0)))


def _line(p0: Point, p1: Point) -> _Segment:
    direction = _direction(_sub(p1, p0))
    return _Segment(p0, p1, direction, direction)


def _arc(p0: Point, rx: float, ry: float, phi_degrees: float, large: bool, sweep: bool,
         p1: Point) -> _Segment:
    """The tangents of an elliptical arc at its ends (SVG's endpoint → centre conversion)."""
    rx, ry = abs(rx), abs(ry)
    if rx < 1e-12 or ry < 1e-12 or p0 == p1:
        return _line(p0, p1)
    phi = math.radians(phi_degrees)
    cos_phi, sin_phi = math.cos(phi), math.sin(phi)
    hx, hy = (p0[0] - p1[0]) / 2, (p0[1] - p1[1]) / 2
    x1, y1 = cos_phi * hx + sin_phi * hy, -sin_phi * hx + cos_phi * hy
    grow = x1 * x1 / (rx * rx) + y1 * y1 / (ry * ry)
    if grow > 1:
        rx, ry = rx * math.sqrt(grow), ry * math.sqrt(grow)
    numerator = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    factor = math.sqrt(max(0.0, numerator / (rx * rx * y1 * y1 + ry * ry * x1 * x1)))
    if large == sweep:
        factor = -factor
    cx, cy = factor * rx * y1 / ry, -factor * ry * x1 / rx
    theta0 = math.atan2((y1 - cy) / ry, (x1 - cx) / rx)
    theta1 = math.atan2((-y1 - cy) / ry, (-x1 - cx) / rx)
    sign = 1.0 if sweep else -1.0

    def tangent(theta: float) -> float | None:
        dx, dy = -rx * math.sin(theta) * sign, ry * math.cos(theta) * sign
        return _direction((cos_phi * dx - sin_phi * dy, sin_phi * dx + cos_phi * dy))

    return _Segment(p0, p1, tangent(theta0), tangent(theta1))


def _subpaths(data: str) -> list[list[_Segment | None]]:
    """Subpaths as segments with their directions; a subpath that ends with a closepath ends
    with ``None``."""
    subpaths: list[list[_Segment | None]] = []
    for segment in itertools.islice(segments(data), MAX_SEGMENTS):
        kind, current, end = segment.kind, segment.start, segment.points[-1]
        if kind == "Z":
            if subpaths:
                if current != end:
                    subpaths[-1].append(_line(current, end))
                subpaths[-1].append(None)
            continue
        if kind == "M":
            subpaths.append([])
            continue
        if not subpaths or (subpaths[-1] and subpaths[-1][-1] is None):
            subpaths.append([])  # drawing on after a closepath starts a new subpath there
        if kind == "L":
            subpaths[-1].append(_line(current, end))
        elif kind == "C":
            subpaths[-1].append(_cubic(current, *segment.points))
        elif kind == "Q":
            control = segment.points[0]
            subpaths[-1].append(_cubic(current, control, control, end))
        else:
            rx, ry, rotation, large, sweep = t.cast(Arc, segment.arc)
            subpaths[-1].append(_arc(current, rx, ry, rotation, large, sweep, end))
    return subpaths


def path_vertices(data: str) -> list[Vertex]:
    """Every vertex of the path data, in order."""
    vertices: list[Vertex] = []
    for subpath in _subpaths(data):
        closed = bool(subpath) and subpath[-1] is None
        segments = [s for s in subpath if s is not None]
        if not segments:
            continue
        first_out = _first_direction(segments)
        last_in = _last_direction(segments)
        vertices.append(Vertex(*segments[0].start, last_in if closed else None, first_out))
        for i in range(1, len(segments)):
            vertices.append(Vertex(*segments[i].start, _end_of(segments, i - 1), _start_of(segments, i)))
        vertices.append(Vertex(*segments[-1].end, last_in, first_out if closed else None))
    return vertices


def _first_direction(segments: list[_Segment]) -> float | None:
    return next((s.start_direction for s in segments if s.start_direction is not None), None)


def _last_direction(segments: list[_Segment]) -> float | None:
    return next((s.end_direction for s in reversed(segments) if s.end_direction is not None), None)


def _end_of(segments: list[_Segment], index: int) -> float | None:
    """The direction arriving at the end of segment ``index``; a zero-length segment takes
    the last direction before it."""
    direction = segments[index].end_direction
    return direction if direction is not None else _last_direction(segments[:index])


def _start_of(segments: list[_Segment], index: int) -> float | None:
    direction = segments[index].start_direction
    return direction if direction is not None else _first_direction(segments[index + 1:])


def number_attribute(node: etree._Element, name: str) -> float:
    """A shape's length attribute in px (absent or unreadable: 0, as SVG's lacuna values)."""
    return length(node.get(name, "0")) or 0.0


def shape_data(node: etree._Element) -> str | None:
    """Path data of a path or basic shape, as SVG 2 defines each shape's path."""
    kind = local_name(node)
    if kind == "path":
        return str(node.get("d", ""))
    if kind in ("circle", "ellipse"):
        cx, cy = number_attribute(node, "cx"), number_attribute(node, "cy")
        rx = length(node.get("rx") or node.get("r")) or 0.0
        ry = length(node.get("ry") or node.get("r")) or 0.0
        if rx <= 0 or ry <= 0:
            return None
        arc = f"A {rx} {ry} 0 0 1"
        return (f"M {cx + rx} {cy} {arc} {cx} {cy + ry} {arc} {cx - rx} {cy} "
                f"{arc} {cx} {cy - ry} {arc} {cx + rx} {cy} Z")
    if kind == "rect":
        x, y, w, h = (number_attribute(node, name) for name in ("x", "y", "width", "height"))
        return f"M {x} {y} H {x + w} V {y + h} H {x} Z" if w > 0 and h > 0 else None
    if kind == "line":
        x1, y1, x2, y2 = (number_attribute(node, name) for name in ("x1", "y1", "x2", "y2"))
        return f"M {x1} {y1} L {x2} {y2}"
    if kind in ("polyline", "polygon"):
        return "M " + str(node.get("points", "")) + (" Z" if kind == "polygon" else "")
    return None

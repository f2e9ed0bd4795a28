"""SVG path data → its vertices with the path's direction on each side (what markers need).

A vertex is where a marker may stand (SVG 2, "path vertices"): each subpath's first point,
each segment's end, and a closepath's return to the start. Directions are angles in
radians; ``None`` where the path has no direction on that side (before an open subpath's
start, after its end).
"""

from __future__ import annotations

import dataclasses
import math
import re

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_FLAG = re.compile(r"\s*,?\s*([01])")
_NUMBER = re.compile(r"\s*,?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_ARGUMENTS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
#: A path with more segments than this is cut there (templates are bounded, and so is this).
MAX_SEGMENTS = 100_000

Point = tuple[float, float]


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


def _tokens(data: str) -> list[str]:
    """Path data as command letters and numbers; an arc's flags may be written without
    separators (``a5 5 0 0110 10``), so arcs are read character by character."""
    out: list[str] = []
    position, command = 0, ""
    length = len(data)
    while position < length:
        if command in ("A", "a"):
            # after an arc command: groups of 7 arguments, the 4th and 5th single-digit flags
            while True:
                group: list[str] = []
                for index in range(7):
                    pattern = _FLAG if index in (3, 4) else _NUMBER
                    match = pattern.match(data, position)
                    if match is None:
                        break
                    group.append(match.group(1))
                    position = match.end()
                if len(group) < 7:
                    break
                out.extend(group)
            command = ""
            continue
        match = _TOKEN.search(data, position)
        if match is None:
            break
        out.append(match.group(0))
        position = match.end()
        if match.group(0).isalpha():
            command = match.group(0)
    return out


def _segments(data: str) -> list[list[_Segment | None]]:
    """Subpaths as segments; a subpath that ends with a closepath ends with ``None``."""
    subpaths: list[list[_Segment | None]] = []
    tokens = _tokens(data)
    index, count = 0, 0
    current = start = (0.0, 0.0)
    last_control: Point | None = None
    previous = ""
    command = ""
    while index < len(tokens) and count < MAX_SEGMENTS:
        if tokens[index].isalpha():
            command = tokens[index]
            index += 1
        elif not command:
            break
        kind, relative = command.upper(), command.islower()
        needed = _ARGUMENTS[kind]
        raw = tokens[index:index + needed]
        if len(raw) < needed or any(v.isalpha() for v in raw):
            break  # an error in the path data: SVG draws the path up to it
        args = [float(v) for v in raw]
        if not all(map(math.isfinite, args)):
            break
        index += needed
        count += 1
        ox, oy = current if relative else (0.0, 0.0)
        control: Point | None = None
        if kind == "Z":
            if subpaths:
                if current != start:
                    subpaths[-1].append(_line(current, start))
                subpaths[-1].append(None)
            current = start
            command = "" if index < len(tokens) and tokens[index].isalpha() else command
        elif kind == "M":
            current = start = (ox + args[0], oy + args[1])
            subpaths.append([])
            command = "l" if relative else "L"
        else:
            if not subpaths or (subpaths[-1] and subpaths[-1][-1] is None):
                subpaths.append([])  # drawing on after a closepath starts a new subpath there
                start = current
            if kind == "L":
                end = (ox + args[0], oy + args[1])
                segment = _line(current, end)
            elif kind in ("H", "V"):
                end = (ox + args[0], current[1]) if kind == "H" else (current[0], oy + args[0])
                segment = _line(current, end)
            elif kind in ("C", "S"):
                if kind == "C":
                    c1 = (ox + args[0], oy + args[1])
                    rest = args[2:]
                else:
                    c1 = current if last_control is None or previous not in "CS" else (
                        2 * current[0] - last_control[0], 2 * current[1] - last_control[1])
                    rest = args
                c2, end = (ox + rest[0], oy + rest[1]), (ox + rest[2], oy + rest[3])
                segment, control = _cubic(current, c1, c2, end), c2
            elif kind in ("Q", "T"):
                if kind == "Q":
                    q = (ox + args[0], oy + args[1])
                    end = (ox + args[2], oy + args[3])
                else:
                    q = current if last_control is None or previous not in "QT" else (
                        2 * current[0] - last_control[0], 2 * current[1] - last_control[1])
                    end = (ox + args[0], oy + args[1])
                segment, control = _cubic(current, q, q, end), q
            else:  # A
                end = (ox + args[5], oy + args[6])
                segment = _arc(current, args[0], args[1], args[2], args[3] != 0, args[4] != 0, end)
            subpaths[-1].append(segment)
            current = end
        last_control, previous = control, kind
    return subpaths


def path_vertices(data: str) -> list[Vertex]:
    """Every vertex of the path data, in order."""
    vertices: list[Vertex] = []
    for subpath in _segments(data):
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


def points_path(points: str, closed: bool) -> str:
    """A ``<polyline>``'s or ``<polygon>``'s points as path data."""
    numbers = _NUMBER.findall(points.replace(",", " "))
    pairs = [f"{numbers[i]} {numbers[i + 1]}" for i in range(0, len(numbers) - 1, 2)]
    if not pairs:
        return ""
    return "M " + " L ".join(pairs) + (" Z" if closed else "")

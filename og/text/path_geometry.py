"""A path text follows: an SVG path (or basic shape) as a polyline, measured by arc length.

Text on a path (:mod:`.on_path`) needs, for any distance along the path, the point there and
the direction of travel. The SVG reader (:mod:`og.svg.text_path`) flattens curves once, when
the template is read, into short straight pieces; lookups are then a bisection on the running
length. The polyline is plain data (tuples), so a :class:`TextPath` is part of a text block's
cache key like everything else in it.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import typing as t

Point = tuple[float, float]
Side = t.Literal["left", "right"]


@dataclasses.dataclass(frozen=True)
class TextPath:
    """The path of a ``<textPath>``, in the text's user space, and where the text starts on it.

    ``points`` are the flattened subpaths, one after another; ``breaks`` are the indices where
    a subpath begins (a move, which adds no length). ``start_offset`` is in px, or a share of
    the path's length when ``offset_is_share``. ``side="right"`` reverses the path (SVG 2).
    """

    points: tuple[Point, ...]
    breaks: tuple[int, ...] = ()
    start_offset: float = 0.0
    offset_is_share: bool = False
    side: Side = "left"

    def walk(self) -> PathWalk:
        return PathWalk(self)


class PathWalk:
    """Distances along a :class:`TextPath`: the point and direction at any distance."""

    def __init__(self, path: TextPath) -> None:
        points = list(path.points)
        moves = set(path.breaks)
        if path.side == "right":
            moves = {len(points) - index for index in moves}
            points.reverse()
        # The pieces that have a length: a move to a new subpath adds none, nor does a repeat.
        self.pieces: list[tuple[Point, Point]] = []
        self.starts: list[float] = []
        self.length = 0.0
        for index in range(1, len(points)):
            piece = math.dist(points[index - 1], points[index])
            if index in moves or piece <= 1e-9:
                continue
            self.pieces.append((points[index - 1], points[index]))
            self.starts.append(self.length)
            self.length += piece
        self.start = path.start_offset * self.length if path.offset_is_share else path.start_offset

    def at(self, distance: float) -> tuple[Point, float] | None:
        """The point ``distance`` px along the path and the direction of travel there
        (radians, y down); None off either end (SVG 2: such glyphs are not drawn)."""
        if not self.pieces or distance < 0 or distance > self.length:
            return None
        index = max(0, bisect.bisect_right(self.starts, distance) - 1)
        (x0, y0), (x1, y1) = self.pieces[index]
        along = (distance - self.starts[index]) / math.dist((x0, y0), (x1, y1))
        along = min(1.0, max(0.0, along))
        return (x0 + (x1 - x0) * along, y0 + (y1 - y0) * along), math.atan2(y1 - y0, x1 - x0)

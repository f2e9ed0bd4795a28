"""Mesh gradients (SVG 2 draft ``<meshgradient>``, as Inkscape's Mesh tool writes them) → Coons
patches: four cubic edges and four corner colours each, for cairo's mesh patterns.

A mesh is rows of patches sharing edges. Each ``<stop>`` is one edge (``path``: one ``c``/``C``
or ``l``/``L`` segment) and the colour at the corner where that edge starts. Only the first
patch spells out all four edges; the rest of the first row omit the left edge (the previous
patch's right one), and later rows omit the top edge (the bottom of the patch above), so
their first stop is the right edge, starting at the top right corner.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from ..svg.css import own_property
from ..svg.geometry import Matrix
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.names import local_name
from .filters import parse_color

Point = tuple[float, float]
Color = tuple[float, float, float, float]  # straight RGBA in 0..1
#: A mesh has at most this many patches (a template's mesh is bounded like its filters).
MAX_PATCHES = 4096
#: Patches as plain tuples (points, corner colours): hashable, for caching and the backend.
MeshData = tuple[tuple[tuple[Point, ...], tuple[Color, ...]], ...]
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclasses.dataclass(frozen=True)
class Patch:
    """A Coons patch: 13 points (a closed run of four cubics from the top left corner, clockwise:
    top, right, bottom, left) and the colours of its corners in the same order."""

    points: tuple[Point, ...]
    colors: tuple[Color, Color, Color, Color]

    def transformed(self, m: Matrix) -> Patch:
        a, b, c, d, e, f = m
        return Patch(tuple((a * x + c * y + e, b * x + d * y + f) for x, y in self.points), self.colors)


Edge = tuple[Point, Point, Point]  # two control points and the end, absolute


def _edge(path: str, start: Point) -> Edge:
    """A stop's ``path`` from ``start``: a cubic, or a line as a cubic at its thirds."""
    command = (path.strip() or "l")[0]
    numbers = [float(v) for v in _NUMBER.findall(path)]
    points = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
    if command.islower():
        points = [(start[0] + x, start[1] + y) for x, y in points]
    if command in "cC" and len(points) >= 3:
        return points[0], points[1], points[2]
    end = points[0] if points else start
    return ((2 * start[0] + end[0]) / 3, (2 * start[1] + end[1]) / 3), \
        ((start[0] + 2 * end[0]) / 3, (start[1] + 2 * end[1]) / 3), end


def _reversed(edge: Edge, start: Point) -> Edge:
    """The same curve run backwards: from its end to ``start``."""
    return edge[1], edge[0], start


def _stop_color(stop: etree._Element) -> Color:
    red, green, blue = parse_color(own_property(stop, "stop-color") or "black")
    try:
        opacity = float(own_property(stop, "stop-opacity") or 1)
    except ValueError:
        opacity = 1.0
    return red, green, blue, min(1.0, max(0.0, opacity))


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in node if isinstance(child.tag, str) and local_name(child) == name]


def mesh_patches(mesh: etree._Element) -> list[Patch]:
    """The mesh's patches in its own user space (before ``gradientTransform``)."""
    x, y = float(mesh.get("x", 0) or 0), float(mesh.get("y", 0) or 0)
    rows = _children(mesh, "meshrow")
    corners: dict[tuple[int, int], Point] = {(0, 0): (x, y)}
    colors: dict[tuple[int, int], Color] = {}
    tops: dict[tuple[int, int], Edge] = {}  # the edge from corner (r, c) to (r, c + 1)
    lefts: dict[tuple[int, int], Edge] = {}  # from (r, c) down to (r + 1, c)
    patches: list[Patch] = []
    for r, row in enumerate(rows):
        for c, patch in enumerate(_children(row, "meshpatch")):
            if len(patches) >= MAX_PATCHES:
                return patches
            stops = _children(patch, "stop")
            # which edges this patch spells out: 0 top, 1 right, 2 bottom, 3 left
            sides = [side for side in range(4) if not (side == 0 and r > 0) and not (side == 3 and c > 0)]
            if (r, c) not in corners or (r > 0 and (r, c + 1) not in corners):
                return patches  # a malformed mesh: draw what was well formed
            ends = {0: (r, c), 1: (r, c + 1), 2: (r + 1, c + 1), 3: (r + 1, c)}
            edges: dict[int, Edge] = {}
            for side, stop in zip(sides, stops, strict=False):
                start = corners[ends[side]]
                edges[side] = _edge(stop.get("path", ""), start)
                corners.setdefault(ends[(side + 1) % 4], edges[side][2])
                colors.setdefault(ends[side], _stop_color(stop))
            if 0 not in edges and (r, c) in tops:
                edges[0] = tops[(r, c)]
            if 3 not in edges and (r, c) in lefts:
                edges[3] = _reversed(lefts[(r, c)], corners[(r, c)])
            if len(edges) < 4 or any(ends[k] not in colors for k in range(4)):
                return patches
            tops[(r + 1, c)] = _reversed(edges[2], corners[(r + 1, c + 1)])
            lefts[(r, c + 1)] = edges[1]
            points = [corners[(r, c)]]
            for side in range(4):
                points.extend(edges[side])
            patches.append(Patch(tuple(points), (colors[ends[0]], colors[ends[1]], colors[ends[2]],
                                                 colors[ends[3]])))
    return patches


def mesh_matrix(mesh: etree._Element, bbox: tuple[float, float, float, float] | None) -> Matrix:
    """The mesh's own space → the painted element's user space: ``gradientTransform``, and the
    bounding box for ``gradientUnits="objectBoundingBox"`` (x, y, width, height)."""
    matrix = parse_transform(mesh.get("gradientTransform"))
    if mesh.get("gradientUnits") == "objectBoundingBox" and bbox is not None:
        x, y, width, height = bbox
        matrix = multiply((width, 0.0, 0.0, height, x, y), matrix)
    return matrix

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
import typing as t

import numpy as np
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
#: Patches as plain tuples (points, corner colours, inner control points): hashable, for
#: caching and the backend.
MeshData = tuple[tuple[tuple[Point, ...], tuple[Color, ...], tuple[Point, ...]], ...]
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclasses.dataclass(frozen=True)
class Patch:
    """A Coons patch: 13 points (a closed run of four cubics from the top left corner, clockwise:
    top, right, bottom, left) and the colours of its corners in the same order; ``controls``,
    when given, are its four inner control points (a tensor-product patch), by corner."""

    points: tuple[Point, ...]
    colors: tuple[Color, Color, Color, Color]
    controls: tuple[Point, ...] = ()

    def transformed(self, m: Matrix) -> Patch:
        a, b, c, d, e, f = m
        return Patch(tuple((a * x + c * y + e, b * x + d * y + f) for x, y in self.points), self.colors,
                     tuple((a * x + c * y + e, b * x + d * y + f) for x, y in self.controls))


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
    columns = len(patches) // max(1, len(rows))
    if (mesh.get("type") == "bicubic" and len(rows) >= 2 and columns >= 2
            and len(patches) == len(rows) * columns):
        return smoothed(patches, len(rows), columns)
    return patches


def mesh_matrix(mesh: etree._Element, bbox: tuple[float, float, float, float] | None) -> Matrix:
    """The mesh's own space → the painted element's user space: ``gradientTransform``, and the
    bounding box for ``gradientUnits="objectBoundingBox"`` (x, y, width, height)."""
    matrix = parse_transform(mesh.get("gradientTransform"))
    if mesh.get("gradientUnits") == "objectBoundingBox" and bbox is not None:
        x, y, width, height = bbox
        matrix = multiply((width, 0.0, 0.0, height, x, y), matrix)
    return matrix


# Bicubic meshes (Inkscape's "Bicubic" smoothing): colours vary smoothly across patch edges.
# Each patch is cut into 8 x 8 pieces whose corner colours come from a bicubic surface through
# the four corner colours, with slopes estimated from the neighbouring corners (Inkscape's way,
# and the SVG 2 draft's); cairo interpolates each piece bilinearly.

#: The standard bicubic interpolation matrix: 16 coefficients a[i + 4j] of x^i y^j from the
#: values, x slopes, y slopes and cross slopes at (0,0), (1,0), (0,1), (1,1).
_BICUBIC = np.array([
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [-3, 3, 0, 0, -2, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [2, -2, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, -3, 3, 0, 0, -2, -1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 2, -2, 0, 0, 1, 1, 0, 0],
    [-3, 0, 3, 0, 0, 0, 0, 0, -2, 0, -1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, -3, 0, 3, 0, 0, 0, 0, 0, -2, 0, -1, 0],
    [9, -9, -9, 9, 6, 3, -6, -3, 6, -6, 3, -3, 4, 2, 2, 1],
    [-6, 6, 6, -6, -3, -3, 3, 3, -4, 4, -2, 2, -2, -2, -1, -1],
    [2, 0, -2, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 2, 0, -2, 0, 0, 0, 0, 0, 1, 0, 1, 0],
    [-6, 6, 6, -6, -4, -2, 4, 2, -3, 3, -3, 3, -2, -1, -2, -1],
    [4, -4, -4, 4, 2, 2, -2, -2, 2, -2, 2, -2, 1, 1, 1, 1]], dtype=np.float64)
#: Each patch of a bicubic mesh is drawn as this many pieces a side.
SMOOTH_PIECES = 8


def _grid(patch: Patch) -> np.ndarray:
    """The patch as a 4 x 4 tensor-product grid (row: down the patch, column: across), its inner
    points by the Coons formula when not given."""
    p = patch.points
    g = np.zeros((4, 4, 2))
    g[0, :] = p[0:4]
    g[:, 3] = p[3:7]
    g[3, ::-1] = p[6:10]
    g[::-1, 0] = p[9:13]
    if patch.controls:
        g[1, 1], g[1, 2], g[2, 2], g[2, 1] = patch.controls
        return g
    for (i, j), (ci, cj) in {(1, 1): (0, 0), (1, 2): (0, 3), (2, 1): (3, 0), (2, 2): (3, 3)}.items():
        di, dj = 3 - ci, 3 - cj  # the opposite corner
        near_i, near_j = (1 if ci == 0 else 2), (1 if cj == 0 else 2)
        g[i, j] = (-4 * g[ci, cj] + 6 * (g[ci, near_j] + g[near_i, cj]) - 2 * (g[ci, dj] + g[di, cj])
                   + 3 * (g[di, near_j] + g[near_i, dj]) - g[di, dj]) / 9
    return g


def _piece(curve: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """The control points of a cubic Bezier (4 along axis 0) between parameters t0 and t1:
    its blossom at (t0,t0,t0), (t0,t0,t1), (t0,t1,t1), (t1,t1,t1)."""
    def blossom(a: float, b: float, c: float) -> np.ndarray:
        level = [curve[k] for k in range(4)]
        for u in (a, b, c):
            level = [(1 - u) * level[k] + u * level[k + 1] for k in range(len(level) - 1)]
        return t.cast(np.ndarray, level[0])
    return np.stack([blossom(t0, t0, t0), blossom(t0, t0, t1), blossom(t0, t1, t1), blossom(t1, t1, t1)])


def _slope(before: np.ndarray, here: np.ndarray, after: np.ndarray, d0: float, d1: float) -> np.ndarray:
    """A colour's slope at an inner mesh corner: the mean of the two sides', zero at a local
    extreme, and never steeper than three times either side's (no overshoot)."""
    if d0 <= 0 or d1 <= 0:
        return np.zeros_like(here)
    left, right = (here - before) / d0, (after - here) / d1
    slope = (left + right) / 2
    extreme = (before > here) & (after > here) | (before < here) & (after < here)
    slope = np.where(np.abs(slope) > np.abs(3 * left), 3 * left, slope)
    slope = np.where(np.abs(slope) > np.abs(3 * right), 3 * right, slope)
    return np.where(extreme, 0.0, slope)


def _slopes(nodes: np.ndarray, colors: np.ndarray, axis: int) -> np.ndarray:
    """Colour slopes (per unit length) at every mesh corner along ``axis`` (0: down, 1: across);
    at the mesh's edges, the slope that makes the end of the curve a parabola."""
    nodes, colors = np.moveaxis(nodes, axis, 0), np.moveaxis(colors, axis, 0)
    count = nodes.shape[0]
    slopes = np.zeros_like(colors)
    distance = np.linalg.norm(np.diff(nodes, axis=0), axis=-1)  # (count - 1, other)
    for i in range(1, count - 1):
        for k in range(nodes.shape[1]):
            slopes[i, k] = _slope(colors[i - 1, k], colors[i, k], colors[i + 1, k],
                                  float(distance[i - 1, k]), float(distance[i, k]))
    for k in range(nodes.shape[1]):
        for end, inner, gap in ((0, 1, distance[0, k]), (count - 1, count - 2, distance[-1, k])):
            sign = 1.0 if end == 0 else -1.0
            slopes[end, k] = (sign * 2 * (colors[inner, k] - colors[end, k]) / gap - slopes[inner, k]
                              if gap > 0 else 0.0)
    return np.moveaxis(slopes, 0, axis)


def smoothed(patches: list[Patch], rows: int, columns: int) -> list[Patch]:
    """A bicubic mesh's patches as 8 x 8 smaller bilinear ones each (capped at MAX_PATCHES)."""
    nodes = np.zeros((rows + 1, columns + 1, 2))
    colors = np.zeros((rows + 1, columns + 1, 4))
    for index, patch in enumerate(patches):
        r, c = divmod(index, columns)
        for (dr, dc), point, color in zip(((0, 0), (0, 1), (1, 1), (1, 0)), patch.points[0:13:3],
                                          patch.colors, strict=False):
            nodes[r + dr, c + dc], colors[r + dr, c + dc] = point, color
    down, across = _slopes(nodes, colors, 0), _slopes(nodes, colors, 1)
    steps = np.linspace(0.0, 1.0, SMOOTH_PIECES + 1)
    # piece k of a cubic's control points, from the whole cubic's: a 4 x 4 matrix per piece
    split = np.stack([_piece(np.eye(4), steps[k], steps[k + 1]) for k in range(SMOOTH_PIECES)])
    powers_x = steps[:, None] ** np.arange(4)[None, :]  # (9, 4): x^i
    out: list[Patch] = []
    for index, patch in enumerate(patches):
        r, c = divmod(index, columns)
        left = float(np.linalg.norm(nodes[r, c] - nodes[r + 1, c]))
        right = float(np.linalg.norm(nodes[r, c + 1] - nodes[r + 1, c + 1]))
        top = float(np.linalg.norm(nodes[r, c] - nodes[r, c + 1]))
        bottom = float(np.linalg.norm(nodes[r + 1, c] - nodes[r + 1, c + 1]))
        values = np.stack([  # (16, 4): x down the patch, y across it
            colors[r, c], colors[r + 1, c], colors[r, c + 1], colors[r + 1, c + 1],
            down[r, c] * left, down[r + 1, c] * left, down[r, c + 1] * right, down[r + 1, c + 1] * right,
            across[r, c] * top, across[r + 1, c] * bottom, across[r, c + 1] * top,
            across[r + 1, c + 1] * bottom,
            *([np.zeros(4)] * 4)])
        coefficients = (_BICUBIC @ values).reshape(4, 4, 4)  # [j, i, channel]: x^i y^j
        grid_colors = np.clip(np.einsum("xi,yj,jic->xyc", powers_x, powers_x, coefficients), 0, 1)
        pieces = np.einsum("aij,jkc,blk->abilc", split, _grid(patch), split)  # (8, 8, 4, 4, xy)
        for a in range(SMOOTH_PIECES):
            for b in range(SMOOTH_PIECES):
                if len(out) >= MAX_PATCHES:
                    return out
                sub = pieces[a, b].tolist()
                points = [sub[0][0], sub[0][1], sub[0][2], sub[0][3], sub[1][3], sub[2][3], sub[3][3],
                          sub[3][2], sub[3][1], sub[3][0], sub[2][0], sub[1][0], sub[0][0]]
                corners = [grid_colors[a, b], grid_colors[a, b + 1], grid_colors[a + 1, b + 1],
                           grid_colors[a + 1, b]]
                out.append(Patch(tuple((x, y) for x, y in points),
                                 t.cast(tuple[Color, Color, Color, Color],
                                        tuple(tuple(color.tolist()) for color in corners)),
                                 tuple((x, y) for x, y in (sub[1][1], sub[1][2], sub[2][2], sub[2][1]))))
    return out
